"""README.zh-CN.md is a full translation of README.md: the same sections and the same commands.

Headings (count and levels) must match one to one; every fenced code block
must appear in the same order with the same language and the same commands
(comments may be translated, so they are left out of the comparison); and
every section whose English text has prose has Chinese prose.
"""

import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FENCE = re.compile(r"^```")


def split(text):
    """(prose lines, code blocks as (language, lines)) of a Markdown text."""
    prose, blocks, block = [], [], None
    for line in text.splitlines():
        if FENCE.match(line):
            if block is None:
                block = (line[3:].strip(), [])
            else:
                blocks.append(block)
                block = None
        elif block is not None:
            block[1].append(line)
        else:
            prose.append(line)
    return prose, blocks


def headings(text):
    return [len(line) - len(line.lstrip("#")) for line in split(text)[0] if re.match(r"^#{1,6} ", line)]


def _python_without_comments(lines):
    source = "\n".join(lines) + "\n"
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type != tokenize.COMMENT]
        return [line.rstrip() for line in tokenize.untokenize(tokens).splitlines() if line.strip()]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return [line.rstrip() for line in lines if line.strip()]


def _shell_without_comments(lines):
    commands = []
    for line in lines:
        command = re.split(r"(?:^|\s)#", line, maxsplit=1)[0].rstrip()
        if command:
            commands.append(command)
    return commands


def commands(text):
    """Each code block's language and its lines without comments."""
    result = []
    for language, lines in split(text)[1]:
        if language == "python":
            result.append((language, _python_without_comments(lines)))
        elif language in ("bash", "sh", "shell", "console"):
            result.append((language, _shell_without_comments(lines)))
        else:
            result.append((language, [line.rstrip() for line in lines if line.strip()]))
    return result


def sections(text):
    """Prose of each section, split at the headings."""
    parts, current = [], []
    for line in split(text)[0]:
        if re.match(r"^#{1,6} ", line):
            parts.append(current)
            current = []
        else:
            current.append(line)
    parts.append(current)
    return ["\n".join(part) for part in parts]


def read(name):
    return (ROOT / name).read_text(encoding="utf-8")


def test_same_headings():
    english, chinese = headings(read("README.md")), headings(read("README.zh-CN.md"))
    assert len(english) > 5
    assert chinese == english


def test_same_commands():
    english, chinese = commands(read("README.md")), commands(read("README.zh-CN.md"))
    assert len(english) > 5
    assert [language for language, _ in chinese] == [language for language, _ in english]
    for number, (en_block, zh_block) in enumerate(zip(english, chinese)):
        assert zh_block == en_block, f"code block {number} differs"


def test_every_section_is_translated():
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for number, (en, zh) in enumerate(zip(sections(read("README.md")), sections(read("README.zh-CN.md")))):
        words = re.sub(r"`[^`]*`|\[[^\]]*\]\([^)]*\)|<!--.*?-->|\|", " ", en)
        if len(re.findall(r"[A-Za-z]{3,}", words)) >= 8:
            assert cjk.search(zh), f"section {number} of README.zh-CN.md has no Chinese text"


def test_the_english_readme_points_to_the_chinese_one():
    assert "README.zh-CN.md" in read("README.md")
