"""Compare a learner's array with the reference, and say in plain words what is wrong.

The verdicts follow CS231n's gradient-check advice, on the relative error

    rel_error = max over elements of |a - b| / max(|a| + |b|, 1e-8)

  rel_error < 1e-7          right
  1e-7 <= rel_error <= 1e-2 suspicious: close, but not what the reference computes
  rel_error > 1e-2          wrong

Before calling a result wrong, ``diagnose`` tries the usual mistakes, in
this order: a known mistake of the exercise (for example "forgot the bias",
computed by the exercise itself), then wrong type, NaN or inf, wrong shape
(transposed, not summed over the batch), wrong sign, off by a constant factor
(N: the batch was averaged, or not), transposed square matrix, the same
offset for every sample (a bias), and otherwise the first element that differs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

from zeronn.exercises.exercise import Text
from zeronn.lang import tr

__all__ = ["RIGHT", "SUSPICIOUS", "rel_error", "Mistake", "Verdict", "diagnose", "as_learner_array"]

RIGHT = 1e-7
SUSPICIOUS = 1e-2


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """CS231n's relative error: max |a - b| / max(|a| + |b|, 1e-8); 0.0 for empty arrays."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer, computed by the exercise, and what to tell a learner who gives it."""

    value: Any
    message: Text


@dataclass(frozen=True)
class Verdict:
    """The outcome of one comparison: ``status`` is "right", "suspicious" or "wrong"."""

    status: str
    message: str
    rel_error: Optional[float] = None



def _shape_text(shape: Sequence[int]) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def as_learner_array(value: Any, expected: np.ndarray, what: str, lang: str) -> tuple[Optional[np.ndarray], str]:
    """Turn the learner's return value into a float64 array, or explain why it cannot be one."""
    if value is None:
        return None, tr(
            f"{what} returned None: did you forget `return`?",
            f"{what} 返回了 None: 是不是忘了写 `return`?", lang)
    if isinstance(value, (bool, np.bool_)) or isinstance(value, (str, bytes, dict, set)):
        return None, tr(
            f"{what} returned a {type(value).__name__}, expected a NumPy array of shape {_shape_text(expected.shape)}",
            f"{what} 返回了 {type(value).__name__}, 应当返回形状为 {_shape_text(expected.shape)} 的 NumPy 数组", lang)
    if isinstance(value, tuple) and expected.ndim > 0 and len(value) != expected.shape[0]:
        return None, tr(
            f"{what} returned a tuple of {len(value)} values, expected one array of shape "
            f"{_shape_text(expected.shape)}",
            f"{what} 返回了含 {len(value)} 个值的元组, 应当返回一个形状为 {_shape_text(expected.shape)} 的数组", lang)
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None, tr(
            f"{what} returned a {type(value).__name__} that is not an array of numbers",
            f"{what} 返回的 {type(value).__name__} 不是数值数组", lang)
    return array, ""


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and rel_error(a, b) < RIGHT


def _factor(got: np.ndarray, expected: np.ndarray) -> Optional[float]:
    """The s for which got = s * expected (to 1e-7), or None."""
    denominator = float(np.sum(expected * expected))
    if denominator == 0.0:
        return None
    s = float(np.sum(got * expected)) / denominator
    return s if s != 0.0 and _close(got, s * expected) else None


def _factor_message(s: float, batch: Optional[int], lang: str) -> str:
    if batch and batch > 1 and abs(s * batch - 1) < 1e-6:
        return tr(f"{batch} times too small (the batch size is {batch}): did you average over the batch "
                  "where the sum is needed?",
                  f"小了 {batch} 倍 (批大小为 {batch}): 是否在该求和的地方对批取了平均?", lang)
    if batch and batch > 1 and abs(s / batch - 1) < 1e-6:
        return tr(f"{batch} times too large (the batch size is {batch}): did you forget to average over "
                  "the batch (divide by N)?",
                  f"大了 {batch} 倍 (批大小为 {batch}): 是否忘了对批取平均 (除以 N)?", lang)
    if abs(s - 2) < 1e-6 or abs(s - 0.5) < 1e-6:
        return tr(f"off by a factor of {s:g}: check the 2 that the derivative of a square brings down",
                  f"差了 {s:g} 倍: 检查平方求导时落下来的那个 2", lang)
    if s < 0:
        return tr(f"wrong sign and off by a factor of {-s:.4g}", f"符号相反, 并且差了 {-s:.4g} 倍", lang)
    return tr(f"off by a constant factor of {s:.4g}: a missing or extra factor (learning rate? batch size?)",
              f"差了一个常数因子 {s:.4g}: 少乘或多乘了某个因子 (学习率? 批大小?)", lang)


def _shape_message(got: np.ndarray, expected: np.ndarray, batch: Optional[int], lang: str) -> str:
    e, g = _shape_text(expected.shape), _shape_text(got.shape)
    if got.ndim == expected.ndim == 2 and got.shape == expected.shape[::-1]:
        if _close(got.T, expected):
            return tr(f"transposed: expected shape {e}, got {g} (the values are right, the axes swapped)",
                      f"转置了: 应为形状 {e}, 得到 {g} (数值对, 但两个轴颠倒了)", lang)
        return tr(f"wrong shape: expected {e}, got {g}: transposed? (check the order in the matrix product)",
                  f"形状不对: 应为 {e}, 得到 {g}: 是否转置了? (检查矩阵乘法的顺序)", lang)
    if got.ndim == expected.ndim + 1 and got.shape[1:] == expected.shape:
        if _close(got.sum(axis=0), expected):
            return tr(f"wrong shape {g}, expected {e}: sum over the batch (axis 0), one value per feature",
                      f"形状 {g} 不对, 应为 {e}: 需要对批 (第 0 轴) 求和, 每个特征一个值", lang)
    if got.size == expected.size and _close(got.reshape(expected.shape), expected):
        return tr(f"right numbers, wrong shape: expected {e}, got {g} (reshape it)",
                  f"数值对, 形状不对: 应为 {e}, 得到 {g} (需要 reshape)", lang)
    return tr(f"wrong shape: expected {e}, got {g}", f"形状不对: 应为 {e}, 得到 {g}", lang)


def _first_difference(got: np.ndarray, expected: np.ndarray, lang: str) -> str:
    bad = np.abs(got - expected) > 1e-7 * np.maximum(1e-8, np.abs(got) + np.abs(expected))
    index = tuple(int(i) for i in np.argwhere(bad)[0]) if bad.any() else ()
    where = f"[{', '.join(str(i) for i in index)}]" if index else ""
    count = int(bad.sum())
    return tr(f"{count} of {got.size} values differ; at {where}: expected {expected[index]:.6g}, "
              f"got {got[index]:.6g}",
              f"{got.size} 个值中有 {count} 个不对; 在 {where}: 应为 {expected[index]:.6g}, 得到 {got[index]:.6g}",
              lang)


def diagnose(
    value: Any,
    expected: Any,
    *,
    what: str,
    lang: str,
    batch: Optional[int] = None,
    mistakes: Sequence[Mistake] = (),
) -> Verdict:
    """Grade ``value`` (the learner's result) against ``expected`` and explain any difference."""
    expected = np.asarray(expected, dtype=np.float64)
    got, problem = as_learner_array(value, expected, what, lang)
    if got is None:
        return Verdict("wrong", problem)
    if got.shape == expected.shape:
        error = rel_error(got, expected)
        if error < RIGHT:
            return Verdict("right", tr(f"rel. error {error:.1e}", f"相对误差 {error:.1e}", lang), error)
    else:
        error = None
    for mistake in mistakes:
        wrong = np.asarray(mistake.value, dtype=np.float64)
        if wrong.shape == got.shape and rel_error(got, wrong) < 1e-6:
            return Verdict("wrong", mistake.message.get(lang), error)
    if not np.all(np.isfinite(got)) and np.all(np.isfinite(expected)):
        return Verdict("wrong", tr(
            "contains NaN or inf: something overflowed (a huge exp?) or divided by zero",
            "含有 NaN 或 inf: 有数值溢出 (exp 太大?) 或除以了零", lang), error)
    if got.shape != expected.shape:
        return Verdict("wrong", _shape_message(got, expected, batch, lang))
    error = rel_error(got, expected)
    if _close(got, -expected):
        return Verdict("wrong", tr("wrong sign: every value has the opposite sign",
                                   "符号反了: 每个值的符号都相反", lang), error)
    factor = _factor(got, expected)
    if factor is not None:
        return Verdict("wrong", _factor_message(factor, batch, lang), error)
    if got.ndim == 2 and got.shape[0] == got.shape[1] and _close(got.T, expected):
        return Verdict("wrong", tr("transposed: the values are right but rows and columns are swapped",
                                   "转置了: 数值对, 但行和列颠倒了", lang), error)
    if got.ndim >= 2 and got.shape[0] > 1:
        offset = got - expected                                       # (N, ...)
        if np.abs(offset).max() > 0 and rel_error(offset, np.broadcast_to(offset[:1], offset.shape)) < 1e-6:
            return Verdict("wrong", tr(
                "every sample is off by the same amount: a missing (or extra) bias?",
                "每个样本都差了同样的量: 少加 (或多加) 了偏置?", lang), error)
    if error <= SUSPICIOUS:
        return Verdict("suspicious", tr(
            f"suspicious: close but not right (rel. error {error:.1e}, right is < 1e-7): a different constant "
            f"(eps?), float32 instead of float64, or a small mistake; " + _first_difference(got, expected, lang),
            f"可疑: 接近但不对 (相对误差 {error:.1e}, 正确应 < 1e-7): 常数不同 (eps?), 用了 float32 而非 "
            f"float64, 或者有个小错误; " + _first_difference(got, expected, lang), lang), error)
    return Verdict("wrong", tr(f"wrong values (rel. error {error:.1e}): ", f"数值不对 (相对误差 {error:.1e}): ", lang)
                   + _first_difference(got, expected, lang), error)
