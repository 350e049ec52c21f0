"""Rebuild the lesson pages and their pictures: ``python docs/lessons/build.py`` (a few minutes).

Runs every lesson in full, once in English (pictures into docs/lessons/img/<name>/)
and once in Chinese (same seeds, same numbers; its pictures are discarded, the
page links the English ones), and writes docs/lessons/<name>.md and
docs/lessons/<name>.zh-CN.md.  Needs the MNIST files (ZERONN_DATA).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from zeronn.lessons import LESSONS, render_markdown, run_lesson

HERE = Path(__file__).resolve().parent

HEADER = {
    "en": "[English](NAME.md) | [中文](NAME.zh-CN.md) · [all lessons](README.md)\n\n",
    "zh": "[English](NAME.md) | [中文](NAME.zh-CN.md) · [全部课程](README.zh-CN.md)\n\n",
}
FOOTER = {
    "en": "\n---\nThe numbers and pictures above come from `python docs/lessons/build.py` (the full lesson, seeds "
          "fixed); your run may differ in the last digits. Next: write the backward passes yourself with "
          "`zeronn exercise list`.\n",
    "zh": "\n---\n以上数字和图片来自 `python docs/lessons/build.py` (完整课程, 随机种子固定); "
          "你运行的结果可能在最后几位略有不同。图片中的标注是英文的: 生成图片的机器上没有中文字体 (安装中文字体, "
          "例如 fonts-noto-cjk 之后, `--lang zh` 会画出中文标注)。下一步: 用 `zeronn exercise list` 亲手写反向传播。\n",
}


def build(names: list[str]) -> None:
    for name in names:
        images = HERE / "img" / name
        for lang, suffix in (("en", ".md"), ("zh", ".zh-CN.md")):
            with tempfile.TemporaryDirectory() as scratch:
                out = images if lang == "en" else Path(scratch)
                result = run_lesson(name, quick=False, out=out, lang=lang)
                command = f"zeronn lesson {name}" + (" --lang zh" if lang == "zh" else "")
                page = render_markdown(result, lang, image_prefix=f"img/{name}/", commands=[command])
            (images / "lesson.md").unlink(missing_ok=True)
            text = HEADER[lang].replace("NAME", name) + page + FOOTER[lang]
            (HERE / f"{name}{suffix}").write_text(text, encoding="utf-8")
            print(f"wrote docs/lessons/{name}{suffix}", flush=True)


if __name__ == "__main__":
    build(sys.argv[1:] or list(LESSONS))
