"""docs/lessons: a page per lesson in English and Chinese, every picture it links committed, and small."""

import re
from pathlib import Path

import pytest

from zeronn.lessons import LESSONS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "lessons"


@pytest.mark.parametrize("name", list(LESSONS))
@pytest.mark.parametrize("suffix", [".md", ".zh-CN.md"])
def test_page_and_its_pictures(name, suffix):
    page = (DOCS / f"{name}{suffix}").read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", page)
    assert len(links) >= 4
    for link in links:
        assert (DOCS / link).is_file(), link
    if suffix == ".zh-CN.md":
        assert re.search(r"[\u4e00-\u9fff]", page)


def test_pictures_stay_small():
    total = sum(path.stat().st_size for path in (DOCS / "img").rglob("*.png"))
    assert total < 3 * 2**20, f"docs/lessons/img holds {total / 2**20:.1f} MiB of pictures"


def test_index_links_every_page():
    for index, suffix in (("README.md", ".md"), ("README.zh-CN.md", ".zh-CN.md")):
        text = (DOCS / index).read_text(encoding="utf-8")
        for name in LESSONS:
            assert f"({name}{suffix})" in text
