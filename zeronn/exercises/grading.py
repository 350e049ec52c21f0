"""Run a learner's functions safely and collect one verdict per part of an exercise.

This module runs inside the checker's subprocess (``zeronn.exercises.worker``):
the learner's file is compiled and executed there, each function is called on
small float64 inputs, and every outcome (a verdict, an exception in the
learner's code, a missing function, a blank still to fill in) becomes a
``PartResult``.  Nothing the learner writes can make the checker itself fail
with a traceback: an exception inside the learner's code is reported with its
line in the learner's file.
"""

from __future__ import annotations

import copy
import linecache
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Optional

import numpy as np

from zeronn.exercises.compare import RIGHT, SUSPICIOUS, Mistake, Verdict, diagnose
from zeronn.exercises.exercise import Exercise, Text
from zeronn.lang import tr

__all__ = ["PartResult", "LearnerError", "TimeLimit", "Grader", "load_learner", "grade_source", "numeric_gradient"]

#: Statuses of a part; only "right" passes.
STATUSES = ("right", "suspicious", "wrong", "error", "blank")


@dataclass
class PartResult:
    """One checked part: ``status`` in STATUSES and a one-paragraph message in the learner's language."""

    part: str
    status: str
    message: str
    rel_error: Optional[float] = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class TimeLimit(BaseException):
    """Raised by the checker's timer inside the learner's code; never caught as the learner's error."""


class LearnerError(Exception):
    """The learner's code could not be run (missing function, exception, blank): ``status`` and message."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message



def _learner_frame(error: BaseException, filename: str) -> Optional[traceback.FrameSummary]:
    """The deepest traceback entry inside the learner's file, if any."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == filename]
    return frames[-1] if frames else None


def describe_exception(error: BaseException, filename: str, lang: str) -> str:
    """``line 12: ValueError: ...`` plus the line's code, for an exception raised in the learner's file."""
    text = f"{type(error).__name__}: {error}".rstrip(": ")
    frame = _learner_frame(error, filename)
    if frame is None:
        return text
    code = (frame.line or linecache.getline(filename, frame.lineno or 0)).strip()
    where = tr(f"line {frame.lineno}", f"第 {frame.lineno} 行", lang)
    return f"{where}, in {frame.name}: {text}" + (f"\n    {code}" if code else "")


def load_learner(source: str, filename: str, lang: str) -> dict[str, Any]:
    """Compile and run the learner's file; return its namespace.

    Raises
    ------
    LearnerError
        With the line and the error when the file does not parse or raises at import.
    """
    try:
        code = compile(source, filename, "exec")
    except SyntaxError as error:
        pointer = ""
        if error.text:
            column = max((error.offset or 1) - 1, 0)
            pointer = f"\n    {error.text.rstrip()}\n    {' ' * column}^"
        raise LearnerError("error", tr(
            f"your file does not parse: line {error.lineno}: {type(error).__name__}: {error.msg}{pointer}",
            f"文件无法解析: 第 {error.lineno} 行: {type(error).__name__}: {error.msg}{pointer}", lang)) from None
    namespace: dict[str, Any] = {"__name__": "__zeronn_exercise__", "__file__": filename}
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    try:
        exec(code, namespace)
    except TimeLimit:
        raise
    except BaseException as error:                   # noqa: BLE001 - anything the learner's file raises
        raise LearnerError("error", tr(
            "your file raised an error while loading: ", "加载文件时出错: ", lang)
            + describe_exception(error, filename, lang)) from None
    return namespace


def numeric_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Central differences (f(x + h e_i) - f(x - h e_i)) / 2h for every element i of float64 ``x``."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    flat, out = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        plus = f(x)
        flat[i] = old - h
        minus = f(x)
        flat[i] = old
        out[i] = (plus - minus) / (2 * h)
    return grad


class Grader:
    """Calls the learner's functions and records one ``PartResult`` per compared output.

    Exercises use it as ``grader.compare(part, lambda: grader.call("sigmoid", x), expected)``.
    """

    def __init__(self, namespace: dict[str, Any], filename: str, lang: str) -> None:
        self.namespace = namespace
        self.filename = filename
        self.lang = lang
        self.results: list[PartResult] = []
        self.on_part: Optional[Callable[[str], None]] = None

    def t(self, en: str, zh: str) -> str:
        """The text in the learner's language."""
        return tr(en, zh, self.lang)

    def call(self, name: str, *args: Any) -> Any:
        """Call the learner's ``name(*args)`` on copies of the arguments; raise LearnerError when it fails."""
        function = self.namespace.get(name)
        if function is None:
            raise LearnerError("error", self.t(
                f"function `{name}` is missing from your file: did you rename or delete it?",
                f"文件里没有函数 `{name}`: 是否改了名字或删掉了?"))
        if not callable(function):
            raise LearnerError("error", self.t(f"`{name}` is not a function", f"`{name}` 不是函数"))
        try:
            return function(*copy.deepcopy(args))
        except NotImplementedError:
            raise LearnerError("blank", self.t(
                f"`{name}` is not written yet (it still raises NotImplementedError)",
                f"`{name}` 还没有实现 (仍然 raise NotImplementedError)")) from None
        except RecursionError as error:
            where = describe_exception(error, self.filename, self.lang)
            raise LearnerError("error", self.t("your code recursed too deeply: ", "递归太深: ") + where) from None
        except (Exception, SystemExit) as error:      # noqa: BLE001 - anything the learner's code raises
            raise LearnerError("error", self.t(f"`{name}` raised ", f"`{name}` 抛出了异常 ")
                               + describe_exception(error, self.filename, self.lang)) from None

    def record_error(self, part: Text, error: LearnerError) -> None:
        """Record that ``part`` could not run because the learner's code failed."""
        self.results.append(PartResult(part.get(self.lang), error.status, error.message))

    def _record(self, part: str, verdict: Verdict) -> None:
        self.results.append(PartResult(part, verdict.status, verdict.message, verdict.rel_error))

    def _run(self, part: str, produce: Callable[[], Any]) -> Any:
        if self.on_part is not None:
            self.on_part(part)
        return produce()

    def compare(
        self,
        part: Text,
        produce: Callable[[], Any],
        expected: Any,
        *,
        batch: Optional[int] = None,
        mistakes: Sequence[Mistake] = (),
    ) -> Optional[np.ndarray]:
        """Record the verdict on ``produce()`` against ``expected``; return the learner's value when it ran."""
        name = part.get(self.lang)
        try:
            value = self._run(name, produce)
        except LearnerError as error:
            self.results.append(PartResult(name, error.status, error.message))
            return None
        self._record(name, diagnose(value, expected, what=name, lang=self.lang, batch=batch, mistakes=mistakes))
        return value

    def compare_outputs(
        self,
        part: Text,
        produce: Callable[[], Any],
        expected: Sequence[Any],
        names: Sequence[str],
        *,
        batch: Optional[int] = None,
        mistakes: Optional[dict[str, Sequence[Mistake]]] = None,
    ) -> Optional[tuple[Any, ...]]:
        """Like ``compare`` for a function returning a tuple: one verdict per output ("dx", "dW", ...)."""
        base = part.get(self.lang)
        try:
            value = self._run(base, produce)
        except LearnerError as error:
            self.results.append(PartResult(base, error.status, error.message))
            return None
        if not isinstance(value, (tuple, list)) or len(value) != len(expected):
            count = len(value) if isinstance(value, (tuple, list)) else 1
            self.results.append(PartResult(base, "wrong", self.t(
                f"{base} should return {len(expected)} values ({', '.join(names)}), it returned "
                f"{'a ' + type(value).__name__ if count == 1 else count}",
                f"{base} 应返回 {len(expected)} 个值 ({', '.join(names)}), 实际返回了 "
                f"{type(value).__name__ if count == 1 else count}")))
            return None
        for output, want, label in zip(value, expected, names):
            what = f"{base}: {label}"
            found = (mistakes or {}).get(label, ())
            self._record(what, diagnose(output, want, what=what, lang=self.lang, batch=batch, mistakes=found))
        return tuple(value)

    def gradient_check(self, part: Text, analytic: Any, loss: Callable[[np.ndarray], float], x: np.ndarray) -> None:
        """Compare the learner's ``analytic`` gradient with central differences of the learner's own ``loss``.

        This is the CS231n check on the learner's code alone: does your
        backward agree with your forward?
        """
        name = part.get(self.lang)

        def safe_loss(point: np.ndarray) -> float:
            value = loss(point)
            return float(np.sum(np.asarray(value, dtype=np.float64)))

        try:
            numeric = self._run(name, lambda: numeric_gradient(safe_loss, x))
        except LearnerError as error:
            self.results.append(PartResult(name, error.status, error.message))
            return
        except (TypeError, ValueError) as error:
            self.results.append(PartResult(name, "wrong", self.t(
                f"could not run your forward for the gradient check: {error}",
                f"无法为梯度检验运行你的前向计算: {error}")))
            return
        analytic_array = np.asarray(analytic, dtype=np.float64) if analytic is not None else None
        if analytic_array is None or analytic_array.shape != numeric.shape:
            self.results.append(PartResult(name, "wrong", self.t(
                "your backward's shape does not match your forward's input", "反向传播结果的形状与前向输入不一致")))
            return
        # Finite differences carry an absolute error of about 1e-10, so the error is measured against the
        # gradient's largest entry rather than element by element (a tiny entry would look inexact).
        scale = max(float(np.max(np.abs(analytic_array) + np.abs(numeric), initial=0.0)), 1e-8)
        error_value = float(np.max(np.abs(analytic_array - numeric), initial=0.0)) / scale
        if error_value < RIGHT:
            status, text = "right", self.t(f"rel. error {error_value:.1e}", f"相对误差 {error_value:.1e}")
        elif error_value <= SUSPICIOUS:
            status, text = "suspicious", self.t(
                f"suspicious: your backward and the finite differences of your forward differ a little "
                f"(rel. error {error_value:.1e})",
                f"可疑: 你的反向传播与前向的有限差分略有差别 (相对误差 {error_value:.1e})")
        else:
            status, text = "wrong", self.t(
                f"your backward disagrees with the finite differences of your own forward (rel. error "
                f"{error_value:.1e}): the derivative does not match the function",
                f"你的反向传播与你自己前向的有限差分不一致 (相对误差 {error_value:.1e}): 导数与函数不匹配")
        self.results.append(PartResult(name, status, text, error_value))


def grade_source(exercise: Exercise, source: str, filename: str, lang: str,
                 on_part: Optional[Callable[[str], None]] = None) -> list[PartResult]:
    """Load the learner's ``source`` and run every part of ``exercise``; never raises for the learner's mistakes."""
    try:
        namespace = load_learner(source, filename, lang)
    except LearnerError as error:
        return [PartResult(tr("loading your file", "加载文件", lang), error.status, error.message)]
    grader = Grader(namespace, filename, lang)
    grader.on_part = on_part
    with np.errstate(all="ignore"):
        try:
            exercise.check(grader)
        except LearnerError as error:                # a learner's function failed where the check needed it
            grader.results.append(PartResult(tr("checking", "检查", lang), error.status, error.message))
        except Exception as error:                   # noqa: BLE001 - e.g. a value the checks cannot use
            grader.results.append(PartResult(tr("checking", "检查", lang), "error", tr(
                f"the check could not continue with what your code returned: {type(error).__name__}: {error}",
                f"你的代码返回的结果无法继续检查: {type(error).__name__}: {error}", lang)))
    return grader.results
