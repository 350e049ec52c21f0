"""The doctor's rules: each turns recorded numbers into findings, with its thresholds and their source.

Every threshold is a named constant below.  Where a source gives the idea but
no number, the number is ours, chosen on small deliberately broken and
healthy runs (``tests/doctor/test_rules.py`` trains both for every code).

=====================  ==============================================================  ==================
code                   rule (severity)                                                 source
=====================  ==============================================================  ==================
init_loss              loss of step 0 above 1.5x, or below 0.5x (info), the loss of    CS231n "Neural
                       a model that guesses uniformly: ln(C) for cross-entropy/NLL     Networks 3"
                       with C classes, ln(2) for binary cross-entropy (warning)        (sanity checks);
                                                                                       Karpathy, "A Recipe
                                                                                       for Training Neural
                                                                                       Networks" ("verify
                                                                                       loss @ init")
unscaled_inputs        a feature (column, or image channel) with |mean| > 5 or std >   LeCun et al.,
                       5 (warning), e.g. raw 0-255 pixels; inputs of NaN/inf (error)   "Efficient
                                                                                       BackProp" (1998),
                                                                                       4.3: mean 0,
                                                                                       variance 1
class_imbalance        the smallest class has < 0.2x the samples of the largest        Google ML Crash
                       (warning; "extreme" below 1% of the data)                       Course, "Imbalanced
                                                                                       datasets" (1-20%
                                                                                       moderate, < 1%
                                                                                       extreme)
lr_too_high            loss NaN/inf (error); smoothed loss (EMA beta 0.98, debiased)   fastai / L. Smith's
                       rising above 4x its best and above its start (error); an        LR range test (4x
                       update larger than 0.1x the weights (median over steps,         the best); CS231n
                       warning); epoch loss rising in more than half of >= 4 epochs    (update/weight
                       while still above half of the first epoch's (warning)           ~1e-3)
lr_too_low             update/weight ratio < 1e-5 in every layer (median over steps)   CS231n ("~1e-3;
                       and the smoothed loss fell by less than 10% over >= 50 steps    lower: lr too low")
                       (warning)
vanishing_gradients    gradient norm of the first layer with parameters < 1e-3x the    Glorot & Bengio
                       last one's (median over sampled steps; warning)                 (2010); Hochreiter
                                                                                       (1991)
exploding_gradients    a NaN/inf gradient (error); first layer's gradient norm > 1e3x  Pascanu, Mikolov &
                       the last one's, or the total norm growing > 100x from the       Bengio (2013)
                       first sampled step (warning)
dead_relu              a ReLU layer with > 50% of its units 0 for every sample of the  CS231n ("as much as
                       sampled batches of the last third of the run (>= 64 samples;    40% of your network
                       warning)                                                        can be dead")
saturated              a hidden Sigmoid/Tanh layer with > 50% of its outputs within    CS231n (saturated
                       0.01 of its limits (median over the last third; warning)        units kill
                                                                                       gradients)
plateau                >= 6 epochs and no new best training loss (by > 0.1%) in the    Keras
                       last 5, while the loss is still > 30% of its start (warning)    ReduceLROnPlateau
                                                                                       (patience,
                                                                                       min_delta)
overfitting            validation loss (median of the last 3 epochs) > 1.2x (info),    Goodfellow et al.,
                       > 1.5x (warning) its best, the best >= 3 epochs ago, while the  "Deep Learning"
                       training loss kept falling; or validation loss > 2x the         7.8 (early
                       training loss and 0.1 above it (warning)                        stopping)
underfitting           after >= 3 epochs the training loss is still > 0.5x the loss    Karpathy, "Recipe"
                       of step 0 (warning)                                             ("overfit one batch":
                                                                                       a model should fit)
=====================  ==============================================================  ==================

plateau and underfitting are left out when lr_too_high or lr_too_low explains
the run (their advice, about the learning rate, comes first); lr_too_low is
left out when lr_too_high is found.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Optional

import numpy as np

from zeronn.doctor.finding import Finding
from zeronn.doctor.recorder import LayerInfo, TrainingRecord
from zeronn.lang import tr
from zeronn.losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, Loss, NLLLoss
from zeronn.optim.optimizer import Optimizer

__all__ = [
    "CODES",
    "Context",
    "diagnose",
    "smooth_losses",
    "unscaled_inputs_findings",
    "class_imbalance_findings",
    "INIT_LOSS_HIGH",
    "INIT_LOSS_LOW",
    "INPUT_SCALE_LIMIT",
    "IMBALANCE_RATIO",
    "EXTREME_CLASS_SHARE",
    "SMOOTHING_BETA",
    "DIVERGENCE_FACTOR",
    "UPDATE_RATIO_HIGH",
    "UPDATE_RATIO_LOW",
    "OSCILLATION_STUCK",
    "LOW_LR_MIN_STEPS",
    "LOW_LR_MIN_FALL",
    "VANISHING_RATIO",
    "EXPLODING_RATIO",
    "EXPLODING_GROWTH",
    "DEAD_SHARE",
    "DEAD_MIN_SAMPLES",
    "SATURATED_SHARE",
    "PLATEAU_PATIENCE",
    "PLATEAU_MIN_DELTA",
    "OVERFIT_RISE",
    "OVERFIT_RISE_WARNING",
    "OVERFIT_PATIENCE",
    "OVERFIT_GAP",
    "OVERFIT_GAP_ABS",
    "UNDERFIT_MIN_EPOCHS",
    "UNDERFIT_FRACTION",
]

#: Every code a finding may carry.
CODES = (
    "init_loss", "unscaled_inputs", "class_imbalance", "lr_too_high", "lr_too_low", "vanishing_gradients",
    "exploding_gradients", "dead_relu", "saturated", "plateau", "overfitting", "underfitting",
)

INIT_LOSS_HIGH = 1.5            # x the uniform-guess loss
INIT_LOSS_LOW = 0.5
INPUT_SCALE_LIMIT = 5.0         # |mean| or std of a feature
IMBALANCE_RATIO = 0.2           # smallest / largest class count
EXTREME_CLASS_SHARE = 0.01      # share of the data
SMOOTHING_BETA = 0.98           # fastai's loss smoothing
DIVERGENCE_FACTOR = 4.0         # smoothed loss / best smoothed loss
UPDATE_RATIO_HIGH = 0.1         # |update| / |weights|
UPDATE_RATIO_LOW = 1e-5
OSCILLATION_STUCK = 0.5         # rising epochs count only while the loss is above half its first epoch's
LOW_LR_MIN_STEPS = 50
LOW_LR_MIN_FALL = 0.10          # relative fall of the smoothed loss
VANISHING_RATIO = 1e-3          # first / last layer gradient norm
EXPLODING_RATIO = 1e3
EXPLODING_GROWTH = 100.0        # total gradient norm, late / first sampled step
DEAD_SHARE = 0.5
DEAD_MIN_SAMPLES = 64
SATURATED_SHARE = 0.5
PLATEAU_PATIENCE = 5
PLATEAU_MIN_DELTA = 1e-3        # relative improvement that counts
PLATEAU_CONVERGED = 0.3         # a loss below 30% of its start has learned: resting, not stuck
OVERFIT_RISE = 1.2              # info: starting to overfit
OVERFIT_RISE_WARNING = 1.5      # warning
OVERFIT_PATIENCE = 3
OVERFIT_GAP = 2.0
OVERFIT_GAP_ABS = 0.1
UNDERFIT_MIN_EPOCHS = 3
UNDERFIT_FRACTION = 0.5


@dataclass
class Context:
    """What the rules look at: the record, the loss and optimizer objects, the language, a failure message."""

    record: TrainingRecord
    loss: Any
    optimizer: Any
    lang: str
    failure: Optional[str] = None


def _t(context_or_lang: Any, en: str, zh: str) -> str:
    lang = context_or_lang if isinstance(context_or_lang, str) else context_or_lang.lang
    return tr(en, zh, lang)


def _finite(values: list[float]) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    return array[np.isfinite(array)]


def _median(values: Any) -> float:
    array = _finite(list(values))
    return float(np.median(array)) if array.size else math.nan


def _last_third(values: list[Any]) -> list[Any]:
    return values[len(values) - max(1, len(values) // 3):] if values else []


def smooth_losses(losses: list[float], beta: float = SMOOTHING_BETA) -> np.ndarray:
    """fastai's smoothed loss: avg = beta * avg + (1 - beta) * loss, debiased by 1 - beta^(step + 1)."""
    smoothed = np.empty(len(losses))
    average = 0.0
    for step, value in enumerate(losses):
        average = beta * average + (1 - beta) * value
        smoothed[step] = average / (1 - beta ** (step + 1))
    return smoothed


# ------------------------------------------------------------------------------------ data
def unscaled_inputs_findings(x: np.ndarray, lang: str) -> list[Finding]:
    """``unscaled_inputs`` for input rows ``x`` (N, features) or images (N, C, ...)."""
    if x.size == 0:
        return []
    values = np.asarray(x, dtype=np.float64)
    if not np.all(np.isfinite(values)):
        bad = int(np.count_nonzero(~np.isfinite(values)))
        return [Finding("unscaled_inputs", "error", None,
                        _t(lang, f"The inputs contain {bad} NaN or infinite values.",
                           f"输入数据中有 {bad} 个 NaN 或无穷大的值。"),
                        _t(lang, "Remove or fill those rows (np.nan_to_num, or drop them) before training.",
                           "训练前删除或填补这些样本（例如 np.nan_to_num）。"),
                        {"non_finite_values": bad})]
    per_feature = values.reshape(len(values), values.shape[1] if values.ndim > 1 else 1, -1)   # (N, F, rest)
    means = per_feature.mean(axis=(0, 2))                       # (F,)
    stds = per_feature.std(axis=(0, 2))                         # (F,)
    bad_features = np.flatnonzero((np.abs(means) > INPUT_SCALE_LIMIT) | (stds > INPUT_SCALE_LIMIT))
    if bad_features.size == 0:
        return []
    worst = int(bad_features[np.argmax(np.maximum(np.abs(means), stds)[bad_features])])
    evidence = {"features_off_scale": int(bad_features.size), "features": int(len(means)),
                "worst_feature": worst, "worst_mean": float(means[worst]), "worst_std": float(stds[worst]),
                "min": float(values.min()), "max": float(values.max()), "limit": INPUT_SCALE_LIMIT}
    pixels = values.min() >= 0 and values.max() > 100 and values.max() <= 255
    hint_en = " They look like raw 0-255 pixels: divide by 255." if pixels else ""
    hint_zh = "看起来是 0-255 的原始像素值：除以 255。" if pixels else ""
    return [Finding(
        "unscaled_inputs", "warning", None,
        _t(lang, f"{bad_features.size} of {len(means)} input features are far from mean 0 / std 1 "
                 f"(feature {worst}: mean {means[worst]:.3g}, std {stds[worst]:.3g}; values from "
                 f"{values.min():.3g} to {values.max():.3g}).",
           f"{len(means)} 个输入特征中有 {bad_features.size} 个远离均值 0、标准差 1"
           f"（特征 {worst}：均值 {means[worst]:.3g}，标准差 {stds[worst]:.3g}；取值范围 "
           f"{values.min():.3g} 到 {values.max():.3g}）。"),
        _t(lang, "Standardise the inputs: subtract the training set's mean and divide by its standard "
                 "deviation, per feature." + hint_en + " Large inputs saturate activations and force a tiny "
                 "learning rate.",
           "对输入做标准化：每个特征减去训练集的均值，再除以标准差。" + hint_zh
           + "过大的输入会让激活函数饱和，只能用很小的学习率。"),
        evidence)]


def class_imbalance_findings(counts: dict[int, int], lang: str) -> list[Finding]:
    """``class_imbalance`` for ``{label: count}``."""
    if len(counts) < 2:
        return []
    total = sum(counts.values())
    smallest = min(counts, key=lambda label: counts[label])
    largest = max(counts, key=lambda label: counts[label])
    ratio = counts[smallest] / counts[largest]
    if ratio >= IMBALANCE_RATIO:
        return []
    share = counts[smallest] / total
    extreme = share < EXTREME_CLASS_SHARE
    degree_en = "an extreme imbalance" if extreme else "a strong imbalance"
    degree_zh = "极度不平衡" if extreme else "明显不平衡"
    return [Finding(
        "class_imbalance", "warning", None,
        _t(lang, f"Class {smallest} has only {counts[smallest]} samples ({share:.1%} of {total}), class "
                 f"{largest} has {counts[largest]}: {degree_en}. A model can score high accuracy by never "
                 f"predicting class {smallest}.",
           f"类别 {smallest} 只有 {counts[smallest]} 个样本（占 {total} 个的 {share:.1%}），类别 {largest} 有 "
           f"{counts[largest]} 个：{degree_zh}。模型从不预测类别 {smallest} 也能得到很高的准确率。"),
        _t(lang, "Collect more samples of the rare class, or oversample it (repeat its rows), or weight the "
                 "loss by inverse class frequency; judge the model by per-class recall or balanced accuracy, "
                 "not accuracy alone.",
           "收集更多少数类样本，或对其过采样（重复这些样本），或按类别频率的倒数给损失函数加权；"
           "用每类召回率或平衡准确率评价模型，而不只看准确率。"),
        {"smallest_class": smallest, "smallest_count": counts[smallest], "largest_class": largest,
         "largest_count": counts[largest], "ratio": ratio, "smallest_share": share,
         "threshold_ratio": IMBALANCE_RATIO})]


# ------------------------------------------------------------------------------------ loss
def _uniform_loss(context: Context) -> Optional[float]:
    """The loss of a model that gives every class the same probability, or None for other losses."""
    shape = context.record.output_shape
    if isinstance(context.loss, (BCELoss, BCEWithLogitsLoss)):
        return math.log(2.0)
    if isinstance(context.loss, (CrossEntropyLoss, NLLLoss)) and shape is not None and len(shape) >= 2:
        classes = shape[1]
        return math.log(classes) if classes >= 2 else None
    return None


def _init_loss(context: Context) -> list[Finding]:
    expected = _uniform_loss(context)
    losses = context.record.losses
    if expected is None or not losses or not math.isfinite(losses[0]):
        return []
    if not isinstance(context.loss, Loss) or context.loss.reduction != "mean":
        return []
    first = losses[0]
    evidence = {"loss_at_step_0": first, "expected": expected, "ratio": first / expected,
                "high": INIT_LOSS_HIGH, "low": INIT_LOSS_LOW}
    if first > INIT_LOSS_HIGH * expected:
        return [Finding("init_loss", "warning", None,
                        _t(context, f"The loss at the first step is {first:.3g}, but a model that gives every "
                                    f"class the same probability scores {expected:.3g}: the initial outputs are "
                                    "confidently wrong.",
                           f"第一步的损失是 {first:.3g}，而一个给每个类别相同概率的模型得分为 {expected:.3g}："
                           "初始输出错得很自信。"),
                        _t(context, "Check the inputs are scaled, use the default initialisation (or scale down "
                                    "the last layer's weights), and feed raw scores (logits) to CrossEntropyLoss, "
                                    "not softmax outputs.",
                           "检查输入是否已标准化，使用默认初始化（或缩小最后一层的权重），并把原始分数（logits）"
                           "而不是 softmax 的输出交给 CrossEntropyLoss。"),
                        evidence)]
    if first < INIT_LOSS_LOW * expected:
        return [Finding("init_loss", "info", None,
                        _t(context, f"The loss at the first step is already {first:.3g}, well below the "
                                    f"{expected:.3g} of a uniform guess: the model is pretrained, the task is "
                                    "very easy, or the targets leak into the inputs.",
                           f"第一步的损失已经是 {first:.3g}，远低于均匀猜测的 {expected:.3g}：模型已经训练过、"
                           "任务非常简单，或者目标泄漏到了输入中。"),
                        _t(context, "If the model starts from scratch, check that no input column is the label.",
                           "如果模型是从头训练的，检查输入中有没有某一列就是标签。"),
                        evidence)]
    return []


def _lr_of(context: Context) -> Optional[float]:
    if not isinstance(context.optimizer, Optimizer) or not context.optimizer.param_groups:
        return None
    return float(context.optimizer.param_groups[0]["lr"])


def _lr_text(context: Context) -> str:
    lr = _lr_of(context)
    if lr is None:
        return ""
    return f"（lr={lr:g}）" if context.lang == "zh" else f" (lr={lr:g})"


def _median_update_ratio(record: TrainingRecord, skip_first: bool = False) -> float:
    values: list[float] = []
    for ratios in record.update_ratios.values():
        values.extend(ratios[1:] if skip_first else ratios)
    return _median(values)


def _lr_too_high(context: Context) -> list[Finding]:
    record = context.record
    losses = np.asarray(record.losses, dtype=float)
    lower = _t(context, f"Lower the learning rate{_lr_text(context)} by 10x (run zeronn.lr_find to choose one), "
                        "or clip gradients (clip_grad_norm=1.0).",
               f"把学习率{_lr_text(context)}降低到十分之一（可以用 zeronn.lr_find 找一个合适的值），"
               "或裁剪梯度（clip_grad_norm=1.0）。")
    failure = context.failure
    if failure is not None or (losses.size and not np.all(np.isfinite(losses))):
        first_bad = int(np.flatnonzero(~np.isfinite(losses))[0]) if losses.size and not np.all(
            np.isfinite(losses)) else len(losses)
        return [Finding("lr_too_high", "error", None,
                        _t(context, f"The loss became NaN or infinite at step {first_bad}: the updates are so "
                                    "large that the numbers overflowed.",
                           f"损失在第 {first_bad} 步变成了 NaN 或无穷大：更新量太大，数值溢出了。"),
                        lower, {"step": first_bad, "lr": _lr_of(context) or math.nan})]
    if losses.size >= 2:
        smoothed = smooth_losses(list(losses))
        best_step = int(np.argmin(smoothed))
        after = smoothed[best_step:]
        peak = float(after.max())
        best = float(smoothed[best_step])
        if best > 0 and peak > DIVERGENCE_FACTOR * best and peak > smoothed[0]:
            return [Finding("lr_too_high", "error", None,
                            _t(context, f"The loss diverged: its smoothed value was at its best, {best:.3g}, at step "
                                        f"{best_step}, then climbed to {peak:.3g}, more than {DIVERGENCE_FACTOR:g}x "
                                        "its best and above where it started.",
                               f"损失发散了：平滑后的损失在第 {best_step} 步最好（{best:.3g}），之后升到 {peak:.3g}，"
                               f"超过最好值的 {DIVERGENCE_FACTOR:g} 倍，也高于起点。"),
                            lower, {"best_smoothed_loss": best, "best_step": best_step, "peak_after_best": peak,
                                    "start": float(smoothed[0]), "factor": DIVERGENCE_FACTOR,
                                    "lr": _lr_of(context) or math.nan})]
    ratio = _median_update_ratio(record)
    if math.isfinite(ratio) and ratio > UPDATE_RATIO_HIGH:
        return [Finding("lr_too_high", "warning", None,
                        _t(context, f"Each update changes the weights by {ratio:.2g} of their size (median over "
                                    "layers and steps); about 0.001 is healthy. Steps this large jump across "
                                    "the minimum instead of descending into it.",
                           f"每次更新让权重改变了自身大小的 {ratio:.2g}（各层各步的中位数）；健康的值约为 0.001。"
                           "步子这么大，会跨过最低点而不是走进去。"),
                        lower, {"median_update_ratio": ratio, "threshold": UPDATE_RATIO_HIGH,
                                "lr": _lr_of(context) or math.nan})]
    epochs = _finite(record.epoch_losses)
    if epochs.size >= 4:
        rises = int(np.count_nonzero(np.diff(epochs) > 0))
        if rises > (epochs.size - 1) / 2 and epochs[-1] > OSCILLATION_STUCK * epochs[0]:
            return [Finding("lr_too_high", "warning", None,
                            _t(context, f"The training loss went up in {rises} of {epochs.size - 1} epochs: it "
                                        "oscillates instead of falling.",
                               f"训练损失在 {epochs.size - 1} 个 epoch 中有 {rises} 个是上升的：它在震荡而不是下降。"),
                            lower, {"epochs_rising": rises, "epochs": int(epochs.size)})]
    return []


def _lr_too_low(context: Context) -> list[Finding]:
    record = context.record
    if len(record.losses) < LOW_LR_MIN_STEPS or not record.update_ratios:
        return []
    ratio = max((_median(ratios) for ratios in record.update_ratios.values()), default=math.nan)
    smoothed = smooth_losses(record.losses)
    start, end = float(smoothed[0]), float(smoothed[-1])
    if not (math.isfinite(ratio) and math.isfinite(start) and start > 0):
        return []
    fall = (start - end) / start
    if 0 < ratio < UPDATE_RATIO_LOW and fall < LOW_LR_MIN_FALL:
        return [Finding("lr_too_low", "warning", None,
                        _t(context, f"The weights hardly move: even in the layer that moves most, each update "
                                    f"changes them by {ratio:.2g} of their size (about 0.001 is healthy), and "
                                    f"over {len(record.losses)} steps the loss fell only {fall:.1%}.",
                           f"权重几乎不动：即使在变化最大的层，每次更新也只改变自身大小的 {ratio:.2g}"
                           "（健康的值约为 0.001），"
                           f"{len(record.losses)} 步中损失只下降了 {fall:.1%}。"),
                        _t(context, f"Raise the learning rate{_lr_text(context)}, e.g. 10x, or run zeronn.lr_find "
                                    "to choose one.",
                           f"提高学习率{_lr_text(context)}，例如乘以 10，或用 zeronn.lr_find 找一个合适的值。"),
                        {"median_update_ratio": ratio, "threshold": UPDATE_RATIO_LOW, "loss_fall": fall,
                         "steps": len(record.losses), "lr": _lr_of(context) or math.nan})]
    return []


# ------------------------------------------------------------------------------------ gradients
def _first_last_ratio(record: TrainingRecord) -> Optional[tuple[LayerInfo, LayerInfo, float, float, float]]:
    layers = record.parameter_layers()
    if len(layers) < 2:
        return None
    first, last = layers[0], layers[-1]
    first_norms = np.asarray(record.grad_norms[first.label], dtype=float)
    last_norms = np.asarray(record.grad_norms[last.label], dtype=float)
    with np.errstate(all="ignore"):
        ratios = first_norms / last_norms
    ratio = _median(list(ratios))
    return first, last, ratio, _median(list(first_norms)), _median(list(last_norms))


def _vanishing(context: Context) -> list[Finding]:
    found = _first_last_ratio(context.record)
    if found is None:
        return []
    first, last, ratio, first_norm, last_norm = found
    if not (math.isfinite(ratio) and 0 < ratio < VANISHING_RATIO):       # 0: dead units, see dead_relu
        return []
    depth = len(context.record.parameter_layers())
    return [Finding("vanishing_gradients", "warning", first.label,
                    _t(context, f"The gradient reaching the first layer ({first.label}, norm {first_norm:.2g}) is "
                                f"{ratio:.2g} times the last layer's ({last.label}, norm {last_norm:.2g}): through "
                                f"{depth} layers it shrinks until the early layers stop learning.",
                       f"到达第一层（{first.label}，范数 {first_norm:.2g}）的梯度只有最后一层（{last.label}，"
                       f"范数 {last_norm:.2g}）的 {ratio:.2g} 倍：经过 {depth} 层后梯度越来越小，前面的层学不动了。"),
                    _t(context, "Use ReLU (or GELU) instead of sigmoid/tanh in hidden layers, Kaiming/He "
                                "initialisation, BatchNorm between layers, or a shallower network.",
                       "隐藏层用 ReLU（或 GELU）代替 sigmoid/tanh 激活函数，使用 Kaiming/He 初始化，"
                       "在层之间加 BatchNorm，或者减少层数。"),
                    {"first_to_last_ratio": ratio, "first_layer_grad_norm": first_norm,
                     "last_layer_grad_norm": last_norm, "layers_with_parameters": depth,
                     "threshold": VANISHING_RATIO})]


def _exploding(context: Context) -> list[Finding]:
    record = context.record
    advice = _t(context, "Clip gradients (clip_grad_norm=1.0), lower the learning rate, use the default "
                         "(Kaiming) initialisation rather than large weights, or add BatchNorm.",
                "裁剪梯度（clip_grad_norm=1.0），降低学习率，使用默认的（Kaiming）初始化而不是很大的权重，"
                "或加 BatchNorm。")
    for label, norms in record.grad_norms.items():
        values = np.asarray(norms, dtype=float)
        if np.any(np.isinf(values)) or (values.size and np.any(np.isnan(values)) and not np.all(np.isnan(values))):
            return [Finding("exploding_gradients", "error", label,
                            _t(context, f"The gradient of {label} became infinite or NaN.",
                               f"{label} 的梯度变成了无穷大或 NaN。"), advice, {"layer_grad_norms": list(norms[-5:])})]
    found = _first_last_ratio(record)
    if found is not None:
        first, last, ratio, first_norm, last_norm = found
        if math.isfinite(ratio) and ratio > EXPLODING_RATIO:
            return [Finding("exploding_gradients", "warning", first.label,
                            _t(context, f"The gradient grows on its way back: the first layer's ({first.label}, norm "
                                        f"{first_norm:.2g}) is {ratio:.2g} times the last layer's ({last.label}, "
                                        f"norm {last_norm:.2g}).",
                               f"梯度在反向传播中越来越大：第一层（{first.label}，范数 {first_norm:.2g}）是最后一层"
                               f"（{last.label}，范数 {last_norm:.2g}）的 {ratio:.2g} 倍。"),
                            advice, {"first_to_last_ratio": ratio, "first_layer_grad_norm": first_norm,
                                     "last_layer_grad_norm": last_norm, "threshold": EXPLODING_RATIO})]
    totals = _total_norms(record)
    if totals.size >= 3 and totals[0] > 0:
        late = float(np.median(_last_third(list(totals))))
        growth = late / float(totals[0])
        if growth > EXPLODING_GROWTH:
            return [Finding("exploding_gradients", "warning", None,
                            _t(context, f"The total gradient norm grew from {totals[0]:.3g} to {late:.3g} "
                                        f"({growth:.3g}x) during training.",
                               f"梯度的总范数在训练中从 {totals[0]:.3g} 增长到 {late:.3g}（{growth:.3g} 倍）。"),
                            advice, {"first_total_grad_norm": float(totals[0]), "late_total_grad_norm": late,
                                     "growth": growth, "threshold": EXPLODING_GROWTH})]
    return []


def _total_norms(record: TrainingRecord) -> np.ndarray:
    if not record.grad_norms:
        return np.empty(0)
    stacked = np.asarray(list(record.grad_norms.values()), dtype=float)       # (layers, sampled steps)
    with np.errstate(all="ignore"):
        totals = np.sqrt(np.nansum(stacked ** 2, axis=0))
    return totals[np.isfinite(totals)]


# ------------------------------------------------------------------------------------ activations
def _late_median(record: TrainingRecord, label: str, key: str) -> float:
    values = [stats[key] for stats in _last_third(record.activations.get(label, []))
              if stats is not None and stats.get(key) is not None]
    return _median(values)


def _dead_relu(context: Context) -> list[Finding]:
    record = context.record
    findings = []
    for info in record.layers:
        masks = [mask for mask in _last_third(record.alive.get(info.label, [])) if mask is not None]
        samples = sum(int(stats["samples"]) for stats in _last_third(record.activations.get(info.label, []))
                      if stats is not None and stats.get("samples") is not None)
        if not masks or samples < DEAD_MIN_SAMPLES:
            continue
        alive = np.logical_or.reduce(masks)                      # (units,): active on some sample seen
        share = float(1.0 - alive.mean())
        if share > DEAD_SHARE:
            findings.append(Finding(
                "dead_relu", "warning", info.label,
                _t(context, f"{share:.0%} of the units of {info.label} output 0 for every one of the "
                            f"{samples} samples seen late in training: they are dead, pass no gradient and "
                            "never recover.",
                   f"{info.label} 中 {share:.0%} 的单元对训练后期看到的全部 {samples} 个样本都输出 0：它们“死”了，"
                   "不传递梯度，也不会再恢复。"),
                _t(context, "Lower the learning rate (one large update can push a unit's bias so negative that "
                            "it never fires again), keep biases near 0 at the start, or use LeakyReLU/GELU.",
                   "降低学习率（一次过大的更新就可能把偏置推得很负，使单元再也不激活），初始偏置保持在 0 附近，"
                   "或改用 LeakyReLU/GELU。"),
                {"dead_share": share, "dead_units": int(np.count_nonzero(~alive)), "units": int(alive.size),
                 "samples_seen": samples, "threshold": DEAD_SHARE}))
    return findings


def _saturated(context: Context) -> list[Finding]:
    record = context.record
    findings = []
    hidden = record.layers[:-1]                 # the output layer's saturation is just confidence
    for info in hidden:
        if info.kind not in ("Sigmoid", "Tanh"):
            continue
        share = _late_median(record, info.label, "saturated")
        if math.isfinite(share) and share > SATURATED_SHARE:
            findings.append(Finding(
                "saturated", "warning", info.label,
                _t(context, f"{share:.0%} of the outputs of {info.label} are stuck within 0.01 of its limits, "
                            "where its slope is almost 0: almost no gradient passes through.",
                   f"{info.label} 有 {share:.0%} 的输出卡在离极限值不到 0.01 的地方，那里斜率几乎为 0："
                   "梯度几乎传不过去。"),
                _t(context, "Standardise the inputs, use smaller initial weights (Xavier/Glorot), lower the "
                            "learning rate, or use ReLU in hidden layers.",
                   "标准化输入，使用更小的初始权重（Xavier/Glorot 初始化），降低学习率，或隐藏层改用 ReLU。"),
                {"saturated_share": share, "threshold": SATURATED_SHARE}))
    return findings


# ------------------------------------------------------------------------------------ epochs
def _plateau(context: Context) -> list[Finding]:
    epochs = list(_finite(context.record.epoch_losses))
    if len(epochs) < PLATEAU_PATIENCE + 1:
        return []
    earlier_best = min(epochs[:-PLATEAU_PATIENCE])
    recent_best = min(epochs[-PLATEAU_PATIENCE:])
    losses = context.record.losses
    start = losses[0] if losses and math.isfinite(losses[0]) else epochs[0]
    if recent_best < earlier_best * (1 - PLATEAU_MIN_DELTA) or earlier_best <= PLATEAU_CONVERGED * start:
        return []
    earlier_best, recent_best = float(earlier_best), float(recent_best)
    return [Finding("plateau", "warning", None,
                    _t(context, f"The training loss has not improved for {PLATEAU_PATIENCE} epochs (best "
                                f"{earlier_best:.4g}, since then at best {recent_best:.4g}).",
                       f"训练损失已经 {PLATEAU_PATIENCE} 个 epoch 没有改善了（最好 {earlier_best:.4g}，"
                       f"之后最好只有 {recent_best:.4g}）。"),
                    _t(context, "Lower the learning rate when it stalls (ReduceLROnPlateau), or raise it if the "
                                "updates are tiny; if the model is too small for the data, make it larger.",
                       "损失停滞时降低学习率（ReduceLROnPlateau）；如果更新量很小则提高学习率；"
                       "如果模型对数据来说太小，就把它加大。"),
                    {"best_before": earlier_best, "best_recent": recent_best, "patience": PLATEAU_PATIENCE,
                     "min_delta": PLATEAU_MIN_DELTA})]


def _overfitting(context: Context) -> list[Finding]:
    record = context.record
    train = np.asarray(record.epoch_losses, dtype=float)
    val = np.asarray(record.val_losses, dtype=float)
    if val.size == 0 or not np.all(np.isfinite(val)) or not np.all(np.isfinite(train)):
        return []
    advice = _t(context, "Stop earlier (EarlyStopping(restore_best_weights=True)), add regularisation "
                         "(weight_decay, Dropout), get more data or augment it, or use a smaller model.",
                "更早停止训练（EarlyStopping(restore_best_weights=True)），加正则化（weight_decay、Dropout），"
                "获取更多数据或做数据增强，或用更小的模型。")
    best = int(np.argmin(val))
    last = len(val) - 1
    recent = float(np.median(val[-OVERFIT_PATIENCE:]))
    if last - best >= OVERFIT_PATIENCE and recent > OVERFIT_RISE * val[best] and train[last] < train[best]:
        severity = "warning" if recent > OVERFIT_RISE_WARNING * val[best] else "info"
        return [Finding("overfitting", severity, None,
                        _t(context, f"The validation loss was best at epoch {best + 1} ({val[best]:.4g}) and has "
                                    f"risen to {val[last]:.4g} while the training loss kept falling "
                                    f"({train[best]:.4g} -> {train[last]:.4g}): the model memorises the "
                                    "training data (overfitting).",
                           f"验证损失在第 {best + 1} 个 epoch 最好（{val[best]:.4g}），之后升到 {val[last]:.4g}，"
                           f"而训练损失一直在下降（{train[best]:.4g} -> {train[last]:.4g}）："
                           "模型在死记训练数据（过拟合）。"),
                        advice, {"best_val_epoch": best + 1, "best_val_loss": float(val[best]),
                                 "last_val_loss": float(val[last]), "recent_val_loss": recent,
                                 "train_loss_at_best": float(train[best]),
                                 "last_train_loss": float(train[last]), "rise": OVERFIT_RISE,
                                 "rise_warning": OVERFIT_RISE_WARNING})]
    if val[last] > OVERFIT_GAP * train[last] and val[last] - train[last] > OVERFIT_GAP_ABS:
        return [Finding("overfitting", "warning", None,
                        _t(context, f"The validation loss ({val[last]:.4g}) is {val[last] / train[last]:.3g}x the "
                                    f"training loss ({train[last]:.4g}): the model does much worse on data it has "
                                    "not seen.",
                           f"验证损失（{val[last]:.4g}）是训练损失（{train[last]:.4g}）的 "
                           f"{val[last] / train[last]:.3g} 倍："
                           "模型在没见过的数据上差得多（过拟合）。"),
                        advice, {"last_val_loss": float(val[last]), "last_train_loss": float(train[last]),
                                 "gap_factor": OVERFIT_GAP, "gap_abs": OVERFIT_GAP_ABS})]
    return []


def _underfitting(context: Context) -> list[Finding]:
    record = context.record
    epochs = _finite(record.epoch_losses)
    if epochs.size < UNDERFIT_MIN_EPOCHS or not record.losses or not math.isfinite(record.losses[0]):
        return []
    start, final = record.losses[0], float(epochs[-1])
    if start <= 0 or final <= UNDERFIT_FRACTION * start:
        return []
    return [Finding("underfitting", "warning", None,
                    _t(context, f"After {epochs.size} epochs the training loss is still {final:.4g}, "
                                f"{final / start:.0%} of where it started ({start:.4g}): the model does not even "
                                "fit the training data.",
                       f"训练了 {epochs.size} 个 epoch 后训练损失仍是 {final:.4g}，是起点（{start:.4g}）的 "
                       f"{final / start:.0%}：模型连训练数据都拟合不了（欠拟合）。"),
                    _t(context, "Make the model bigger (more units or layers), train longer, check the learning "
                                "rate (zeronn.lr_find), and check that a small subset (one batch) can be fitted "
                                "almost perfectly.",
                       "把模型加大（更多单元或层），训练更久，检查学习率（zeronn.lr_find），"
                       "并确认模型能把一小部分数据（一个批次）几乎完美地拟合。"),
                    {"start_loss": start, "final_train_loss": final, "fraction": final / start,
                     "threshold": UNDERFIT_FRACTION, "epochs": int(epochs.size)})]


def _data(context: Context) -> list[Finding]:
    findings = []
    if context.record.first_batch is not None:
        findings += unscaled_inputs_findings(context.record.first_batch, context.lang)
    findings += class_imbalance_findings(context.record.class_counts, context.lang)
    return findings


RULES: tuple[Callable[[Context], list[Finding]], ...] = (
    _data, _init_loss, _lr_too_high, _lr_too_low, _vanishing, _exploding, _dead_relu, _saturated, _plateau,
    _overfitting, _underfitting,
)


def diagnose(context: Context) -> list[Finding]:
    """Run every rule on ``context``; return the findings in rule order."""
    findings: list[Finding] = []
    with np.errstate(all="ignore"):
        for rule in RULES:
            found = {finding.code for finding in findings}
            if rule is _lr_too_low and "lr_too_high" in found:
                continue                        # a diverged run moves its weights wildly, not too little
            if rule in (_plateau, _underfitting) and found & {"lr_too_high", "lr_too_low"}:
                continue                        # the learning rate explains it, and its advice comes first
            findings.extend(rule(context))
    return findings
