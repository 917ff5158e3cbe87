"""Terminal tables: within the width, nothing cut, a multi-line cell kept inside its row."""

import re

import pytest

from tractor.terminal import table

CODE = "def attention(q, k, v):\n    scores = q @ k.T / math.sqrt(d)\n    return softmax(scores) @ v"
LONG = ("The claim could not be parsed as an expression: unexpected token '\\\\' at position 14 in "
        "s = \\frac{1}{\\sqrt{d}} \\cdot \\text{something}")


# Each row: header, rows, width. Every line fits; every word of every cell is still there, in order.
@pytest.mark.parametrize("header, rows, width", [
    (("part", "claim", "detail"), [("1c", LONG, LONG)], 80),  # two long cells share the width
    (("part", "claim", "detail"), [("1c", LONG, LONG)], 200),  # a wide terminal: nothing wrapped
    (("part", "answer"), [("3b", CODE)], 40),  # a multi-line code answer
    (("status", "homework", "part", "answer", "detail"), [("ok", "hw09", "6b.i", CODE, LONG)] * 3, 100),
    (("a", "b"), [("x" * 150, "y")], 60),  # one unbroken word longer than the width
    (("part", "claim"), [("1c", "d"), ("10a", "")], 30),  # short and empty cells
])
def test_fits_and_keeps_everything(header, rows, width):
    text = table(header, rows, width)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width
    assert lines[0].split() == list(header)
    spans = [m.span() for m in re.finditer(r"-+", lines[1])]
    for column, (start, end) in enumerate(spans):
        shown = "".join(line[start:end + 1].replace(" ", "") for line in lines[2:])
        assert shown == "".join(row[column].replace(" ", "").replace("\n", "") for row in rows)


# A row's first line starts in the first column; its continuation lines leave it blank, so a
# multi-line cell never looks like a row of its own.
def test_continuation_lines_leave_first_column_blank():
    lines = table(("status", "answer"), [("ok", CODE), ("FAIL", CODE)], 30).splitlines()[2:]
    starts = [line[:6].strip() for line in lines]
    assert [s for s in starts if s] == ["ok", "FAIL"]
    assert len(lines) > 2


# In a wide terminal a table is as wide as its content needs, no wider.
def test_no_wrapping_when_it_fits():
    assert table(("part", "claim"), [("1c", LONG)], 300).splitlines()[2] == f"1c    {LONG}"
