"""The exercises, in the order of the learning path: from the tutorial's sigmoid to batch-norm's backward."""

from __future__ import annotations

from zeronn.exercises.catalog import (
    batchnorm,
    bias,
    conv2d,
    linear,
    maxpool,
    momentum,
    relu_tanh,
    sigmoid,
    softmax,
    tutorial,
)
from zeronn.exercises.exercise import Exercise

__all__ = ["EXERCISES", "get_exercise"]

#: name -> Exercise, in the order a learner should do them.
EXERCISES: dict[str, Exercise] = {
    module.EXERCISE.name: module.EXERCISE
    for module in (sigmoid, tutorial, bias, linear, momentum, relu_tanh, softmax, conv2d, maxpool, batchnorm)
}


def get_exercise(name: str) -> Exercise:
    """The exercise called ``name``.

    Raises
    ------
    ValueError
        For an unknown name, listing the known ones.
    """
    if not isinstance(name, str) or name not in EXERCISES:
        raise ValueError(f"Unknown exercise {name!r}; exercises: {', '.join(EXERCISES)}")
    return EXERCISES[name]
