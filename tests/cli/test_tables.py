"""Text tables."""

from zeronn.cli.tables import format_table


def test_alignment_and_floats():
    text = format_table(["name", "value"], [["a", 0.5], ["longer", 12]], align_right=[False, True])
    assert text.splitlines() == [
        "name     value",
        "------  ------",
        "a       0.5000",
        "longer      12",
    ]
