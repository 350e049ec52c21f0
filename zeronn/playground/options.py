"""What the page needs to build its controls: the choices, limits, defaults and its text (``/api/options``)."""

from __future__ import annotations

from typing import Any, Optional

from zeronn.lang import LANGUAGES
from zeronn.playground.config import (
    ACTIVATIONS,
    CLASSIFICATION_SETS,
    DATASETS,
    FEATURES,
    LIMITS,
    MAX_LAYERS,
    MAX_UNITS,
    OPTIMIZERS,
    REGRESSION_SETS,
    REGULARIZATIONS,
    SCHEDULES,
    PlaygroundConfig,
    config_to_dict,
    config_to_query,
)
from zeronn.playground.data import DOMAIN, CSVSource
from zeronn.playground.maps import GRID, UNIT_GRID
from zeronn.playground.session import MAX_EPOCHS_PER_REQUEST
from zeronn.playground.text import page_text

__all__ = ["page_options"]


def page_options(base: PlaygroundConfig, csv_source: Optional[CSVSource]) -> dict[str, Any]:
    """JSON-ready description of every control, plus the page's words in each language."""
    return {
        "choices": {
            "data": list(DATASETS if csv_source is not None else DATASETS[:-1]),
            "classification": list(CLASSIFICATION_SETS),
            "regression": list(REGRESSION_SETS),
            "features": list(FEATURES),
            "activation": list(ACTIVATIONS),
            "optimizer": list(OPTIMIZERS),
            "schedule": list(SCHEDULES),
            "reg": list(REGULARIZATIONS),
            "lang": list(LANGUAGES),
            "lr": [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0],
            "reg_rate": [0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0],
        },
        "limits": {name: list(bounds) for name, bounds in LIMITS.items()},
        "max_layers": MAX_LAYERS,
        "max_units": MAX_UNITS,
        "max_epochs_per_request": MAX_EPOCHS_PER_REQUEST,
        "grid": GRID,
        "unit_grid": UNIT_GRID,
        "domain": DOMAIN,
        "defaults": config_to_dict(base),
        "default_query": config_to_query(base),
        "csv_name": csv_source.name if csv_source is not None else None,
        "text": {lang: page_text(lang) for lang in LANGUAGES},
    }
