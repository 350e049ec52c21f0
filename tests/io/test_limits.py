"""The limits of zeronn.io.limits: bounded JSON (size, depth, values), duplicate keys, non-finite numbers."""

import json
import random

import pytest

from zeronn.io import ModelFileError, limits
from zeronn.io.limits import MAX_JSON_DEPTH, check_max_bytes, format_bytes, parse_json


def parse(text):
    return parse_json(text, "the header", "'f'")


def test_valid_json_parses_as_json_does():
    text = json.dumps({"a": [1, 2.5, {"b": None, "c": "x]}\\\"{["}], "d": True, "e": -(2**100)})
    assert parse(text) == json.loads(text)


def test_depth_at_the_limit_parses_and_one_more_is_refused():
    assert parse("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH) is not None
    with pytest.raises(ModelFileError, match=f"'f': the header is nested too deeply \\({MAX_JSON_DEPTH + 1} levels"):
        parse("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1))


def test_deep_json_is_refused_before_parsing_even_when_unterminated():
    with pytest.raises(ModelFileError, match="nested too deeply"):
        parse('{"a":' * 100_000)


def test_brackets_inside_strings_do_not_count():
    text = json.dumps({"s": "[" * 1000 + '\\"' + "{" * 1000})
    assert parse(text) == json.loads(text)


def test_too_many_values_are_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_JSON_VALUES", 100)
    assert parse(json.dumps(list(range(50))))
    with pytest.raises(ModelFileError, match="more than the limit of 100"):
        parse(json.dumps(["x"] * 200))


def test_too_long_text_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_HEADER_BYTES", 1000)
    with pytest.raises(ModelFileError, match="more than the limit of 1000 bytes"):
        parse(json.dumps("a" * 2000))


def test_duplicate_keys_are_refused():
    with pytest.raises(ModelFileError, match="the key 'kind' twice"):
        parse('{"kind": "model", "kind": "checkpoint"}')


@pytest.mark.parametrize("text, fragment", [("[NaN]", "NaN"), ("[Infinity]", "Infinity"), ("[-Infinity]", "Infinity"),
                                            ("[1e999]", "1e999, too large")])
def test_non_finite_numbers_are_refused(text, fragment):
    with pytest.raises(ModelFileError, match=fragment):
        parse(text)


@pytest.mark.parametrize("text", ["{", "[1,]", "tru", '{"a" 1}', "1" * 5000, ""])
def test_invalid_json_is_a_model_file_error(text):
    with pytest.raises(ModelFileError, match="'f': the header"):
        parse(text)


def test_the_scan_agrees_with_a_plain_reading_of_json(monkeypatch):
    """The vectorised depth/separator scan, against a character-by-character reference, across chunk borders."""

    def reference(data):
        depth = deepest = separators = 0
        inside = escaped = False
        for char in data.decode():
            if inside:
                escaped, inside = (False, inside) if escaped else (char == "\\", char != '"')
                continue
            if char == '"':
                inside = True
            elif char in "[{":
                depth += 1
                deepest = max(deepest, depth)
            elif char in "]}":
                depth -= 1
            elif char in ",:":
                separators += 1
        return deepest, separators

    rng = random.Random(0)
    alphabet = '[]{}",:\\ab'

    def value(level=0):
        pick = rng.random()
        if level > 5 or pick < 0.3:
            return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
        if pick < 0.4:
            return rng.randint(-5, 5)
        if pick < 0.7:
            return [value(level + 1) for _ in range(rng.randint(0, 3))]
        return {"".join(rng.choice(alphabet) for _ in range(3)): value(level + 1) for _ in range(rng.randint(0, 3))}

    for chunk in (1, 2, 3, 7, 4096):
        monkeypatch.setattr(limits, "_CHUNK", chunk)
        for _ in range(150):
            data = json.dumps(value()).encode()
            prefix = data[: rng.randint(0, len(data))]                 # the scan also sees invalid (cut) JSON
            assert limits._scan(data) == reference(data)
            assert limits._scan(prefix) == reference(prefix)


def test_max_bytes_argument():
    assert check_max_bytes(None) is None and check_max_bytes(10) == 10
    for bad in (0, -1, 1.5, "10", True):
        with pytest.raises(ValueError, match="max_bytes must be a positive int"):
            check_max_bytes(bad)


def test_format_bytes():
    assert format_bytes(12) == "12 bytes"
    assert format_bytes(1536) == "1.5 KiB"
    assert format_bytes(4 * 10**12) == "3.6 TiB"
