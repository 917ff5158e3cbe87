"""Scoring a table of claims with true verdicts through :func:`~tractor.verify.check_claim`.

Two row shapes: homework rows (``homework``, ``part``, ``claim``, ``expected`` correct or
incorrect: the notation zoo) and referee rows (``gold``, ``pred``, ``expected`` 1 or 0, ``scope``:
Math-Verify's table), the latter judged against ``gold`` as a reference. The figures are the
ones that matter for trust: false incorrect (a right answer called wrong, counted on every
row), false correct, and on the rows in scope the agreement and the unverified share. A row whose
text cannot decide (``lossy`` PDF rows, ``spoken`` rows) agrees when unverified too.
Duplicate rows (``duplicate_of``) are skipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Row:
    id: str
    text: str
    truth: str  # "correct" or "incorrect"
    loose: bool  # the text alone cannot decide: unverified agrees
    scope: str
    kwargs: dict = field(hash=False, compare=False)


@dataclass
class TableScore:
    rows: int = 0
    false_incorrect: list[str] = field(default_factory=list)
    false_correct: list[str] = field(default_factory=list)
    in_scope: int = 0
    agree: int = 0
    unverified: int = 0


def read_rows(path: Path) -> list[Row]:
    """The table's rows (duplicates dropped), each with what to check it against."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        if raw.get("duplicate_of"):
            continue
        if "gold" in raw:
            out.append(Row(raw["id"], raw["pred"], "correct" if int(raw["expected"]) == 1 else "incorrect",
                           False, raw.get("scope", ""), {"reference": raw["gold"]}))
        else:
            loose = bool(raw.get("lossy")) or "spoken" in str(raw.get("style", "")).split("+")
            out.append(Row(raw["id"], raw["claim"], raw["expected"], loose, raw.get("part", ""),
                           {"homework": raw.get("homework"), "part": raw["part"]}))
    return out


def verdict(row: Row) -> str:
    from . import check_claim

    return check_claim(row.text, **row.kwargs).verdict


def agrees(row: Row, got: str) -> bool:
    return got == row.truth or (row.loose and got == "unverified")


def score(rows: list[Row], verdicts: list[str], scope: set[str] | None = None) -> TableScore:
    result = TableScore(rows=len(rows))
    for row, got in zip(rows, verdicts):
        if row.truth == "correct" and got == "incorrect":
            result.false_incorrect.append(row.id)
        if row.truth == "incorrect" and got == "correct":
            result.false_correct.append(row.id)
        if scope is None or row.scope in scope:
            result.in_scope += 1
            result.agree += agrees(row, got)
            result.unverified += got not in ("correct", "incorrect") and not row.loose
    return result


def format_score(name: str, s: TableScore) -> str:
    share = lambda n: f"{n}/{s.in_scope} ({n / max(s.in_scope, 1):.0%})"  # noqa: E731
    return (f"{name}: {s.rows} rows, false incorrect {len(s.false_incorrect)}, false correct "
            f"{len(s.false_correct)}; in scope: agree {share(s.agree)}, unverified {share(s.unverified)}")
