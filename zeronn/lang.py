"""The language of the text that learners read: English (``"en"``) or Chinese (``"zh"``).

Lessons, exercises, explain mode, the training doctor and the playground all
print text in the language chosen here, in this order: the ``lang`` argument,
then the ``ZERONN_LANG`` environment variable (``zh``, ``zh-CN``, ``zh_CN.UTF-8``
all mean Chinese), then English.

>>> tr("learning rate", "学习率", "zh")
'学习率'
"""

from __future__ import annotations

import os
from typing import Optional

__all__ = ["LANGUAGES", "resolve_lang", "tr"]

#: The languages every learner-facing text exists in.
LANGUAGES = ("en", "zh")


def resolve_lang(lang: Optional[str] = None) -> str:
    """Return ``"en"`` or ``"zh"`` for ``lang``, or for ``$ZERONN_LANG`` when ``lang`` is None.

    Raises
    ------
    ValueError
        If ``lang`` (or the environment variable) names another language.
    """
    source = "lang"
    if lang is None:
        lang, source = os.environ.get("ZERONN_LANG", "") or "en", "ZERONN_LANG"
    if not isinstance(lang, str):
        raise TypeError(f"lang must be 'en' or 'zh', got {type(lang).__name__}")
    code = lang.strip().lower().replace("_", "-").split(".")[0].split("-")[0]
    if code not in LANGUAGES:
        raise ValueError(f"Unknown {source} {lang!r}; valid choices are: {', '.join(LANGUAGES)}")
    return code


def tr(en: str, zh: str, lang: Optional[str] = None) -> str:
    """Return the English or the Chinese text, as ``resolve_lang(lang)`` decides."""
    return zh if resolve_lang(lang) == "zh" else en
