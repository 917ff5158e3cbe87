"""The loaded dataset's groupings: part order and one verdict per attempt."""

import pytest

from tractor.dataset.view import attempt_verdict, part_sort_key


# Part ids sort by question, letter, then roman numeral value.
def test_part_order():
    parts = ["10a", "6b.iv", "3b", "6b.ii", "1c", "6b.i", "6b.v", "6b.ix"]
    assert sorted(parts, key=part_sort_key) == ["1c", "3b", "6b.i", "6b.ii", "6b.iv", "6b.v", "6b.ix", "10a"]


# An attempt of several claims: any incorrect claim decides it; correct only when all are.
@pytest.mark.parametrize("verdicts, expected", [
    (["correct", "correct"], "correct"),
    (["correct", "incorrect", "error"], "incorrect"),
    (["correct", "error"], "error"),
    (["correct", "unverified"], "unverified"),
])
def test_attempt_verdict(verdicts, expected):
    assert attempt_verdict([{"verdict": v} for v in verdicts]) == expected
