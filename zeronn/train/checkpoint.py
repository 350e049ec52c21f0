"""Checkpoints: everything a training run needs to continue exactly where it stopped.

A checkpoint is a ZeroNN file of kind "checkpoint" (``zeronn.io.write_archive``,
written atomically) holding this tree::

    layout           1 (the version of this layout)
    epoch            epochs done so far
    stop_training    whether a callback had asked to stop
    model            {"spec": architecture (zeronn.nn.layer_to_spec), "state": weights and buffers}
    optimizer        {"class": "Adam", "state": optimizer.state_dict()}
    scheduler        {"class": "StepLR", "state": scheduler.state_dict()} or None
    rng              {"shuffle": the trainer's shuffling generator,
                      "layers": {"2.rng": state, ...}  every numpy Generator held by a layer (dropout masks),
                      "global": the library-wide generator (zeronn.manual_seed)}
    history          History.state_dict()
    callbacks        {"EarlyStopping#0": state, ...}

A generator's state is ``Generator.bit_generator.state`` (a dict of ints), so
restoring it makes the generator produce the very same numbers again.  With
all of the above restored, a resumed run computes the same floating-point
operations in the same order as an uninterrupted one: its weights end
bit-identical.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from typing import Any, Optional, Union

import numpy as np

from zeronn import random as zeronn_random
from zeronn.io import read_archive, write_archive
from zeronn.nn.layer import Layer, layer_from_spec, layer_to_spec

__all__ = [
    "CHECKPOINT_LAYOUT",
    "checkpoint_tree",
    "save_checkpoint",
    "read_checkpoint",
    "restore_checkpoint",
    "find_latest_checkpoint",
    "model_from_checkpoint",
    "generator_states",
    "set_generator_states",
]

CHECKPOINT_LAYOUT = 1
PathLike = Union[str, "os.PathLike[str]"]
_EPOCH_FILE = re.compile(r"^epoch-(\d+)\.ckpt$")
_REQUIRED = ("epoch", "model", "optimizer", "rng", "history")


# ---------------------------------------------------------------------------------- generators
def generator_states(model: Layer) -> dict[str, dict[str, Any]]:
    """Return ``{"<layer path>.<attribute>": state}`` for every numpy Generator held by a layer of ``model``."""
    states = {}
    for path, layer in model.named_modules():
        for attribute, value in vars(layer).items():
            if isinstance(value, np.random.Generator):
                states[f"{path}.{attribute}" if path else attribute] = value.bit_generator.state
    return states


def set_generator_states(model: Layer, states: dict[str, Any]) -> None:
    """Put back the states returned by ``generator_states``; raise if the model's generators differ."""
    current = generator_states(model)
    if set(current) != set(states):
        raise ValueError(f"the checkpoint's random generators {sorted(states)} do not match the model's "
                         f"{sorted(current)}")
    for path, layer in model.named_modules():
        for attribute, value in vars(layer).items():
            if isinstance(value, np.random.Generator):
                value.bit_generator.state = states[f"{path}.{attribute}" if path else attribute]


# ---------------------------------------------------------------------------------- writing
def _callback_keys(callbacks: list[Any]) -> list[str]:
    """Stable names for callbacks: class name and occurrence, e.g. "EarlyStopping#0"."""
    seen: Counter[str] = Counter()
    keys = []
    for callback in callbacks:
        name = type(callback).__name__
        keys.append(f"{name}#{seen[name]}")
        seen[name] += 1
    return keys


def _named(obj: Any) -> Optional[dict[str, Any]]:
    return None if obj is None else {"class": type(obj).__name__, "state": obj.state_dict()}


def checkpoint_tree(trainer: Any) -> dict[str, Any]:
    """Return the checkpoint tree (see the module docstring) for ``trainer``'s current state."""
    callbacks = {key: callback.state_dict() for key, callback in zip(_callback_keys(trainer.callbacks),
                                                                      trainer.callbacks)}
    return {
        "layout": CHECKPOINT_LAYOUT,
        "epoch": int(trainer.epoch),
        "stop_training": bool(trainer.stop_training),
        "model": {"spec": layer_to_spec(trainer.model), "state": trainer.model.state_dict()},
        "optimizer": _named(trainer.optimizer),
        "scheduler": _named(trainer.scheduler),
        "rng": {
            "shuffle": trainer.rng.bit_generator.state,
            "layers": generator_states(trainer.model),
            "global": zeronn_random.global_rng().bit_generator.state,
        },
        "history": trainer.history.state_dict(),
        "callbacks": {key: state for key, state in callbacks.items() if state},
    }


def save_checkpoint(trainer: Any, path: PathLike) -> None:
    """Write ``trainer``'s state to ``path`` atomically (the previous file survives any crash)."""
    write_archive(path, checkpoint_tree(trainer), kind="checkpoint")


# ---------------------------------------------------------------------------------- reading
def find_latest_checkpoint(directory: PathLike) -> str:
    """Return the path of the ``epoch-NNNN.ckpt`` file with the most epochs in ``directory``."""
    directory = os.fspath(directory)
    numbered = [(int(match.group(1)), name) for name in os.listdir(directory)
                if (match := _EPOCH_FILE.match(name))]
    if not numbered:
        raise FileNotFoundError(f"no checkpoint (epoch-NNNN.ckpt) in {directory!r}")
    return os.path.join(directory, max(numbered)[1])


def read_checkpoint(path: PathLike) -> dict[str, Any]:
    """Read a checkpoint file (or the newest one in a folder) and check its layout.

    Raises
    ------
    zeronn.io.ModelFileError
        The file is missing, damaged, not a checkpoint, or lacks a part.
    """
    from zeronn.io import ModelFileError

    if os.path.isdir(path):
        try:
            path = find_latest_checkpoint(path)
        except FileNotFoundError as error:
            raise ModelFileError(str(error)) from None
    tree = read_archive(path, kind="checkpoint")
    missing = [key for key in _REQUIRED if key not in tree]
    if missing or not isinstance(tree.get("model"), dict) or "state" not in tree["model"]:
        raise ModelFileError(f"{os.fspath(path)!r} is not a complete training checkpoint "
                             f"(missing: {', '.join(missing) or 'model state'})")
    if tree.get("layout", 0) > CHECKPOINT_LAYOUT:
        raise ModelFileError(f"{os.fspath(path)!r} has checkpoint layout {tree['layout']}, newer than this "
                             f"ZeroNN reads ({CHECKPOINT_LAYOUT}); upgrade zeronn")
    return tree


def model_from_checkpoint(path: PathLike) -> Layer:
    """Rebuild the model stored in a checkpoint, with its weights."""
    tree = read_checkpoint(path)
    model = layer_from_spec(tree["model"]["spec"])
    model.load_state_dict(tree["model"]["state"])
    return model


def _summary(items: Any) -> str:
    """"3 entries" or, for layer lists, "3 layers [Linear, ReLU, Linear]"."""
    names = [item.get("class") for item in items if isinstance(item, dict)]
    if names and len(names) == len(items):
        return f"{len(items)} layers [{', '.join(map(str, names))}]"
    return f"{len(items)} entries"


def _first_difference(a: Any, b: Any, where: str = "") -> str:
    """Describe where two JSON-like values first differ ("layers.2.config.p: 0.5 != 0.2")."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            if a.get(key) != b.get(key):
                return _first_difference(a.get(key), b.get(key), f"{where}.{key}" if where else str(key))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return f"{where or 'model'}: checkpoint has {_summary(a)}, this model has {_summary(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return _first_difference(x, y, f"{where}.{i}" if where else str(i))
    return f"{where or 'model'}: checkpoint has {a!r:.120}, this model has {b!r:.120}"


def _check_same(kind: str, saved: Optional[dict[str, Any]], current: Any, source: str) -> None:
    saved_class = None if saved is None else saved.get("class")
    current_class = None if current is None else type(current).__name__
    if saved_class != current_class:
        raise ValueError(f"{source} was written with {kind} {saved_class}, this run uses {current_class}; "
                         f"resume with the same {kind}")


def restore_checkpoint(trainer: Any, tree: dict[str, Any], source: str = "the checkpoint") -> None:
    """Load a checkpoint tree into ``trainer``: model, optimizer, scheduler, generators, history, callbacks.

    The architecture, the optimizer and scheduler classes and the set of
    random generators are checked before anything changes, so a checkpoint
    from another setup is refused with a clear error and leaves the trainer as it was.
    """
    spec = layer_to_spec(trainer.model)
    saved_spec = tree["model"].get("spec")
    if saved_spec is not None and saved_spec != spec:
        raise ValueError(f"{source} was written for a different model ({_first_difference(saved_spec, spec)})")
    _check_same("optimizer", tree["optimizer"], trainer.optimizer, source)
    _check_same("scheduler", tree.get("scheduler"), trainer.scheduler, source)
    rng = tree["rng"]
    if set(rng.get("layers", {})) != set(generator_states(trainer.model)):
        set_generator_states(trainer.model, rng.get("layers", {}))     # raises with the details

    trainer.model.load_state_dict(tree["model"]["state"])
    trainer.optimizer.load_state_dict(tree["optimizer"]["state"])
    if trainer.scheduler is not None:
        trainer.scheduler.load_state_dict(tree["scheduler"]["state"])
    set_generator_states(trainer.model, rng.get("layers", {}))
    if rng.get("global") is not None:
        zeronn_random.global_rng().bit_generator.state = rng["global"]
    trainer.rng.bit_generator.state = rng["shuffle"]
    trainer.history.load_state_dict(tree["history"])
    trainer.epoch = int(tree["epoch"])
    trainer.stop_training = bool(tree.get("stop_training", False))
    states = tree.get("callbacks") or {}
    for key, callback in zip(_callback_keys(trainer.callbacks), trainer.callbacks):
        if key in states:
            callback.load_state_dict(states[key])
