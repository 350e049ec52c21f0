"""Lesson 3 (the tutorial's third question): classify images with convolution.

Trains a small CNN and an MLP with about the same number of parameters on
real MNIST digits, then shows what the CNN learned: its filters, the feature
maps of one digit, the confusion matrix and its worst mistakes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np

from zeronn.lang import resolve_lang, tr
from zeronn.lessons.fonts import picture_language
from zeronn.lessons.lesson import Lesson, LessonResult, Picture, Table, format_cell
from zeronn.lessons.mnist_subset import mnist_subset
from zeronn.lessons.training import Run, accuracy_of, predict_logits, train
from zeronn.losses.cross_entropy import CrossEntropyLoss
from zeronn.metrics import confusion_matrix
from zeronn.nn.activation import ReLU
from zeronn.nn.conv import Conv2d
from zeronn.nn.flatten import Flatten
from zeronn.nn.linear import Linear
from zeronn.nn.pooling import MaxPool2d
from zeronn.nn.sequential import Sequential
from zeronn.optim.adam import Adam

__all__ = ["LESSON", "run", "small_cnn", "similar_mlp"]


def small_cnn(seed: int = 0) -> Sequential:
    """conv 3x3 (1 -> 8) - ReLU - max-pool 2 - conv 3x3 (8 -> 16) - ReLU - max-pool 2 - Linear(784, 10)."""
    rng = np.random.default_rng(seed)
    return Sequential(
        Conv2d(1, 8, 3, padding=1, rng=rng), ReLU(), MaxPool2d(2),          # (N, 8, 14, 14)
        Conv2d(8, 16, 3, padding=1, rng=rng), ReLU(), MaxPool2d(2),         # (N, 16, 7, 7)
        Flatten(), Linear(16 * 7 * 7, 10, rng=rng),                        # (N, 10)
    )


def similar_mlp(seed: int = 0) -> Sequential:
    """784 -> 12 -> ReLU -> 10: about as many parameters as ``small_cnn``, but no weight sharing."""
    rng = np.random.default_rng(seed)
    return Sequential(Flatten(), Linear(784, 12, rng=rng), ReLU(), Linear(12, 10, rng=rng))


def _draw_curves(runs: list[Run], path: Path, lang: str) -> Path:
    from zeronn.plot._colors import class_color
    from zeronn.plot._mpl import new_figure, save_figure

    figure = new_figure((9.0, 3.4), dpi=80)
    loss_ax, accuracy_ax = figure.add_subplot(1, 2, 1), figure.add_subplot(1, 2, 2)
    for index, run in enumerate(runs):
        losses = np.convolve(run.step_losses, np.ones(10) / 10, mode="valid")
        loss_ax.plot(np.arange(1, len(losses) + 1), losses, label=run.label, color=class_color(index))
        accuracy = run.extra["test_accuracy"]
        accuracy_ax.plot(np.arange(1, len(accuracy) + 1), accuracy, marker="o", label=run.label,
                         color=class_color(index))
    loss_ax.set_yscale("log")
    loss_ax.set_xlabel(tr("step", "步", lang))
    loss_ax.set_ylabel(tr("training loss", "训练损失", lang))
    accuracy_ax.set_xlabel(tr("epoch", "轮 (epoch)", lang))
    accuracy_ax.set_ylabel(tr("test accuracy", "测试准确率", lang))
    for ax in (loss_ax, accuracy_ax):
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    return save_figure(figure, path, dpi=80)


def _fit(label: str, model: Sequential, data: tuple[np.ndarray, ...], epochs: int) -> tuple[Run, np.ndarray]:
    x_train, y_train, x_test, y_test = data
    test_accuracy: list[float] = []

    def after_epoch(epoch: int, run: Run) -> None:
        test_accuracy.append(accuracy_of(predict_logits(model, x_test), y_test))

    run = train(label, model, x_train, y_train, loss=CrossEntropyLoss(), optimizer=Adam(model.parameters(), lr=2e-3),
                epochs=epochs, batch_size=64, on_epoch=after_epoch, track_accuracy=False)
    run.extra["test_accuracy"] = test_accuracy
    return run, predict_logits(model, x_test)


def _worst_mistakes(logits: np.ndarray, y: np.ndarray, count: int) -> np.ndarray:
    """Indices of the wrong predictions the model was most sure of, most confident first."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    probabilities = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)      # (N, 10)
    predicted = probabilities.argmax(axis=1)
    wrong = np.flatnonzero(predicted != y)
    confidence = probabilities[wrong, predicted[wrong]]
    return wrong[np.argsort(-confidence)][:count]


def run(quick: bool, out: Path, lang: Optional[str] = None) -> LessonResult:
    """Train both networks, draw the pictures into ``out``, return the lesson's result."""
    lang = resolve_lang(lang)
    with picture_language(lang) as picture_lang:
        return _run(quick, Path(out), lang, picture_lang)


def _run(quick: bool, out: Path, lang: str, pl: str) -> LessonResult:
    from zeronn.plot.confusion import plot_confusion_matrix
    from zeronn.plot.conv import plot_conv_filters, plot_feature_maps
    from zeronn.plot.images import plot_image_grid

    n_train, n_test, epochs = (600, 300, 1) if quick else (30000, 5000, 3)
    data = mnist_subset(n_train, n_test, images=True)
    x_test, y_test = data[2], data[3]
    cnn, mlp = small_cnn(), similar_mlp()
    result = LessonResult("convolution", tr("Convolution: how a network looks at images", "卷积: 网络如何看图像", lang),
                          tr(INTRO_EN, INTRO_ZH, lang))
    runs, outputs = [], {}
    for label, model in (("CNN", cnn), ("MLP", mlp)):
        fitted, logits = _fit(label, model, data, epochs)
        runs.append(fitted)
        outputs[label] = logits
    table = Table(tr(f"MNIST, {n_train} training and {n_test} test images, {epochs} epoch(s), Adam lr=0.002, batch 64",
                     f"MNIST, {n_train} 张训练图像和 {n_test} 张测试图像, {epochs} 轮, Adam 学习率 0.002, 批大小 64",
                     lang),
                  [tr("model", "模型", lang), tr("parameters", "参数数量", lang),
                   tr("final training loss", "最终训练损失", lang), tr("test accuracy", "测试准确率", lang)])
    for fitted, model, key in zip(runs, (cnn, mlp), ("cnn", "mlp")):
        accuracy = fitted.extra["test_accuracy"][-1]
        result.numbers[f"{key}_accuracy"] = accuracy
        result.numbers[f"{key}_parameters"] = float(model.num_parameters())
        final = float(np.mean(fitted.step_losses[-20:]))
        table.rows.append([fitted.label, f"{model.num_parameters():,}", format_cell(final), f"{accuracy:.1%}"])
    result.tables.append(table)

    cnn_logits = outputs[runs[0].label]
    predicted = cnn_logits.argmax(axis=1)
    matrix = confusion_matrix(y_test, predicted, num_classes=10)
    pairs = [(int(matrix[i, j]), i, j) for i in range(10) for j in range(10) if i != j]
    count, true_class, wrong_class = max(pairs)
    result.notes.append(tr(f"The CNN's most frequent confusion: {count} test images of a {true_class} read as "
                           f"{wrong_class}.",
                           f"卷积网络最常见的混淆: {count} 张 {true_class} 被认成了 {wrong_class}。", lang))
    digit = int(np.flatnonzero(y_test == 7)[0]) if np.any(y_test == 7) else 0
    pictures = [
        Picture(_draw_curves(runs, out / "cnn_vs_mlp.png", pl),
                tr("CNN vs MLP with the same parameter budget: training loss and test accuracy",
                   "参数量相同的卷积网络与多层感知机: 训练损失与测试准确率", lang)),
        Picture(out / "filters.png", tr("the 8 learned 3x3 filters of the first convolution",
                                        "第一层卷积学到的 8 个 3x3 卷积核", lang)),
        Picture(out / "feature_maps.png", tr("feature maps of one digit after the first convolution and ReLU",
                                             "一个数字经过第一层卷积和 ReLU 后的特征图", lang)),
        Picture(out / "confusion_matrix.png", tr("the CNN's confusion matrix on the test images",
                                                 "卷积网络在测试图像上的混淆矩阵", lang)),
        Picture(out / "worst_mistakes.png", tr("the CNN's most confident mistakes (predicted vs true)",
                                               "卷积网络最自信的错误 (预测 vs 真实)", lang)),
    ]
    plot_conv_filters(cnn, pictures[1].path, dpi=60)
    plot_feature_maps(cnn, x_test[digit], pictures[2].path, layer=1, dpi=60)
    plot_confusion_matrix(matrix, path=pictures[3].path, dpi=60,
                          title=tr("CNN confusion matrix", "卷积网络的混淆矩阵", pl))
    worst = _worst_mistakes(cnn_logits, y_test, 12)
    if len(worst):
        plot_image_grid(x_test[worst], y_test[worst], predicted[worst], n=len(worst), path=pictures[4].path, dpi=60,
                        title=tr("most confident mistakes", "最自信的错误", pl))
    else:
        pictures.pop()
    result.pictures = pictures
    result.explanation = [(tr(h_en, h_zh, lang), tr(t_en, t_zh, lang)) for h_en, h_zh, t_en, t_zh in EXPLANATION]
    return result


INTRO_EN = ("An MLP sees an image as 784 unrelated numbers: move the digit by one pixel and every input changes. "
            "A convolutional network slides small filters over the image instead. Here a small CNN and an MLP "
            "with about the same number of parameters learn real MNIST digits from the same data.")
INTRO_ZH = ("多层感知机把一张图像看成 784 个互不相关的数字: 数字平移一个像素, 每个输入都变了。卷积网络则让小的卷积核"
            "在图像上滑动。这里一个小型卷积网络和一个参数量差不多的多层感知机, 用同样的数据学习识别真实的 MNIST "
            "手写数字。")

EXPLANATION = [
    ("Weight sharing", "权值共享",
     "A 3x3 filter has 9 weights per input channel, and the same 9 are used at every position of the image: "
     "a stroke detector learned in one corner works everywhere. The CNN's first layer has 80 parameters; a "
     "Linear layer producing the same 8 x 28 x 28 outputs would need about 4.9 million. That is why, with the "
     "same budget (about 9,000 parameters), the CNN can afford many more features per image than the MLP, "
     "and learns better from the same data. In backward, each filter's gradient is the sum over all the "
     "positions where it was used (write it yourself: zeronn exercise start conv2d).",
     "一个 3x3 卷积核对每个输入通道只有 9 个权重, 而且这 9 个权重用在图像的每个位置上: 在一个角落学到的笔画"
     "检测器在任何地方都有效。卷积网络第一层只有 80 个参数; 用全连接层产生同样的 8 x 28 x 28 个输出需要大约 490 "
     "万个参数。所以在相同的参数预算下 (约 9000 个), 卷积网络每张图像能提取多得多的特征, 用同样的数据学得更好。"
     "反向传播时, 每个卷积核的梯度是它被使用的所有位置上的梯度之和 (自己动手写: zeronn exercise start conv2d)。"),
    ("Pooling", "池化",
     "Max pooling keeps the largest value of each 2x2 window: the image shrinks by 4, so the next filters see a "
     "larger part of the digit for the same cost, and a stroke shifted by a pixel still gives the same maximum. "
     "Its backward sends each gradient to the one input that was the maximum (zeronn exercise start maxpool).",
     "最大池化保留每个 2x2 窗口中的最大值: 图像缩小为 1/4, 后面的卷积核以同样的计算量看到数字的更大部分, 而且"
     "笔画平移一个像素, 最大值仍然不变。它的反向传播把每个梯度传给窗口中作为最大值的那个输入 "
     "(zeronn exercise start maxpool)。"),
    ("Reading the pictures", "如何看这些图",
     "filters.png: the first layer's filters often look like small edge and stroke detectors. feature_maps.png: each "
     "channel lights up where its filter matches the digit. The confusion matrix shows which digits get mixed up "
     "(often 4/9, 3/5, 7/2), and the worst mistakes are often digits a person would hesitate over too. Train a "
     "bigger one: zeronn train --data mnist --model lenet.",
     "filters.png: 第一层的卷积核常常看起来像小的边缘和笔画检测器。feature_maps.png: 每个通道在其卷积核与数字匹配的"
     "地方变亮。混淆矩阵显示哪些数字容易混淆 (常见的有 4/9、3/5、7/2), 最严重的错误往往是人也会犹豫的数字。"
     "训练一个更大的网络: zeronn train --data mnist --model lenet。"),
]

LESSON = Lesson("convolution", "Convolution: how a network looks at images", "卷积: 网络如何看图像",
                "How do I classify images with convolution?", run)
