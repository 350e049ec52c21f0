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

Loading is all-or-nothing.  ``read_checkpoint`` checks the file and the
layout of the tree (every part present, no unknown part, ``epoch`` a
non-negative int equal to the number of epochs in ``history``, the model's
weights arrays of finite numbers, random states made of ints...);
``restore_checkpoint`` then checks every part against the trainer (the same
architecture, names, shapes and dtypes of the weights, the optimizer's and
scheduler's ``validate_state_dict``, generator states that the trainer's
generators accept, a valid history) and only then applies them.  A refused
checkpoint leaves the model, the optimizer and everything else untouched.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from typing import Any, Optional, Union

import numpy as np

from zeronn import random as zeronn_random
from zeronn.io import ModelFileError, read_archive, write_archive
from zeronn.io.limits import DEFAULT_MAX_BYTES
from zeronn.io.model_file import build_model
from zeronn.nn.layer import Layer, layer_to_spec

__all__ = [
    "CHECKPOINT_LAYOUT",
    "checkpoint_tree",
    "save_checkpoint",
    "read_checkpoint",
    "restore_checkpoint",
    "validate_checkpoint",
    "find_latest_checkpoint",
    "model_from_checkpoint",
    "generator_states",
    "set_generator_states",
]

CHECKPOINT_LAYOUT = 1
PathLike = Union[str, "os.PathLike[str]"]
_EPOCH_FILE = re.compile(r"^epoch-(\d+)\.ckpt$")
_REQUIRED = ("epoch", "model", "optimizer", "rng", "history")
_KNOWN = ("layout", "epoch", "stop_training", "model", "optimizer", "scheduler", "rng", "history", "callbacks")


# ---------------------------------------------------------------------------------- generators
def generator_states(model: Layer) -> dict[str, dict[str, Any]]:
    """Return ``{"<layer path>.<attribute>": state}`` for every numpy Generator held by a layer of ``model``."""
    return {name: dict(generator.bit_generator.state) for name, generator in _layer_generators(model).items()}


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


def read_checkpoint(path: PathLike, *, max_bytes: Optional[int] = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """Read a checkpoint file (or the newest one in a folder) and check its layout.

    Parameters
    ----------
    path : str or os.PathLike
        A checkpoint file, or a folder of ``epoch-NNNN.ckpt`` files.
    max_bytes : int or None, default 2 GiB
        Refuse files with more tensor data than this (None: no limit).

    Raises
    ------
    zeronn.io.ModelFileError
        The file is missing, damaged, not a checkpoint, lacks a part, has an
        unknown part, or a part is malformed (the message names it).
    """
    if os.path.isdir(path):
        try:
            path = find_latest_checkpoint(path)
        except FileNotFoundError as error:
            raise ModelFileError(str(error)) from None
    tree = read_archive(path, kind="checkpoint", max_bytes=max_bytes)
    _check_layout(tree, f"{os.fspath(path)!r}")
    return tree


def _check_layout(tree: dict[str, Any], source: str) -> None:
    """Check the shape of every part of a checkpoint tree (not yet against a trainer)."""
    missing = [key for key in _REQUIRED if key not in tree]
    if missing:
        raise ModelFileError(f"{source} is not a complete training checkpoint (missing: {', '.join(missing)})")
    unknown = sorted(set(tree) - set(_KNOWN))
    if unknown:
        raise ModelFileError(f"{source}: unknown parts {unknown!r:.200} in the checkpoint (valid: {', '.join(_KNOWN)})")
    layout = tree.get("layout", CHECKPOINT_LAYOUT)
    if not _is_int(layout) or layout < 1:
        raise ModelFileError(f"{source}: the checkpoint layout must be a positive int, got {layout!r:.80}")
    if layout > CHECKPOINT_LAYOUT:
        raise ModelFileError(f"{source} has checkpoint layout {layout}, newer than this "
                             f"ZeroNN reads ({CHECKPOINT_LAYOUT}); upgrade zeronn")
    epoch = tree["epoch"]
    if not _is_int(epoch) or epoch < 0:
        raise ModelFileError(f"{source}: 'epoch' must be a non-negative int (epochs done), got {epoch!r:.80}")
    if not isinstance(tree.get("stop_training", False), bool):
        raise ModelFileError(f"{source}: 'stop_training' must be true or false, got {tree['stop_training']!r:.80}")
    _check_model_part(tree["model"], source)
    for part in ("optimizer", "scheduler"):
        _check_named_part(tree.get(part), part, source, optional=part == "scheduler")
    _check_rng_part(tree["rng"], source)
    _check_history(tree["history"], epoch, source)
    callbacks = tree.get("callbacks", {})
    if not isinstance(callbacks, dict) or not all(isinstance(state, dict) for state in callbacks.values()):
        raise ModelFileError(f"{source}: 'callbacks' must map callback names to dicts of their state")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_model_part(model: Any, source: str) -> None:
    if not isinstance(model, dict) or set(model) - {"spec", "state"} or not isinstance(model.get("state"), dict):
        raise ModelFileError(f"{source}: 'model' must be a dict with the weights in 'state' (and the architecture "
                             "in 'spec')")
    if "spec" in model and not isinstance(model["spec"], dict):
        raise ModelFileError(f"{source}: the model's 'spec' must be a layer description (a dict)")
    for name, value in model["state"].items():
        if not isinstance(value, np.ndarray) or value.dtype.kind not in "biuf":
            raise ModelFileError(f"{source}: model weight {name!r:.80} must be a numeric array, "
                                 f"got {type(value).__name__}")
        if value.dtype.kind == "f" and not np.isfinite(value).all():
            bad = int(value.size - np.count_nonzero(np.isfinite(value)))
            raise ModelFileError(f"{source}: model weight {name!r:.80} has {bad} NaN or infinite values; "
                                 "the run had diverged, or the file is damaged")


def _check_named_part(part: Any, what: str, source: str, *, optional: bool) -> None:
    if part is None and optional:
        return
    if not isinstance(part, dict) or set(part) != {"class", "state"} or not isinstance(part["class"], str) \
            or not isinstance(part["state"], dict):
        raise ModelFileError(f"{source}: {what!r} must be a dict with its 'class' name and its 'state' dict")


def _check_rng_part(rng: Any, source: str) -> None:
    if not isinstance(rng, dict) or set(rng) - {"shuffle", "layers", "global"} or "shuffle" not in rng:
        raise ModelFileError(f"{source}: 'rng' must be a dict with the 'shuffle' generator's state "
                             "(and 'layers', 'global')")
    states = [("rng.shuffle", rng["shuffle"])]
    if rng.get("global") is not None:
        states.append(("rng.global", rng["global"]))
    layers = rng.get("layers", {})
    if not isinstance(layers, dict):
        raise ModelFileError(f"{source}: 'rng.layers' must map layer paths to generator states")
    states += [(f"rng.layers.{name}", state) for name, state in layers.items()]
    for where, state in states:
        if not isinstance(state, dict) or not isinstance(state.get("bit_generator"), str):
            raise ModelFileError(f"{source}: {where!r:.80} is not a generator state (a dict naming its "
                                 "'bit_generator')")


def _check_history(history: Any, epoch: int, source: str) -> None:
    """History: {"epoch": [0, 1, ..., epoch - 1], "history": {name: [float or None per epoch]}}."""
    if not isinstance(history, dict) or set(history) != {"epoch", "history"}:
        raise ModelFileError(f"{source}: 'history' must be a dict with an 'epoch' list and a 'history' dict")
    epochs, values = history["epoch"], history["history"]
    if epochs != list(range(epoch)) or not all(_is_int(e) for e in epochs):
        shown = f"{epochs!r:.80}" if isinstance(epochs, list) else type(epochs).__name__
        raise ModelFileError(f"{source}: the checkpoint says {epoch} epochs were done, but its history lists the "
                             f"epochs {shown}; the file is inconsistent")
    if not isinstance(values, dict):
        raise ModelFileError(f"{source}: 'history.history' must map names to lists of values")
    for key, series in values.items():
        if not isinstance(series, list) or len(series) != epoch:
            count = len(series) if isinstance(series, list) else type(series).__name__
            raise ModelFileError(f"{source}: history {key!r:.80} has {count} values for {epoch} epochs")
        if not all(value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))
                   for value in series):
            raise ModelFileError(f"{source}: history {key!r:.80} must hold numbers (or null)")


def model_from_checkpoint(path: PathLike, *, max_bytes: Optional[int] = DEFAULT_MAX_BYTES) -> Layer:
    """Rebuild the model stored in a checkpoint, with its weights (checked before anything is allocated)."""
    tree = read_checkpoint(path, max_bytes=max_bytes)
    source = f"{os.fspath(path)!r}"
    if "spec" not in tree["model"]:
        raise ModelFileError(f"{source}: the checkpoint has no architecture ('model.spec')")
    return build_model(tree["model"]["spec"], tree["model"]["state"], source=source, max_bytes=max_bytes)


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


# ---------------------------------------------------------------------------------- restoring
def validate_checkpoint(trainer: Any, tree: dict[str, Any], source: str = "the checkpoint") -> None:
    """Check that ``tree`` fits ``trainer`` in every part; change nothing.

    Raises
    ------
    ValueError
        Naming the part: another architecture, weights with other names,
        shapes or dtypes, another optimizer or scheduler class or a state
        they refuse, generator states that do not fit, an invalid history.
    """
    _check_layout(tree, source)
    spec = layer_to_spec(trainer.model)
    saved_spec = tree["model"].get("spec")
    if saved_spec is not None and saved_spec != spec:
        raise ValueError(f"{source} was written for a different model ({_first_difference(saved_spec, spec)})")
    _check_weights(trainer.model, tree["model"]["state"], source)
    _check_same("optimizer", tree["optimizer"], trainer.optimizer, source)
    _check_same("scheduler", tree.get("scheduler"), trainer.scheduler, source)
    _validate_state("optimizer", trainer.optimizer, tree["optimizer"]["state"], source)
    if trainer.scheduler is not None:
        _validate_state("scheduler", trainer.scheduler, tree["scheduler"]["state"], source)
    _check_generators(trainer, tree["rng"], source)
    try:
        type(trainer.history)().load_state_dict(tree["history"])       # a throwaway History checks it
    except (TypeError, ValueError) as error:
        raise ValueError(f"{source}: its history is invalid: {error}") from None


def _check_weights(model: Layer, state: dict[str, np.ndarray], source: str) -> None:
    current = dict(model.named_parameters())
    expected = {name: parameter.data for name, parameter in current.items()}
    expected.update({name: np.asarray(value) for name, value in model.named_buffers() if value is not None})
    missing = [name for name in expected if name not in state]
    unexpected = [name for name in state if name not in expected]
    if missing or unexpected:
        raise ValueError(f"{source}: its weights do not fit the model: missing {missing or 'nothing'}, "
                         f"unexpected {unexpected or 'nothing'}")
    for name, value in state.items():
        target = expected[name]
        if value.shape != target.shape:
            raise ValueError(f"{source}: weight {name!r} has shape {value.shape}, the model needs {target.shape}")
        if (value.dtype.kind == "f") != (target.dtype.kind == "f"):
            raise ValueError(f"{source}: weight {name!r} has dtype {value.dtype}, the model needs {target.dtype}")


def _validate_state(kind: str, owner: Any, state: dict[str, Any], source: str) -> None:
    try:
        owner.validate_state_dict(state)
    except (TypeError, ValueError, KeyError) as error:
        raise ValueError(f"{source}: its {kind} state is invalid: {error}") from None


def _check_generators(trainer: Any, rng: dict[str, Any], source: str) -> None:
    layers = rng.get("layers", {})
    current = generator_states(trainer.model)
    if set(layers) != set(current):
        raise ValueError(f"{source}: the checkpoint's random generators {sorted(layers)} do not match the model's "
                         f"{sorted(current)}")
    pairs = [("rng.shuffle", rng["shuffle"], trainer.rng.bit_generator)]
    if rng.get("global") is not None:
        pairs.append(("rng.global", rng["global"], zeronn_random.global_rng().bit_generator))
    generators = _layer_generators(trainer.model)
    pairs += [(f"rng.layers.{name}", layers[name], generators[name].bit_generator) for name in current]
    for where, saved, generator in pairs:
        _check_generator_state(where, saved, generator, source)


def _layer_generators(model: Layer) -> dict[str, np.random.Generator]:
    found = {}
    for path, layer in model.named_modules():
        for attribute, value in vars(layer).items():
            if isinstance(value, np.random.Generator):
                found[f"{path}.{attribute}" if path else attribute] = value
    return found


def _check_generator_state(where: str, saved: Any, bit_generator: Any, source: str) -> None:
    """The saved state must have the structure of the generator's own, and a fresh one must accept it."""
    problem = _structure_difference(saved, bit_generator.state)
    if problem is None:
        try:
            type(bit_generator)().state = saved                        # a throwaway generator checks the values
        except (TypeError, ValueError, OverflowError) as error:
            problem = str(error)
    if problem is not None:
        raise ValueError(f"{source}: {where} is not a valid {type(bit_generator).__name__} state ({problem})")


def _structure_difference(saved: Any, current: Any) -> Optional[str]:
    if isinstance(current, dict):
        if not isinstance(saved, dict) or set(saved) != set(current):
            return f"expected the keys {sorted(current)}"
        for key in current:
            problem = _structure_difference(saved[key], current[key])
            if problem is not None:
                return f"{key}: {problem}"
        return None
    if isinstance(current, np.ndarray):
        ok = isinstance(saved, np.ndarray) and saved.dtype == current.dtype and saved.shape == current.shape
        return None if ok else f"expected an array {current.dtype} {current.shape}"
    if _is_int(current):
        return None if _is_int(saved) else f"expected an int, got {saved!r:.40}"
    return None if type(saved) is type(current) else f"expected a {type(current).__name__}, got {saved!r:.40}"


def restore_checkpoint(trainer: Any, tree: dict[str, Any], source: str = "the checkpoint") -> None:
    """Load a checkpoint tree into ``trainer``: model, optimizer, scheduler, generators, history, callbacks.

    Everything is checked first (``validate_checkpoint``); a checkpoint that
    does not fit is refused with a clear error and leaves the trainer as it
    was.  Should a part still fail while being applied (a user callback's
    ``load_state_dict``, say), everything already applied is put back.
    """
    validate_checkpoint(trainer, tree, source)
    snapshot = _snapshot(trainer)
    try:
        _apply(trainer, tree)
    except BaseException:
        _apply(trainer, snapshot)
        raise


def _snapshot(trainer: Any) -> dict[str, Any]:
    """The parts of ``trainer`` that ``_apply`` changes, in the form ``_apply`` takes."""
    return {
        "epoch": trainer.epoch,
        "stop_training": trainer.stop_training,
        "model": {"state": trainer.model.state_dict()},
        "optimizer": {"state": trainer.optimizer.state_dict()},
        "scheduler": None if trainer.scheduler is None else {"state": trainer.scheduler.state_dict()},
        "rng": {
            "shuffle": trainer.rng.bit_generator.state,
            "layers": generator_states(trainer.model),
            "global": zeronn_random.global_rng().bit_generator.state,
        },
        "history": trainer.history.state_dict(),
        "callbacks": {},          # callbacks are restored last, and not rolled back (they may hold anything)
    }


def _apply(trainer: Any, tree: dict[str, Any]) -> None:
    trainer.model.load_state_dict(tree["model"]["state"])
    trainer.optimizer.load_state_dict(tree["optimizer"]["state"])
    if trainer.scheduler is not None:
        trainer.scheduler.load_state_dict(tree["scheduler"]["state"])
    rng = tree["rng"]
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
