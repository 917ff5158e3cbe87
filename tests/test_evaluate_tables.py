"""``tractor eval --table``: a claim table's figures, counted through the real ``check_claim``."""

import json

from tractor.evaluate import format_tables


def _write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_homework_table_figures(tmp_path):
    rows = [
        {"id": "a", "homework": "hw09", "part": "1c", "claim": r"$s = \sqrt{d}$", "expected": "correct"},
        {"id": "b", "homework": "hw09", "part": "1c", "claim": "$s = d^2$", "expected": "incorrect"},
        {"id": "c", "homework": "hw09", "part": "1c", "claim": "$s = d^2$", "expected": "correct"},    # false incorrect
        {"id": "d", "homework": "hw09", "part": "1c", "claim": r"$s = \sqrt{d}$", "expected": "incorrect"},  # false correct
        {"id": "e", "homework": "hw09", "part": "1c", "claim": "the square root of d", "expected": "correct",
         "style": "spoken"},                                                                             # agrees unverified
    ]
    out = format_tables([_write(tmp_path / "zoo.jsonl", rows)])
    assert out == ("zoo.jsonl: 5 rows, false incorrect 1, false correct 1; in scope: agree 3/5 (60%), "
                   "unverified 0/5 (0%)")


def test_referee_table_scored_on_its_scope(tmp_path):
    rows = [
        {"id": "r1", "gold": "11", "pred": "$x = 11$", "expected": 1, "scope": "equation"},
        {"id": "r2", "gold": "2", "pred": "$3$", "expected": 0, "scope": "expression"},
        {"id": "r3", "gold": "9", "pred": "nine", "expected": 1, "scope": "expression"},           # unverified
        {"id": "r4", "gold": "12", "pred": "twelve", "expected": 1, "scope": "out:text answer"},  # out of scope
        {"id": "r5", "gold": "12", "pred": "12", "expected": 1, "scope": "expression", "duplicate_of": "r9"},
    ]
    out = format_tables([_write(tmp_path / "referee.jsonl", rows)])
    assert out == ("referee.jsonl: 4 rows, false incorrect 0, false correct 0; in scope: agree 2/3 (67%), "
                   "unverified 1/3 (33%)")
