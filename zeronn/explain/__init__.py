"""Explain mode: one batch walked through a model, every formula shown with its live shapes and numbers.

>>> from zeronn.explain import explain
>>> print(explain(model, x, y, loss="sse"))                    # doctest: +SKIP

The formulas come from each layer's docstring (its ``Forward:`` and
``Backward:`` paragraphs, see ``zeronn.explain.docstring``), so they are
written once; the shapes come from ``zeronn.explain.shapes``.
"""

import sys
import types
from typing import Any, Optional

from zeronn.explain.docstring import Formulas, formulas_of
from zeronn.explain.explain import Explanation, LayerRecord, LossRecord, explain

__all__ = ["explain", "Explanation", "LayerRecord", "LossRecord", "Formulas", "formulas_of"]


class _CallableModule(types.ModuleType):
    """``zeronn.explain`` is this package and also callable: ``zeronn.explain(model, x)`` runs ``explain``."""

    def __call__(self, model: Any, x: Any, y: Any = None, *, loss: Any = None,
                 lang: Optional[str] = None) -> Explanation:
        return explain(model, x, y, loss=loss, lang=lang)


sys.modules[__name__].__class__ = _CallableModule
