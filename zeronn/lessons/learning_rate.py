"""Lesson 2 (the tutorial's second question): the learning rate, optimizers, schedules, and the LR finder.

The tutorial adds the whole gradient at each step: a learning rate of 1.  This
lesson trains the tutorial's network and an MLP on real MNIST over learning
rates from 1e-4 to 10 (too small, right, too large: divergence is shown, not
hidden), compares SGD, SGD with momentum and Adam, adds a cosine schedule,
and asks ZeroNN's learning-rate finder for a suggestion.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np

import zeronn
from zeronn.lang import resolve_lang, tr
from zeronn.lessons.activations import X, Y, dead_unit_share, tutorial_network
from zeronn.lessons.fonts import picture_language
from zeronn.lessons.lesson import Lesson, LessonResult, Picture, Table, format_cell
from zeronn.lessons.mnist_subset import mnist_subset
from zeronn.lessons.training import Run, accuracy_of, predict_logits, train
from zeronn.losses.cross_entropy import CrossEntropyLoss
from zeronn.losses.sse import SSELoss
from zeronn.nn.activation import ReLU
from zeronn.nn.linear import Linear
from zeronn.nn.sequential import Sequential
from zeronn.optim.adam import Adam
from zeronn.optim.lr_scheduler import CosineAnnealingLR
from zeronn.optim.optimizer import Optimizer
from zeronn.optim.sgd import SGD

__all__ = ["LESSON", "LEARNING_RATES", "run", "mnist_mlp"]

#: The learning rates tried, from far too small to far too large.
LEARNING_RATES = (1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0)


def mnist_mlp(seed: int = 0) -> Sequential:
    """784 -> 64 -> ReLU -> 10, PyTorch's default initialisation."""
    rng = np.random.default_rng(seed)
    return Sequential(Linear(784, 64, rng=rng), ReLU(), Linear(64, 10, rng=rng))


def _verdict(run: Run, best: float, lang: str, dead: float = 0.0) -> str:
    """Too small, good, slow, or too large (blew up, killed the ReLU units, or diverged to NaN)."""
    if run.diverged_at is not None:
        return tr(f"too large: diverged (inf/NaN at step {run.diverged_at + 1})",
                  f"太大: 发散 (第 {run.diverged_at + 1} 步变成 inf/NaN)", lang)
    start, peak = run.step_losses[0], max(run.step_losses)
    final = run.final_loss if run.final_loss is not None else float("inf")
    if peak > 3 * start:
        return tr(f"too large: the loss blew up to {peak:.3g}", f"太大: 损失暴涨到 {peak:.3g}", lang)
    if dead > 0.5:
        return tr(f"too large: {dead:.0%} of the ReLU units died", f"太大: {dead:.0%} 的 ReLU 单元死亡", lang)
    if final > 0.9 * start:
        return tr("too small: barely moves", "太小: 几乎不动", lang)
    if final > 2 * best:
        return tr("slow", "偏慢", lang)
    return tr("good", "合适", lang)


def _draw_runs(runs: list[Run], path: Path, title: str, xlabel: str, lang: str, lrs: Optional[list[float]] = None,
               smooth: int = 1) -> Path:
    from zeronn.plot._colors import class_color
    from zeronn.plot._mpl import new_figure, save_figure

    figure = new_figure((6.4, 3.8) if lrs is None else (9.6, 3.6), dpi=80)
    ax = figure.add_subplot(1, 1 if lrs is None else 2, 1)
    for index, run in enumerate(runs):
        values = np.array(run.step_losses, dtype=np.float64)
        finite = values[np.isfinite(values)]
        if smooth > 1 and len(finite) >= smooth:
            finite = np.convolve(finite, np.ones(smooth) / smooth, mode="valid")
        ax.plot(np.arange(1, len(finite) + 1), finite, label=run.label, color=class_color(index), linewidth=1.3)
        if run.diverged_at is not None:
            top = float(np.max(finite)) if len(finite) else 1.0
            ax.plot([len(finite) + 1], [top], marker="x", markersize=10, color=class_color(index))
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(tr("loss (log scale)", "损失 (对数坐标)", lang))
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    if lrs is not None:
        lr_ax = figure.add_subplot(1, 2, 2)
        lr_ax.plot(np.arange(1, len(lrs) + 1), lrs, color=class_color(1))
        lr_ax.set_xlabel(xlabel)
        lr_ax.set_ylabel(tr("learning rate", "学习率", lang))
        lr_ax.set_title(tr("cosine schedule", "余弦调度", lang))
        lr_ax.grid(True, alpha=0.3)
    return save_figure(figure, path, dpi=80)


def _train_mnist(label: str, data: tuple[np.ndarray, ...], optimizer_of: "type[Optimizer] | None", epochs: int,
                 batch_size: int, *, lr: float, momentum: float = 0.0, schedule: bool = False,
                 lrs: Optional[list[float]] = None) -> tuple[Run, float]:
    x_train, y_train, x_test, y_test = data
    model = mnist_mlp()
    if optimizer_of is Adam:
        optimizer: Optimizer = Adam(model.parameters(), lr=lr)
    else:
        optimizer = SGD(model.parameters(), lr=lr, momentum=momentum)
    steps = epochs * -(-len(x_train) // batch_size)
    scheduler = CosineAnnealingLR(optimizer, T_max=steps) if schedule else None
    loss = CrossEntropyLoss()
    run = Run(label)
    order_rng = np.random.default_rng(0)
    model.train()
    for _ in range(epochs):
        order = order_rng.permutation(len(x_train))
        for start in range(0, len(x_train), batch_size):
            index = order[start:start + batch_size]
            with np.errstate(all="ignore"):
                value = float(loss(model(x_train[index]), y_train[index]))
            if not np.isfinite(value):
                run.diverged_at = len(run.step_losses)
                run.step_losses.append(float("inf"))
                return run, float("nan")
            run.step_losses.append(value)
            optimizer.zero_grad()
            with np.errstate(all="ignore"):
                model.backward(loss.backward())
            optimizer.step()
            if lrs is not None:
                lrs.append(optimizer.param_groups[0]["lr"])
            if scheduler is not None:
                scheduler.step()
        run.epoch_losses.append(float(np.mean(run.step_losses[-(len(x_train) // batch_size):])))
    with np.errstate(all="ignore"):
        accuracy = accuracy_of(predict_logits(model, x_test), y_test)
    run.extra["model"] = model
    return run, accuracy


def _lr_finder(data: tuple[np.ndarray, ...], out: Path, quick: bool, lang: str) -> tuple[float, Picture]:
    x_train, y_train = data[0], data[1]
    result = zeronn.lr_find(mnist_mlp(), x_train, y_train, loss=CrossEntropyLoss(), optimizer="sgd",
                            start_lr=1e-5, end_lr=10.0, num_steps=60 if quick else 100, batch_size=64, seed=0)
    path = out / "lr_finder.png"
    result.plot(path)
    return float(result.suggestion), Picture(path, tr("the learning-rate finder: loss while the learning rate grows",
                                                      "学习率查找器: 学习率逐步增大时的损失", lang))


def run(quick: bool, out: Path, lang: Optional[str] = None) -> LessonResult:
    """Run every experiment, draw the pictures into ``out``, return the lesson's result."""
    lang = resolve_lang(lang)
    with picture_language(lang) as picture_lang:
        return _run(quick, Path(out), lang, picture_lang)


def _run(quick: bool, out: Path, lang: str, pl: str) -> LessonResult:
    title = tr("The learning rate: too small, right, too large", "学习率: 太小、合适、太大", lang)
    result = LessonResult("learning-rate", title, tr(INTRO_EN, INTRO_ZH, lang))
    iterations = 300 if quick else 1500
    tutorial_runs: list[Run] = []
    table = Table(tr(f"The tutorial's network, plain SGD, {iterations} iterations",
                     f"教程的网络, 普通 SGD, {iterations} 次迭代", lang),
                  [tr("learning rate", "学习率", lang), tr("final loss", "最终损失", lang),
                   tr("iterations until all 4 rows are right", "四行全部分对所需迭代", lang)])
    for lr in LEARNING_RATES:
        model = tutorial_network("sigmoid")
        tutorial_run = train(f"lr={lr:g}", model, X, Y, loss=SSELoss(), optimizer=SGD(model.parameters(), lr=lr),
                             epochs=iterations)
        tutorial_runs.append(tutorial_run)
        table.rows.append([f"{lr:g}", format_cell(tutorial_run.final_loss), str(tutorial_run.epochs_to(1.0) or "-")])
    result.tables.append(table)
    result.pictures.append(Picture(
        _draw_runs(tutorial_runs, out / "tutorial_learning_rates.png", tr("The tutorial's network", "教程的网络", pl),
                   tr("iteration", "迭代", pl), pl),
        tr("the tutorial's network with each learning rate", "教程网络在不同学习率下的损失", lang)))

    n_train, n_test = (1000, 500) if quick else (12000, 2000)
    epochs, batch_size = (1, 64) if quick else (3, 64)
    data = mnist_subset(n_train, n_test, images=False)
    mnist_runs: list[Run] = []
    table = Table(tr(f"MNIST MLP 784-64-10 ({n_train} training images, {epochs} epoch(s), batch {batch_size}), "
                     "plain SGD",
                     f"MNIST 多层感知机 784-64-10 ({n_train} 张训练图像, {epochs} 轮, 批大小 {batch_size}), 普通 SGD",
                     lang),
                  [tr("learning rate", "学习率", lang), tr("final training loss", "最终训练损失", lang),
                   tr("test accuracy", "测试准确率", lang), tr("dead ReLU units", "死亡 ReLU 单元", lang),
                   tr("verdict", "结论", lang)])
    accuracies = []
    for lr in LEARNING_RATES:
        mnist_run, accuracy = _train_mnist(f"lr={lr:g}", data, SGD, epochs, batch_size, lr=lr)
        mnist_runs.append(mnist_run)
        accuracies.append(accuracy)
        result.numbers[f"mnist_accuracy_lr_{lr:g}"] = accuracy
        result.numbers[f"mnist_diverged_lr_{lr:g}"] = float(mnist_run.diverged_at is not None)
    best = min(r.final_loss for r in mnist_runs if r.final_loss is not None)
    for lr, mnist_run, accuracy in zip(LEARNING_RATES, mnist_runs, accuracies):
        trained = mnist_run.extra.get("model")
        dead = None if trained is None else dead_unit_share(trained, data[2])
        result.numbers[f"mnist_dead_lr_{lr:g}"] = float("nan") if dead is None else dead
        table.rows.append([f"{lr:g}", format_cell(mnist_run.final_loss),
                           "-" if np.isnan(accuracy) else f"{accuracy:.1%}", "-" if dead is None else f"{dead:.0%}",
                           _verdict(mnist_run, best, lang, dead or 0.0)])
    result.tables.append(table)
    result.pictures.append(Picture(
        _draw_runs(mnist_runs, out / "mnist_learning_rates.png",
                   tr("MNIST MLP: loss per step (x = diverged)", "MNIST 多层感知机: 每步损失 (x = 发散)", pl),
                   tr("step", "步", pl), pl, smooth=5),
        tr("MNIST MLP with each learning rate; an x marks where the loss became NaN",
           "MNIST 多层感知机在不同学习率下的损失; x 表示损失变成 NaN 的位置", lang)))

    optimizer_runs: list[Run] = []
    table = Table(tr("Optimizers on the same MLP", "同一个多层感知机上的优化器", lang),
                  [tr("optimizer", "优化器", lang), tr("final training loss", "最终训练损失", lang),
                   tr("test accuracy", "测试准确率", lang)])
    settings = [("SGD lr=0.1", SGD, 0.1, 0.0), ("SGD lr=0.01", SGD, 0.01, 0.0),
                ("SGD lr=0.01 momentum=0.9", SGD, 0.01, 0.9), ("Adam lr=0.001", Adam, 1e-3, 0.0)]
    for label, kind, lr, momentum in settings:
        optimizer_run, accuracy = _train_mnist(label, data, kind, epochs, batch_size, lr=lr, momentum=momentum)
        optimizer_runs.append(optimizer_run)
        result.numbers[f"optimizer_accuracy_{label}"] = accuracy
        table.rows.append([label, format_cell(optimizer_run.final_loss), f"{accuracy:.1%}"])
    lrs: list[float] = []
    scheduled, accuracy = _train_mnist("SGD lr=0.1 momentum=0.9 + cosine", data, SGD, epochs, batch_size, lr=0.1,
                                       momentum=0.9, schedule=True, lrs=lrs)
    table.rows.append([scheduled.label, format_cell(scheduled.final_loss),
                       "-" if np.isnan(accuracy) else f"{accuracy:.1%}"])
    result.numbers["schedule_accuracy"] = accuracy
    result.tables.append(table)
    result.pictures.append(Picture(
        _draw_runs(optimizer_runs, out / "optimizers.png", tr("SGD, momentum, Adam", "SGD、动量、Adam", pl),
                   tr("step", "步", pl), pl, smooth=5),
        tr("SGD, SGD with momentum and Adam on the MNIST MLP", "MNIST 多层感知机上的 SGD、动量 SGD 与 Adam", lang)))
    result.pictures.append(Picture(
        _draw_runs([scheduled], out / "schedule.png", tr("Cosine schedule", "余弦学习率调度", pl),
                   tr("step", "步", pl), pl, lrs=lrs, smooth=5),
        tr("a cosine learning-rate schedule: the loss, and the learning rate of every step",
           "余弦学习率调度: 损失, 以及每一步的学习率", lang)))

    suggestion, picture = _lr_finder(data, out, quick, lang)
    result.pictures.append(picture)
    found, accuracy = _train_mnist(f"SGD lr={suggestion:.3g} (LR finder)", data, SGD, epochs, batch_size, lr=suggestion)
    result.numbers["lr_finder_suggestion"] = suggestion
    result.numbers["lr_finder_accuracy"] = accuracy
    result.notes.append(tr(
        f"LR finder: zeronn.lr_find suggests lr = {suggestion:.3g}; plain SGD with it reaches "
        f"{'-' if np.isnan(accuracy) else f'{accuracy:.1%}'} test accuracy "
        f"(final training loss {format_cell(found.final_loss)}).",
        f"学习率查找器: zeronn.lr_find 建议 lr = {suggestion:.3g}; 用它训练普通 SGD, 测试准确率为 "
        f"{'-' if np.isnan(accuracy) else f'{accuracy:.1%}'} (最终训练损失 {format_cell(found.final_loss)})。", lang))
    result.explanation = [(tr(h_en, h_zh, lang), tr(t_en, t_zh, lang)) for h_en, h_zh, t_en, t_zh in EXPLANATION]
    return result


INTRO_EN = ("Gradient descent steps against the gradient: w = w - lr * dL/dw. The tutorial uses lr = 1 without "
            "saying so. Here the tutorial's network and a small MLP on real MNIST digits are trained with learning "
            "rates from 1e-4 to 10, then with three optimizers, a schedule, and the rate ZeroNN's learning-rate "
            "finder suggests.")
INTRO_ZH = ("梯度下降沿梯度的反方向走一步: w = w - lr * dL/dw。教程没有明说, 它用的学习率是 1。这里用 1e-4 到 10 的"
            "学习率训练教程的网络和一个识别真实 MNIST 手写数字的小型多层感知机, 然后比较三种优化器、一个学习率调度, "
            "以及 ZeroNN 学习率查找器给出的建议值。")

EXPLANATION = [
    ("Too small, right, too large", "太小、合适、太大",
     "The learning rate is the size of each step. Too small (1e-4) and the loss hardly moves in the time given. "
     "Too large and each step overshoots the valley: the loss jumps up, sometimes by orders of magnitude, or "
     "overflows to inf and NaN (an x marks that in the picture). A ReLU network has a second way to fail: one "
     "huge step can push every unit's weighted sum below 0 for every image, and a ReLU unit that outputs 0 "
     "everywhere gets no gradient and never recovers (the 'dead ReLU units' column): the network is stuck at "
     "chance, with a loss near ln 10 = 2.30. In between there is a range, often a factor of 10 wide, where "
     "training is fast and stable. The tutorial's sigmoid network is so small and its outputs so bounded that it "
     "tolerates lr = 1 and even 10; larger networks do not.",
     "学习率就是每一步的步长。太小 (1e-4) 时, 损失在给定的时间里几乎不动。太大时每一步都越过了谷底: 损失会"
     "跳升, 有时高出几个数量级, 甚至溢出成 inf 和 NaN (图中用 x 标出)。ReLU 网络还有第二种失败方式: 一个巨大的"
     "步长可能让每个单元对每张图像的加权和都小于 0, 而处处输出 0 的 ReLU 单元得不到梯度, 再也无法恢复 ('死亡 ReLU "
     "单元' 一列): 网络停在随机猜测的水平, 损失接近 ln 10 = 2.30。两者之间有一个区间 (常常跨 10 倍), 训练又快又"
     "稳定。教程的 sigmoid 网络很小, 输出有界, 所以能承受学习率 1 甚至 10; 更大的网络则不行。"),
    ("Momentum and Adam", "动量与 Adam",
     "Momentum adds up past gradients (b = momentum * b + g), so steps grow along directions where gradients "
     "agree and cancel where they zig-zag: with momentum 0.9 the effective step is about 10 times lr. Adam divides "
     "each parameter's step by a running average of its gradient's size, so every parameter moves at a similar "
     "pace; lr = 1e-3 is a good default that rarely needs tuning.",
     "动量法把过去的梯度累加起来 (b = momentum * b + g), 梯度方向一致时步子变大, 来回振荡时相互抵消: 动量为 0.9 "
     "时, 有效步长约为学习率的 10 倍。Adam 用每个参数梯度大小的滑动平均去除它的步长, 让每个参数以相近的速度"
     "移动; 学习率 1e-3 是很少需要调整的默认值。"),
    ("Schedules and the LR finder", "学习率调度与学习率查找器",
     "A schedule starts with large steps to make progress and ends with small ones to settle into the minimum; "
     "cosine annealing lowers lr smoothly to 0. The learning-rate finder (Leslie Smith's range test, fastai's "
     "lr_find) trains briefly while raising lr exponentially and records the loss; a good lr lies where the loss "
     "falls fastest, well before it blows up. zeronn.lr_find restores the model afterwards; on the command line: "
     "zeronn train ... --lr auto.",
     "学习率调度开始时用大步长快速前进, 最后用小步长稳定在极小值附近; 余弦退火把学习率平滑地降到 0。学习率查找器"
     "(Leslie Smith 的范围测试, fastai 的 lr_find) 在短时间训练中让学习率按指数增长并记录损失; 好的学习率位于损失"
     "下降最快的地方, 远在损失爆炸之前。zeronn.lr_find 结束后会恢复模型; 命令行用法: zeronn train ... --lr auto。"),
]

LESSON = Lesson("learning-rate", "The learning rate: too small, right, too large", "学习率: 太小、合适、太大",
                "How do I train with a learning rate?", run)
