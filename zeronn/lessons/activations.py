"""Lesson 1 (the tutorial's first question): which activation functions besides the sigmoid, and why.

Trains the tutorial's 3-4-1 network and a deeper spirals classifier with each
activation from the same starting weights, and measures final loss, epochs to
solve, the share of dead units, and how much gradient reaches the first layer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import numpy as np

from zeronn.data.toy import make_spirals
from zeronn.grad_mode import is_grad_enabled, set_grad_enabled
from zeronn.lang import resolve_lang, tr
from zeronn.lessons.fonts import picture_language
from zeronn.lessons.lesson import Lesson, LessonResult, Picture, Table, format_cell
from zeronn.lessons.training import Run, train
from zeronn.losses.cross_entropy import CrossEntropyLoss
from zeronn.losses.sse import SSELoss
from zeronn.nn.activation import Sigmoid, get_activation
from zeronn.nn.layer import Layer
from zeronn.nn.linear import Linear
from zeronn.nn.sequential import Sequential
from zeronn.optim.sgd import SGD

__all__ = ["LESSON", "ACTIVATION_NAMES", "run", "tutorial_network", "spirals_network", "dead_unit_share"]

#: The activations compared, by their ``get_activation`` names.
ACTIVATION_NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "silu")

X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=np.float64)     # (4, 3)
Y = np.array([[0], [1], [1], [0]], dtype=np.float64)                             # (4, 1)

HIDDEN_LAYERS, WIDTH = 4, 16


def tutorial_network(activation: str, seed: int = 0) -> Sequential:
    """3 -> 4 -> 1 without biases, weights U[0, 1) as in the tutorial; ``activation`` in the hidden layer."""
    rng = np.random.default_rng(seed)
    return Sequential(Linear(3, 4, bias=False, weight_init="rand", rng=rng, dtype=np.float64),
                      get_activation(activation),
                      Linear(4, 1, bias=False, weight_init="rand", rng=rng, dtype=np.float64), Sigmoid())


def spirals_network(activation: str, seed: int = 0) -> Sequential:
    """2 -> 16 -> 16 -> 16 -> 16 -> 2: four hidden layers of ``activation``, PyTorch's default init."""
    rng = np.random.default_rng(seed)
    layers: list[Layer] = []
    width = 2
    for _ in range(HIDDEN_LAYERS):
        layers += [Linear(width, WIDTH, rng=rng, dtype=np.float64), get_activation(activation)]
        width = WIDTH
    layers.append(Linear(width, 2, rng=rng, dtype=np.float64))
    return Sequential(*layers)


def _activation_layers(model: Sequential) -> list[Layer]:
    return [layer for layer in model.layers[:-1] if not layer.parameters()]


def dead_unit_share(model: Sequential, x: np.ndarray) -> float:
    """Share of hidden units whose derivative is 0 (below 1e-8) for every input of ``x``: they no longer learn.

    Each activation layer runs backward with a gradient of ones, which gives
    its derivative f'(z) at every sample and unit (the layers are element-wise).
    """
    previous = is_grad_enabled()
    set_grad_enabled(True)
    try:
        dead = total = 0
        h = x
        for layer in model.layers:
            h = layer(h)
            if layer in _activation_layers(model):
                slope = np.abs(np.asarray(layer.backward(np.ones_like(h))))     # (N, units) = |f'(z)|
                dead += int(np.sum(slope.max(axis=0) < 1e-8))
                total += slope.shape[1]
    finally:
        set_grad_enabled(previous)
    return dead / total if total else 0.0


def first_to_last_gradient(model: Sequential, x: np.ndarray, y: np.ndarray) -> float:
    """||dL/dW|| of the first Linear divided by that of the last, at the current weights."""
    loss = CrossEntropyLoss()
    set_grad_enabled(True)
    loss(model(x), y)
    model.zero_grad()
    model.backward(loss.backward())
    linears = [layer for layer in model.layers if isinstance(layer, Linear)]
    first, last = np.asarray(linears[0].weight.grad), np.asarray(linears[-1].weight.grad)
    return float(np.linalg.norm(first) / np.linalg.norm(last))


def _layer_gradients(model: Sequential, x: np.ndarray, y: np.ndarray) -> list[float]:
    first_to_last_gradient(model, x, y)
    return [float(np.linalg.norm(np.asarray(layer.weight.grad))) for layer in model.layers if isinstance(layer, Linear)]


def _draw_losses(runs: list[Run], path: Path, title: str, xlabel: str, per_step: bool, lang: str) -> Path:
    from zeronn.plot._colors import class_color
    from zeronn.plot._mpl import new_figure, save_figure

    figure = new_figure((6.4, 3.8), dpi=80)
    ax = figure.add_subplot()
    for index, run in enumerate(runs):
        values = run.step_losses if per_step else run.epoch_losses
        ax.plot(np.arange(1, len(values) + 1), values, label=run.label, color=class_color(index), linewidth=1.4)
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(tr("loss (log scale)", "损失 (对数坐标)", lang))
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, ncol=2)
    return save_figure(figure, path, dpi=80)


def _draw_boundaries(models: dict[str, Sequential], x: np.ndarray, y: np.ndarray, path: Path, resolution: int,
                     lang: str) -> Path:
    from zeronn.plot._mpl import new_figure, save_figure
    from zeronn.plot.decision_boundary import draw_boundary, grid_extent, predict_grid

    cols = 4
    rows = (len(models) + cols - 1) // cols
    figure = new_figure((3.0 * cols, 2.8 * rows), dpi=70)
    extent = grid_extent(x)
    for index, (name, model) in enumerate(models.items()):
        ax = figure.add_subplot(rows, cols, index + 1)
        grid = predict_grid(model, extent, resolution)
        draw_boundary(ax, grid, x, y, colorbar=False)
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.tick_params(labelsize=7)
    figure.suptitle(tr("What each network learned on the spirals", "各网络在螺旋数据上学到的决策边界", lang))
    return save_figure(figure, path, dpi=70)


def _draw_gradients(per_layer: dict[str, list[float]], path: Path, lang: str) -> Path:
    from zeronn.plot._colors import class_color
    from zeronn.plot._mpl import new_figure, save_figure

    figure = new_figure((6.4, 3.6), dpi=80)
    ax = figure.add_subplot()
    for index, (name, norms) in enumerate(per_layer.items()):
        ax.plot(np.arange(1, len(norms) + 1), norms, marker="o", label=name, color=class_color(index))
    ax.set_yscale("log")
    ax.set_xlabel(tr("Linear layer (1 = next to the input)", "全连接层 (1 = 紧挨输入的一层)", lang))
    ax.set_ylabel(tr("||dL/dW|| at the start", "初始时的 ||dL/dW||", lang))
    ax.set_title(tr("How much gradient reaches each layer", "每一层得到多少梯度", lang))
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, ncol=2)
    return save_figure(figure, path, dpi=80)


def run(quick: bool, out: Path, lang: Optional[str] = None) -> LessonResult:
    """Train every network, draw the pictures into ``out``, and return the lesson's result."""
    lang = resolve_lang(lang)
    with picture_language(lang) as picture_lang:
        return _run(quick, Path(out), lang, picture_lang)


def _run(quick: bool, out: Path, lang: str, pl: str) -> LessonResult:
    from zeronn.plot.activations import plot_activations

    iterations = 300 if quick else 1500
    epochs = 25 if quick else 300
    n_points = 200 if quick else 400
    result = LessonResult("activations", tr("Activation functions: beyond the sigmoid", "激活函数: sigmoid 之外", lang),
                          INTRO.get(lang, INTRO["en"]))
    pictures = [Picture(out / "activations.png", tr("each activation f(x) and its derivative f'(x)",
                                                  "每个激活函数 f(x) 及其导数 f'(x)", lang))]
    plot_activations(list(ACTIVATION_NAMES), pictures[0].path, dpi=60)

    tutorial_runs = []
    tutorial_table = Table(tr(f"The tutorial's 3-4-1 network, SGD lr=1, {iterations} iterations",
                              f"教程的 3-4-1 网络, SGD 学习率 1, {iterations} 次迭代", lang),
                           [tr("activation", "激活函数", lang), tr("final loss", "最终损失", lang),
                            tr("iterations until all 4 rows are right", "四行全部分对所需迭代", lang),
                            tr("dead units", "死亡单元", lang)])
    for name in ACTIVATION_NAMES:
        model = tutorial_network(name)
        tutorial_run = train(name, model, X, Y, loss=SSELoss(), optimizer=SGD(model.parameters(), lr=1.0),
                             epochs=iterations)
        tutorial_runs.append(tutorial_run)
        tutorial_table.rows.append([name, format_cell(tutorial_run.final_loss), str(tutorial_run.epochs_to(1.0) or "-"),
                                    f"{dead_unit_share(model, X):.0%}"])
    x, y = make_spirals(n_points, noise=0.05, seed=0, dtype=np.float64)
    spirals_runs, models, per_layer = [], {}, {}
    spirals_table = Table(
        tr(f"Spirals ({n_points} points), 4 hidden layers of 16, SGD lr=0.05 momentum=0.9, {epochs} epochs",
           f"螺旋数据 ({n_points} 个点), 4 个 16 单元隐藏层, SGD 学习率 0.05 动量 0.9, {epochs} 轮", lang),
        [tr("activation", "激活函数", lang), tr("final loss", "最终损失", lang), tr("accuracy", "准确率", lang),
         tr("epochs to 95%", "达到 95% 的轮数", lang), tr("dead units", "死亡单元", lang),
         tr("gradient layer 1 / layer 5 at start", "初始梯度 第1层/第5层", lang)])
    for name in ACTIVATION_NAMES:
        model = spirals_network(name)
        per_layer[name] = _layer_gradients(model, x, y)
        ratio = per_layer[name][0] / per_layer[name][-1]
        spirals_run = train(name, model, x, y, loss=CrossEntropyLoss(),
                            optimizer=SGD(model.parameters(), lr=0.05, momentum=0.9), epochs=epochs, batch_size=32)
        spirals_runs.append(spirals_run)
        models[name] = model
        dead = dead_unit_share(model, x)
        result.numbers[f"spirals_accuracy_{name}"] = spirals_run.epoch_accuracies[-1]
        result.numbers[f"spirals_dead_{name}"] = dead
        result.numbers[f"gradient_ratio_{name}"] = ratio
        spirals_table.rows.append([name, format_cell(spirals_run.final_loss), f"{spirals_run.epoch_accuracies[-1]:.0%}",
                                   str(spirals_run.epochs_to(0.95) or "-"), f"{dead:.0%}", f"{ratio:.2g}"])
    result.tables += [tutorial_table, spirals_table]
    pictures.append(Picture(_draw_losses(tutorial_runs, out / "tutorial_losses.png",
                                         tr("The tutorial's network", "教程的网络", pl),
                                         tr("iteration", "迭代", pl), False, pl),
                            tr("loss of the tutorial's network with each activation",
                               "教程网络使用各激活函数时的损失", lang)))
    pictures.append(Picture(_draw_losses(spirals_runs, out / "spirals_losses.png",
                                         tr("Spirals, 4 hidden layers", "螺旋数据, 4 个隐藏层", pl),
                                         tr("epoch", "轮 (epoch)", pl), False, pl),
                            tr("loss on the spirals, per epoch", "螺旋数据上每轮的损失", lang)))
    pictures.append(Picture(_draw_boundaries(models, x, y, out / "decision_boundaries.png", 60 if quick else 120,
                                             pl),
                            tr("decision boundaries after training", "训练后的决策边界", lang)))
    pictures.append(Picture(_draw_gradients(per_layer, out / "gradient_per_layer.png", pl),
                            tr("gradient reaching each layer before training", "训练前每一层得到的梯度", lang)))
    result.pictures = pictures
    result.explanation = [(heading.get(lang, heading["en"]), text.get(lang, text["en"])) for heading, text in
                          EXPLANATION]
    return result


INTRO: dict[str, Any] = {
    "en": "The tutorial's network uses the sigmoid everywhere. Here the same networks are trained with seven "
          "activation functions, from the same starting weights: the tutorial's 3-4-1 network on its four rows, "
          "and a deeper network (four hidden layers) on two interleaved spirals.",
    "zh": "教程的网络处处使用 sigmoid。这里用七种激活函数, 从相同的初始权重出发训练同样的网络: 教程中的 3-4-1 网络"
          "(四行数据), 以及一个更深的网络 (四个隐藏层), 用来区分两条交错的螺旋。",
}

EXPLANATION: list[tuple[dict[str, str], dict[str, str]]] = [
    ({"en": "Why deep sigmoid networks learn slowly", "zh": "为什么深层 sigmoid 网络学得慢"},
     {"en": "Backpropagation multiplies the gradient by the activation's derivative at every layer (the chain "
            "rule). The sigmoid's derivative s * (1 - s) is at most 0.25 (at x = 0) and close to 0 once |x| is "
            "large, so after four sigmoid layers at most 0.25^4 = 1/256 of the gradient is left: the first layers "
            "barely move. The column 'gradient layer 1 / layer 5' and the picture gradient_per_layer.png show it "
            "before any training. tanh's derivative reaches 1, ReLU's is exactly 1 for every positive input, so "
            "their gradients reach the first layer undiminished. With only one hidden layer (the tutorial's "
            "network) the sigmoid still learns, just more slowly.",
      "zh": "反向传播在每一层都把梯度乘以激活函数的导数 (链式法则)。sigmoid 的导数 s * (1 - s) 最大只有 0.25 "
            "(在 x = 0 处), |x| 较大时接近 0, 所以经过四层 sigmoid 后最多只剩 0.25^4 = 1/256 的梯度: 前面几层"
            "几乎不动。表中 '初始梯度 第1层/第5层' 一列和 gradient_per_layer.png 在训练前就显示了这一点。tanh 的"
            "导数最大为 1, ReLU 对每个正输入的导数恰好是 1, 所以它们的梯度能不衰减地到达第一层。只有一个隐藏层"
            "时 (教程的网络), sigmoid 仍然能学会, 只是更慢。"}),
    ({"en": "Why ReLU units die", "zh": "为什么 ReLU 单元会死亡"},
     {"en": "ReLU's derivative is 0 for every negative input. If a unit's weighted sum becomes negative for every "
            "sample (after a large update, or from an unlucky start), it outputs 0, receives no gradient, and can "
            "never recover: a dead unit. The 'dead units' column counts units whose derivative is 0 on every "
            "training input. Leaky ReLU (slope 0.01 below 0), ELU, GELU and SiLU keep a small gradient for "
            "negative inputs, so their units cannot die this way; a smaller learning rate also helps.",
      "zh": "ReLU 对每个负输入的导数都是 0。如果某个单元对所有样本的加权和都变成负数 (一次很大的更新之后, 或者"
            "初始值不走运), 它就一直输出 0, 得不到梯度, 再也无法恢复: 这就是死亡单元。'死亡单元' 一列统计在"
            "所有训练输入上导数都为 0 的单元。Leaky ReLU (负半轴斜率 0.01)、ELU、GELU 和 SiLU 在负输入处保留了"
            "一点梯度, 所以它们的单元不会这样死亡; 较小的学习率也有帮助。"}),
    ({"en": "What to use", "zh": "该用哪一个"},
     {"en": "ReLU is the default for hidden layers: cheap, and its gradient does not shrink. GELU and SiLU are "
            "smooth versions used in transformers and modern CNNs. tanh is fine in small or recurrent networks. "
            "Keep the sigmoid for an output that must be a probability (with BCEWithLogitsLoss in practice). "
            "Try it: zeronn train --data spirals --activation gelu.",
      "zh": "隐藏层默认用 ReLU: 计算便宜, 梯度不会缩小。GELU 和 SiLU 是它的平滑版本, 用在 Transformer 和现代 "
            "CNN 里。tanh 适合小网络或循环网络。sigmoid 留给必须输出概率的那一层 (实践中配合 BCEWithLogitsLoss)。"
            "动手试试: zeronn train --data spirals --activation gelu。"}),
]

LESSON = Lesson("activations", "Activation functions: beyond the sigmoid", "激活函数: sigmoid 之外",
                "Which activation functions are there besides the sigmoid?", run)
