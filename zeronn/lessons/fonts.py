"""The language of the text inside the pictures: Chinese only where matplotlib has a font that can draw it.

matplotlib's default font (DejaVu Sans) has no Chinese characters: they would
come out as empty boxes.  With ``--lang zh`` the lessons print and write their
pages in Chinese; the labels inside the pictures are Chinese only when a CJK
font is installed (e.g. ``apt install fonts-noto-cjk``), and English otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Optional

__all__ = ["CJK_FONTS", "cjk_font", "picture_language"]

#: Fonts with Chinese characters, in order of preference.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Micro Hei",
             "WenQuanYi Zen Hei", "Sarasa Gothic SC", "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC",
             "Arial Unicode MS")


def cjk_font() -> Optional[str]:
    """The first font of ``CJK_FONTS`` that matplotlib knows, or None."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


@contextmanager
def picture_language(lang: str) -> Iterator[str]:
    """Yield the language for text inside pictures ("zh" or "en"), with the CJK font active while inside."""
    if lang != "zh":
        yield "en"
        return
    font = cjk_font()
    if font is None:
        yield "en"
        return
    import matplotlib

    families = [font] + list(matplotlib.rcParams["font.sans-serif"])
    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": families,
                                "axes.unicode_minus": False}):
        yield "zh"
