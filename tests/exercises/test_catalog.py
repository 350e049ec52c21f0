"""Every exercise: the template fails, the reference passes, and typical mistakes get the right hint.

Graded in-process with ``grade_source`` (the subprocess path is tested in test_runner.py).
"""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from zeronn.exercises import EXERCISES, get_exercise, grade_source
from zeronn.exercises.catalog import tutorial

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def grade(name, source, lang="en"):
    return grade_source(get_exercise(name), source, f"/tmp/{name}.py", lang)


def solution(name, lang="en"):
    return get_exercise(name).source(solution=True, lang=lang)


def messages(results):
    return " | ".join(f"{r.part}: {r.status}: {r.message}" for r in results if r.status != "right")


@pytest.mark.parametrize("name", list(EXERCISES))
def test_template_is_blank_and_solution_is_right(name):
    template = grade(name, get_exercise(name).source())
    assert template and all(r.status == "blank" for r in template), messages(template)
    results = grade(name, solution(name))
    assert len(results) >= 2 and all(r.status == "right" for r in results), messages(results)


@pytest.mark.parametrize("name", list(EXERCISES))
def test_template_in_chinese(name):
    source = get_exercise(name).source(lang="zh")
    assert "请实现" in source and source.startswith(f"# zeronn exercise: {name}\n")
    assert all(r.status == "right" for r in grade(name, solution(name, "zh"), "zh"))
    compile(source, name, "exec")


def mistake(name, old, new, count=1):
    source = solution(name)
    assert source.count(old) >= count, f"{old!r} not in the solution of {name}"
    return grade(name, source.replace(old, new))


def wrong_parts(results):
    return [r for r in results if r.status != "right"]


CASES = [
    # (exercise, text in the solution, replaced by, words expected in the hint)
    ("sigmoid", "np.exp(-x)", "np.exp(x)", "the sign inside exp must be minus"),
    ("sigmoid", "return s * (1.0 - s)", "return 1 / (1 + np.exp(-s)) * (1 - 1 / (1 + np.exp(-s)))",
     "you applied the sigmoid again"),
    ("tutorial", "2 * (y - output)", "2 * (output - y)", "wrong sign"),
    ("tutorial", "2 * (y - output)", "(y - output)", "the 2 that the derivative of a square"),
    ("tutorial", "np.dot(x.T, delta1)", "np.dot(delta1.T, x)", "transposed"),
    ("bias", "sigmoid(x @ w1 + b1)", "sigmoid(x @ w1)", "forgot the bias"),
    ("bias", "delta1.sum(axis=0)", "delta1", "sum over the batch"),
    ("bias", "2 * (output - y)", "2 * (y - output)", "wrong sign"),
    ("linear", "return x @ W + b", "return x @ W", "forgot the bias"),
    ("linear", "dW = x.T @ g ", "dW = x.T @ g / len(x) ", "average over the batch"),
    ("linear", "dW = x.T @ g ", "dW = g.T @ x ", "transposed"),
    ("linear", "db = g.sum(axis=0)", "db = g", "sum over the batch"),
    ("sgd-momentum", "return p - lr * g", "return p + lr * g", "descent subtracts"),
    ("sgd-momentum", "return p - lr * g", "return p - g", "forgot the learning rate"),
    ("sgd-momentum", "b = momentum * b + g\n    return p - lr * b, b", "b = momentum * b + lr * g\n    return p - b, b",
     "your velocity includes the learning rate"),
    ("relu-tanh", "return g * (x > 0)", "return (x > 0) * 1.0", "multiply it by g"),
    ("relu-tanh", "return g * (1.0 - y ** 2)", "return g * (1.0 - y)", "squared"),
    ("softmax-cross-entropy", "return grad / len(t)", "return grad", "forget to average"),
    ("softmax-cross-entropy", ".mean())", ".sum())", "forget to average"),
    ("softmax-cross-entropy", "e = np.exp(z - z.max(axis=1, keepdims=True))", "e = np.exp(z)", "NaN or inf"),
    ("conv2d", "+ b  # (N, O)", "  # (N, O)", "forgot the bias"),
    ("conv2d", "db = g.sum(axis=(0, 2, 3))", "db = g.sum(axis=(0, 2, 3)) / len(x)", "average over the batch"),
    ("conv2d", "(window, W, axes", "(window, W[:, :, ::-1, ::-1], axes", "flipped the filter"),
    ("maxpool", "is_max = window == window.max(axis=(2, 3), keepdims=True)", "is_max = np.ones_like(window)",
     "copied the gradient to every input"),
    ("batchnorm", "dx = gamma * invstd * (g - dbeta / N - xhat * dgamma / N)", "dx = gamma * invstd * g",
     "treated the mean and variance as constants"),
    ("batchnorm", "np.sqrt(x.var(axis=0) + eps)     #", "np.sqrt(x.var(axis=0, ddof=1) + eps)     #", "unbiased"),
]


@pytest.mark.parametrize("name, old, new, hint", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_typical_mistakes_get_the_right_hint(name, old, new, hint):
    results = mistake(name, old, new)
    wrong = wrong_parts(results)
    assert wrong, f"the mistake {new!r} in {name} was not caught"
    assert any(hint in r.message for r in wrong), messages(results)


def test_own_gradient_check_catches_a_backward_that_disagrees_with_the_forward():
    results = mistake("relu-tanh", "return g * (1.0 - y ** 2)", "return g * (1.0 - y ** 3)")
    check = [r for r in results if r.part == "gradient check of tanh_backward"]
    assert check and check[0].status == "wrong" and "finite differences" in check[0].message


def test_exceptions_name_the_line_of_the_learners_file():
    source = solution("linear").replace("    return x @ W + b", "    raise ValueError('oops')")
    line = source.splitlines().index("    raise ValueError('oops')") + 1
    results = grade("linear", source)
    assert results[0].status == "error"
    assert f"line {line}" in results[0].message and "ValueError: oops" in results[0].message


def test_syntax_error_and_import_error_are_reported_with_their_line():
    results = grade("sigmoid", "import numpy as np\n\ndef sigmoid(x:\n    return x\n")
    assert len(results) == 1 and results[0].status == "error"
    assert "line 3" in results[0].message and "SyntaxError" in results[0].message
    results = grade("sigmoid", "import numpy as np\nx = 1 / 0\n")
    assert "line 2" in results[0].message and "ZeroDivisionError" in results[0].message


def test_missing_function_and_wrong_type():
    results = grade("sigmoid", "def sigmoid(x):\n    return 'x'\n")
    assert "returned a str" in results[0].message
    assert "missing from your file" in results[1].message


def test_forgotten_return():
    results = grade("sigmoid", solution("sigmoid").replace("return 1.0 / (1.0 + np.exp(-x))",
                                                         "y = 1.0 / (1.0 + np.exp(-x))"))
    assert "forget `return`" in results[0].message


def test_sys_exit_in_a_function_is_an_error_not_an_exit():
    results = grade("sigmoid", "import sys\ndef sigmoid(x):\n    sys.exit(3)\n")
    assert results[0].status == "error" and "SystemExit" in results[0].message


def load_port():
    spec = importlib.util.spec_from_file_location("tutorial_numpy_for_exercises", EXAMPLES / "tutorial_numpy.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_tutorial_exercise_reproduces_the_tutorials_numbers():
    # The reference the learner must match (ZeroNN's layers) is the tutorial's own loop, number for number.
    port = load_port()
    generator = np.random.default_rng(3)
    w1, w2 = generator.random((3, 4)), generator.random((4, 1))
    _, port_losses = port.train(iterations=1500, weights1=w1, weights2=w2)
    np.testing.assert_allclose(tutorial.reference_training(w1, w2, 1500), port_losses, rtol=1e-12)
    results = grade("tutorial", solution("tutorial"))
    assert "1500 iterations" in results[-1].part and results[-1].status == "right"


@pytest.mark.parametrize("name", list(EXERCISES))
def test_python_file_runs_the_try_it_lines(name, capsys):
    # `python sigmoid.py` runs the lines under `if __name__ == "__main__":`; the check never does.
    exec(compile(solution(name), f"{name}.py", "exec"), {"__name__": "__main__"})
    assert capsys.readouterr().out.strip()
    with pytest.raises(NotImplementedError):
        exec(compile(get_exercise(name).source(), f"{name}.py", "exec"), {"__name__": "__main__"})
