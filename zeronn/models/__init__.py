"""Ready-made models and models described in files.

- presets: ``logistic``, ``mlp``, ``lenet``, ``cnn`` and ``build_preset(name, input_shape, num_classes)``;
- architecture files: ``load_architecture("net.yaml")`` / ``build_architecture([...])``
  (a list of layers as JSON or YAML, see ``zeronn.models.architecture``);
- ``MAX_PARAMETERS``: larger models are refused before anything is allocated.

>>> import zeronn
>>> model = zeronn.models.lenet((1, 28, 28), 10)
>>> model.num_parameters()
61706
"""

from zeronn.models.architecture import (
    Architecture,
    ArchitectureError,
    build_architecture,
    load_architecture,
    read_description,
)
from zeronn.models.presets import (
    PRESET_DESCRIPTIONS,
    PRESETS,
    build_preset,
    cnn,
    default_hidden,
    lenet,
    logistic,
    mlp,
    preset_description,
)
from zeronn.models.size import MAX_PARAMETERS, ModelTooLargeError, check_parameter_count, estimate_parameters

__all__ = [
    "PRESETS",
    "PRESET_DESCRIPTIONS",
    "build_preset",
    "preset_description",
    "default_hidden",
    "logistic",
    "mlp",
    "lenet",
    "cnn",
    "Architecture",
    "ArchitectureError",
    "build_architecture",
    "load_architecture",
    "read_description",
    "MAX_PARAMETERS",
    "ModelTooLargeError",
    "estimate_parameters",
    "check_parameter_count",
]
