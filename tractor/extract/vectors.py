"""Vector and matrix claims: ``\\begin{bmatrix}``/``pmatrix``/``array`` environments, bracket
lists ``[1, 4, 3]`` / ``(1, 4, 3)``, and column vectors a PDF splits over lines (one number per
line). Normalized: a JSON list of numbers (ints when integral), a list of rows for a matrix;
entries that are not numbers are sympy ``str`` strings. Vectors whose entries are equations
("s_i = q \\cdot k_i") are explanation, not answers, and are skipped.
"""

from __future__ import annotations

import json
import re

from .candidates import RANK_NAMES, TEXT, Candidate, best, math_candidates, plain_lines
from .latex import to_normalized

_ENV = re.compile(r"\\begin\{(?:[bpvBV]?matrix|array)\}(?:\{[^{}]*\})?(.*?)\\end\{(?:[bpvBV]?matrix|array)\}", re.S)
_LIST = re.compile(r"[\[(]\s*(-?\d+(?:\.\d+)?(?:\s*,\s*-?\d+(?:\.\d+)?)+)\s*[\])]")
_NUMBER_LINE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*$")
_LABELLED_NUMBER = re.compile(r"^\s*[A-Za-z][\w ]{0,30}=\s*(-?\d+(?:\.\d+)?)\s*$")


def _entry(raw: str):
    raw = raw.strip().strip("{}").strip()
    try:
        value = float(raw)
        return int(value) if value.is_integer() else value
    except ValueError:
        normalized, _ = to_normalized(raw)
        return normalized or raw


def parse_matrix_body(body: str):
    """Rows split on ``\\\\`` (or a chat export's ``\\backslash`` / single ``\\`` between numbers),
    columns on ``&``; a single column or a single row becomes a flat list."""
    body = body.replace(r"\backslash", r"\\")
    body = re.sub(r"(?<=\d)\s*\\(?=\s*-?\d)", r"\\\\", body)
    rows = [r for r in re.split(r"\\\\", body) if r.strip()]
    table = [[_entry(c) for c in row.split("&")] for row in rows]
    if all(len(r) == 1 for r in table):
        return [r[0] for r in table]
    return table[0] if len(table) == 1 else table


def candidates(text: str) -> list[Candidate]:
    out = []
    for cand in math_candidates(text):
        for m in _ENV.finditer(cand.text):
            if "=" in m[1] or "," in m[1]:
                continue
            out.append(Candidate(m[0], cand.rank, cand.pos + m.start() / 10_000, cand.line, json.dumps(parse_matrix_body(m[1]))))
    for cand in math_candidates(text) + plain_lines(text):
        for m in _LIST.finditer(cand.text):
            values = [_entry(v) for v in m[1].split(",")]
            out.append(Candidate(m[0], cand.rank, cand.pos + m.start() / 10_000, cand.line, json.dumps(values)))
    return out + column_vectors(text)


def column_vectors(text: str) -> list[Candidate]:
    """PDF column vectors: consecutive one-number lines. A printed ``Output = (1, 4, 3)^T``
    column puts its left side on the middle row ("1" / "Output = 4" / "3"), so one labelled
    line is part of the column when it sits in the middle of it."""
    lines = text.splitlines()
    out, run, labelled = [], [], []
    for i, line in enumerate(lines + [""]):
        if m := (_NUMBER_LINE.match(line) or _LABELLED_NUMBER.match(line)):
            run.append(m[1])
            labelled.append(m.re is _LABELLED_NUMBER)
            continue
        labels = [j for j, is_label in enumerate(labelled) if is_label]
        middle = {(len(run) - 1) // 2, len(run) // 2}
        if len(run) >= 2 + len(labels) and len(labels) <= 1 and set(labels) <= middle:
            pos = len("\n".join(lines[:i]))
            out.append(Candidate("\n".join(lines[i - len(run):i]), TEXT, pos, "", json.dumps([_entry(v) for v in run])))
        run, labelled = [], []
    return out


def extract(text: str, part) -> list[tuple[str, str, list[str]]]:
    pick = best(candidates(text))
    return [(pick.text, pick.value, [f"source={RANK_NAMES[pick.rank]}"])] if pick else []
