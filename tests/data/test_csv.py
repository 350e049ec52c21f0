"""Reading CSV files of features and labels."""

from __future__ import annotations

import numpy as np
import pytest

from zeronn.data.csv import class_names, encode_labels, read_csv, read_features


def write(tmp_path, text: str, name: str = "data.csv") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_header_and_last_column_label(tmp_path):
    path = write(tmp_path, "a,b,kind\n1,2,cat\n3,4.5,dog\n-1e-1,0,cat\n")
    table = read_csv(path)
    assert table.has_header
    assert table.columns == ["a", "b"] and table.label_column == "kind"
    np.testing.assert_array_equal(table.features, [[1, 2], [3, 4.5], [-0.1, 0]])
    assert table.features.dtype == np.float64
    assert table.labels == ["cat", "dog", "cat"]


def test_no_header_numeric_labels(tmp_path):
    table = read_csv(write(tmp_path, "1,2,0\n3,4,1\n"))
    assert not table.has_header
    assert table.columns == ["col0", "col1"] and table.label_column == "col2"
    assert table.labels == ["0", "1"]


@pytest.mark.parametrize("column, expected_columns", [("kind", ["a", "b"]), ("0", ["b", "kind"]),
                                                     ("-2", ["a", "kind"]), (0, ["b", "kind"])])
def test_label_column_by_name_or_position(tmp_path, column, expected_columns):
    path = write(tmp_path, "a,b,kind\n1,2,3\n4,5,6\n")
    assert read_csv(path, label_column=column).columns == expected_columns


def test_semicolon_and_tab_delimiters(tmp_path):
    assert read_csv(write(tmp_path, "a;b;y\n1;2;x\n3;4;z\n", "s.csv")).columns == ["a", "b"]
    assert read_csv(write(tmp_path, "a\tb\ty\n1\t2\tx\n3\t4\tz\n", "t.tsv")).labels == ["x", "z"]


def test_blank_lines_and_byte_order_mark_are_ignored(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffa,b,y\n1,2,p\n\n3,4,q\n".encode("utf-8"))
    table = read_csv(str(path))
    assert table.columns == ["a", "b"] and len(table.labels) == 2


@pytest.mark.parametrize("text, message", [
    ("a,b,y\n1,,p\n", "row 2, column 'b': an empty cell"),
    ("a,b,y\n1,2,p\n3,four,q\n", "row 3, column 'b': 'four', which is not a number"),
    ("a,b,y\n1,2,p\n3,4\n", "row 3: expected 3 cells like the first row, got 2"),
    ("a,b,y\n1,2,\n", "row 2: the label column 'y' is empty"),
    ("a,b,y\n", "has a header but no data rows"),
    ("\n\n", "is empty"),
    ("1\n2\n", "single column"),
])
def test_errors_name_row_and_column(tmp_path, text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_csv(write(tmp_path, text))


@pytest.mark.parametrize("cell, what", [
    ("1e999", "'1e999', which is too large for a float (it reads as infinity)"),
    ("-1e400", "'-1e400', which is too large for a float (it reads as infinity)"),
    ("inf", "'inf', which is infinite"),
    ("-Infinity", "'-Infinity', which is infinite"),
    ("nan", "'nan' (not a number)"),
])
@pytest.mark.parametrize("header", [True, False])
def test_non_finite_numbers_are_refused_alike(tmp_path, cell, what, header):
    text = ("a,b,y\n" if header else "") + f"1,{cell},p\n3,4,q\n"
    row = 2 if header else 1
    column = "b" if header else "col1"
    expected = f"row {row}, column '{column}': {what}".replace("(", r"\(").replace(")", r"\)")
    with pytest.raises(ValueError, match=expected):
        read_csv(write(tmp_path, text))


def test_latin1_file_is_a_clear_error_or_read_with_its_encoding(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("höhe,breite,art\n1,2,café\n3,4,thé\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin.csv is not valid utf-8 text: byte 0xf6 on line 1 .*'latin-1'"):
        read_csv(path)
    table = read_csv(path, encoding="latin-1")
    assert table.columns == ["höhe", "breite"] and table.labels == ["café", "thé"]
    with pytest.raises(ValueError, match="unknown text encoding 'klingon'"):
        read_csv(path, encoding="klingon")


@pytest.mark.parametrize("data, what", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "it is a PNG image"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "it is a JPEG image"),
    (b"PK\x03\x04\x14\x00", "it is a ZIP archive"),
    (b"a,b\x00,c\n", "binary data"),
])
def test_binary_files_are_refused_naming_the_file(tmp_path, data, what):
    path = tmp_path / "picture.png"
    path.write_bytes(data)
    with pytest.raises(ValueError, match=f"picture.png is not a CSV .*{what}"):
        read_csv(path)


def test_folder_is_refused(tmp_path):
    with pytest.raises(IsADirectoryError, match="is a folder, not a CSV file"):
        read_csv(tmp_path)


def test_unknown_label_column_lists_the_columns(tmp_path):
    with pytest.raises(ValueError, match="no column named 'label'; its columns are: a, b, y"):
        read_csv(write(tmp_path, "a,b,y\n1,2,3\n"), label_column="label")
    with pytest.raises(ValueError, match="label column 5 is out of range"):
        read_csv(write(tmp_path, "a,b,y\n1,2,3\n"), label_column="5")


def test_missing_file():
    with pytest.raises(FileNotFoundError, match="CSV file not found: nope.csv"):
        read_csv("nope.csv")


def test_class_names_sort_numbers_numerically():
    assert class_names(["10", "9", "2", "9"]) == ["2", "9", "10"]
    assert class_names(["b", "a", "c"]) == ["a", "b", "c"]


def test_encode_labels_accepts_equal_numbers_and_rejects_unknown():
    np.testing.assert_array_equal(encode_labels(["1.0", "0", "2"], ["0", "1", "2"]), [1, 0, 2])
    with pytest.raises(ValueError, match="label 'bird' \\(data row 2\\) is not one of the model's classes: cat, dog"):
        encode_labels(["cat", "bird"], ["cat", "dog"], source="t.csv")


def test_read_features_by_header_name_ignores_other_columns(tmp_path):
    path = write(tmp_path, "y,b,a,extra\ncat,2,1,9\ndog,4,3,9\n")
    np.testing.assert_array_equal(read_features(path, ["a", "b"], "y"), [[1, 2], [3, 4]])


def test_read_features_without_header(tmp_path):
    np.testing.assert_array_equal(read_features(write(tmp_path, "1,2\n3,4\n"), ["col0", "col1"]), [[1, 2], [3, 4]])
    # one more column than the model takes: the training file's label column is dropped
    path = write(tmp_path, "1,2,cat\n3,4,dog\n", "labelled.csv")
    np.testing.assert_array_equal(read_features(path, ["col0", "col1"], "col2"), [[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="has 3 values per row; the model takes 2"):
        read_features(path, ["col0", "col1"], None)


def test_read_features_missing_named_column(tmp_path):
    with pytest.raises(ValueError, match="lacks the model's feature column\\(s\\) 'c'"):
        read_features(write(tmp_path, "a,b,y\n1,2,3\n"), ["a", "c"], "y")


def test_devices_and_huge_files_are_refused_before_reading(tmp_path, monkeypatch):
    import os

    if os.path.exists("/dev/zero"):
        with pytest.raises(ValueError, match="/dev/zero is not a regular file"):
            read_csv("/dev/zero")
    import zeronn.data.csv as csv_module

    monkeypatch.setattr(csv_module, "MAX_CSV_BYTES", 10)
    path = write(tmp_path, "a,b,y\n1,2,p\n3,4,q\n")
    with pytest.raises(ValueError, match="read_csv reads files of at most 0 MB"):
        read_csv(path)
