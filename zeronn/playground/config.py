"""The playground's settings: one dataclass, checked field by field, that round-trips through the page's URL.

Every control on the page is one field of ``PlaygroundConfig``.  The page keeps
the whole configuration in its address (``?data=spirals&layers=8,8&lr=0.03...``)
so that a link reproduces the setup; ``config_from_query`` reads such an
address, ``config_to_query`` writes one, and ``update_config`` applies the
changes the page sends as JSON.  Anything out of range, of the wrong type or
unknown raises ``ConfigError`` (a ValueError) naming the setting, what it
accepts and what came.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import parse_qsl, urlencode

from zeronn.lang import LANGUAGES

__all__ = [
    "ConfigError",
    "PlaygroundConfig",
    "DATASETS",
    "CLASSIFICATION_SETS",
    "REGRESSION_SETS",
    "FEATURES",
    "ACTIVATIONS",
    "OPTIMIZERS",
    "SCHEDULES",
    "REGULARIZATIONS",
    "MAX_LAYERS",
    "MAX_UNITS",
    "LIMITS",
    "update_config",
    "config_from_query",
    "config_to_query",
    "config_to_dict",
    "structural_change",
]


class ConfigError(ValueError):
    """A setting the playground cannot use (the server answers it with HTTP 400 and this message)."""


#: Built-in datasets ("csv" is the file given with ``--data FILE.csv`` or uploaded in the page).
CLASSIFICATION_SETS = ("circles", "xor", "gauss", "spirals", "moons", "blobs")
REGRESSION_SETS = ("plane", "multigauss")
DATASETS = CLASSIFICATION_SETS + REGRESSION_SETS + ("csv",)

#: Input features computed from the two coordinates (x1, x2), as in TensorFlow Playground.
FEATURES = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")

#: Activation names the page offers ("linear" is ``zeronn.nn.Identity``).
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear", "leaky_relu", "elu", "selu", "gelu", "silu", "softplus")

#: Optimizers: "momentum" is SGD with momentum 0.9, "nesterov" the same with Nesterov momentum.
OPTIMIZERS = ("sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "adagrad")

#: Learning-rate schedules, stepped once per epoch ("plateau" watches the test loss).
SCHEDULES = ("none", "step", "exponential", "cosine", "plateau")

REGULARIZATIONS = ("none", "l1", "l2")

MAX_LAYERS = 6
MAX_UNITS = 8

#: (low, high) of each numeric setting, both inclusive.
LIMITS: dict[str, tuple[float, float]] = {
    "noise": (0, 50),           # percent of the data's half-width
    "ratio": (10, 90),          # percent of the points used for training
    "points": (20, 2000),
    "batch": (1, 500),
    "seed": (0, 2**31 - 1),
    "lr": (1e-6, 10.0),
    "reg_rate": (0.0, 10.0),
}


@dataclass
class PlaygroundConfig:
    """Everything the page lets a learner choose.

    Field names are the URL's parameter names.
    """

    data: str = "circles"                      # one of DATASETS
    noise: int = 0                             # percent
    ratio: int = 50                            # training share of the points, percent
    points: int = 500                          # number of points generated
    batch: int = 10                            # mini-batch size
    seed: int = 0                              # data, initial weights and shuffling all follow it
    features: list[str] = field(default_factory=lambda: ["x1", "x2"])
    layers: list[int] = field(default_factory=lambda: [4, 2])   # units per hidden layer, 0 to 6 layers
    activation: str = "tanh"
    optimizer: str = "sgd"
    lr: float = 0.03
    reg: str = "none"                          # none, l1 or l2
    reg_rate: float = 0.0
    schedule: str = "none"
    show_test: bool = False                    # page only: draw the test points too
    discretize: bool = False                   # page only: two colours instead of a gradient
    lang: str = "en"


#: Fields whose change rebuilds the data or the network (the others keep the weights).
_STRUCTURAL = ("data", "noise", "ratio", "points", "seed", "features", "layers", "activation")


def structural_change(old: PlaygroundConfig, new: PlaygroundConfig) -> bool:
    """Whether going from ``old`` to ``new`` needs fresh data or a fresh network."""
    return any(getattr(old, name) != getattr(new, name) for name in _STRUCTURAL)


def config_to_dict(config: PlaygroundConfig) -> dict[str, Any]:
    """The configuration as JSON-ready values."""
    return dataclasses.asdict(config)


# ---------------------------------------------------------------------- checking one value
def _choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ConfigError(f"setting {name!r}: expected one of {', '.join(choices)}, got {value!r}")
    return value


def _integer(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not float(value).is_integer():
        raise ConfigError(f"setting {name!r}: expected a whole number, got {value!r}")
    low, high = LIMITS[name]
    if not low <= value <= high:
        raise ConfigError(f"setting {name!r}: expected a whole number from {low:g} to {high:g}, got {value!r}")
    return int(value)


def _real(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"setting {name!r}: expected a number, got {value!r}")
    low, high = LIMITS[name]
    if not low <= value <= high:
        raise ConfigError(f"setting {name!r}: expected a number from {low:g} to {high:g}, got {value!r}")
    return float(value)


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"setting {name!r}: expected true or false, got {value!r}")
    return value


def _features(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ConfigError(f"setting 'features': expected a non-empty list of {', '.join(FEATURES)}, got {value!r}")
    for item in value:
        _choice("features", item, FEATURES)
    if len(set(value)) != len(value):
        raise ConfigError(f"setting 'features': each feature at most once, got {value!r}")
    return [name for name in FEATURES if name in value]            # canonical order


def _layers(value: Any) -> list[int]:
    if not isinstance(value, list) or len(value) > MAX_LAYERS:
        raise ConfigError(f"setting 'layers': expected a list of at most {MAX_LAYERS} layer sizes, got {value!r}")
    for units in value:
        if isinstance(units, bool) or not isinstance(units, int) or not 1 <= units <= MAX_UNITS:
            raise ConfigError(f"setting 'layers': each hidden layer has 1 to {MAX_UNITS} units, got {units!r}")
    return list(value)


def _check(name: str, value: Any) -> Any:
    """Return ``value`` checked (and normalised) for the setting ``name``."""
    if name == "data":
        return _choice(name, value, DATASETS)
    if name in ("noise", "ratio", "points", "batch", "seed"):
        return _integer(name, value)
    if name in ("lr", "reg_rate"):
        return _real(name, value)
    if name in ("show_test", "discretize"):
        return _flag(name, value)
    if name == "features":
        return _features(value)
    if name == "layers":
        return _layers(value)
    choices = {"activation": ACTIVATIONS, "optimizer": OPTIMIZERS, "reg": REGULARIZATIONS,
               "schedule": SCHEDULES, "lang": LANGUAGES}
    return _choice(name, value, choices[name])


_FIELDS = tuple(f.name for f in dataclasses.fields(PlaygroundConfig))


def update_config(config: PlaygroundConfig, changes: Any) -> PlaygroundConfig:
    """Return a copy of ``config`` with ``changes`` (a dict of setting -> JSON value) applied and checked."""
    if not isinstance(changes, Mapping):
        raise ConfigError(f"settings must be a JSON object, got {type(changes).__name__}")
    unknown = sorted(str(name) for name in changes if name not in _FIELDS)
    if unknown:
        raise ConfigError(f"unknown setting(s) {', '.join(map(repr, unknown))}; known: {', '.join(_FIELDS)}")
    values = {name: _check(name, value) for name, value in changes.items()}
    return dataclasses.replace(config, **values)


# ---------------------------------------------------------------------- the URL
def _from_text(name: str, text: str) -> Any:
    """Turn one URL parameter into the JSON value ``_check`` expects."""
    kind = {f.name: f.type for f in dataclasses.fields(PlaygroundConfig)}[name]
    try:
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(text)
    except ValueError:
        raise ConfigError(f"setting {name!r}: expected a number, got {text!r}") from None
    if kind == "bool":
        if text not in ("0", "1"):
            raise ConfigError(f"setting {name!r}: expected 0 or 1, got {text!r}")
        return text == "1"
    if name == "features":
        return [item for item in text.split(",") if item]
    if name == "layers":
        try:
            return [int(item) for item in text.split(",") if item]
        except ValueError:
            raise ConfigError(f"setting 'layers': expected sizes separated by commas, got {text!r}") from None
    return text


def config_from_query(query: str, base: PlaygroundConfig) -> PlaygroundConfig:
    """Apply a URL query string (``"data=xor&layers=4,4"``, with or without the leading ``?``) to ``base``."""
    if not isinstance(query, str) or len(query) > 2000:
        raise ConfigError("the URL's settings must be a query string of at most 2000 characters")
    pairs = parse_qsl(query.lstrip("?"), keep_blank_values=True)
    changes: dict[str, Any] = {}
    for name, text in pairs:
        if name not in _FIELDS:
            raise ConfigError(f"unknown setting {name!r} in the URL; known: {', '.join(_FIELDS)}")
        changes[name] = _from_text(name, text)
    return update_config(base, changes)


def _to_text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def config_to_query(config: PlaygroundConfig) -> str:
    """The URL query string (without ``?``) that ``config_from_query`` turns back into ``config``."""
    return urlencode([(name, _to_text(getattr(config, name))) for name in _FIELDS], safe=",")
