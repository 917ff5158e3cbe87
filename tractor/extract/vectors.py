"""Vector and matrix claims: ``\\begin{bmatrix}``/``pmatrix``/``array`` environments, bracket
lists ``[1, 4, 3]`` / ``(1, 4, 3)``, and column vectors a PDF splits over lines (one number per
line). Normalized: a JSON list of numbers (ints when integral), a list of rows for a matrix;
entries that are not numbers are sympy ``str`` strings. Vectors whose entries are equations
("s_i = q \\cdot k_i") are explanation, not answers, and are skipped.

A list may separate its entries by spaces (``[1 4 3]^T``) or spacing macros (``(1,\\,4,\\,3)``).
A part may name given vectors in its key (``vector_names = { v = "values" }``): ``v_2`` /
``\\mathbf{v}_2`` then reads as the second row of ``values``. Numbers stated as the answer without brackets
("Output: 1, 4, 3"; "The output is 11.", a vector of length one) are read when nothing else is.

The shape must fit: a candidate whose length differs from the key's answer is a step (the
query, the list of scores), so another candidate of the right length wins. When none fits, the
best one is kept as the claim only if it is the attempt's sole candidate and stated as the
answer ("The output is [0, 1, 0, 0]."); otherwise the claim is unparsed, with the reason.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

from ..notation.latex import to_normalized
from .candidates import ASIDE, BOXED, RANK_NAMES, TEXT, Candidate, math_candidates, plain_lines, ranked, role_at

_GIVEN_REACH = 3  # words
_SPACING = re.compile(r"\\[,;:! ]|\\q?quad(?![A-Za-z])|~|\\(?:left|right|big|Big|bigg|Bigg)(?=[\[\]()])")
_ENV = re.compile(r"\\begin\{(?:[bpvBV]?matrix|array)\}(?:\{[^{}]*\})?(.*?)\\end\{(?:[bpvBV]?matrix|array)\}", re.S)
_LIST = re.compile(r"[\[(]\s*(-?\d+(?:\.\d+)?(?:\s*,\s*-?\d+(?:\.\d+)?)+)\s*[\])]"
                   r"|\[\s*(-?\d+(?:\.\d+)?(?:\s+-?\d+(?:\.\d+)?)+)\s*\]")
# "The output is 11." / "Answer: $11$": a number stated as the answer, nothing after it
_STATED_NUMBER = re.compile(r"(?i)\b(?:output|answer|result)\b\s*(?:is|=|:)\s*[*_$]*\s*"
                            r"(-?\d+(?:\.\d+)?(?:\s*,\s*-?\d+(?:\.\d+)?)*)\s*[*_$]*\s*[.;]?\s*$")
# what comes right before a candidate stated as the part's answer: "Output:", "the output is"
_STATED = re.compile(r"(?i)\b(?:output|answer|result)\b[^.,;()]{0,20}?(?:\bis\b|=|:)\s*[*_$`]*\s*(?:\\\(|\\\[|\\boxed\{)?\s*$")
_LABELLED_LEAD = re.compile(r"(?i)\b(?:output|answer|result)\b[^\n]{0,20}?(?:\bis\b|=|:)")
_NAMED = r"(?:\\mathbf\{|\\boldsymbol\{|\\vec\{)?(NAMES)\}?_\{?(\d+)\}?"
# a PDF column's row, with the brackets the print draws around it ("⎡1⎤", "[1", "3)")
_NUMBER_LINE = re.compile(r"^\s*[\[(⎡⎢⎣⎛⎜⎝]?\s*(-?\d+(?:\.\d+)?)\s*[\])⎤⎥⎦⎞⎟⎠]?\s*$")
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


def candidates(text: str, part=None) -> list[Candidate]:
    out = []
    maths = math_candidates(text)
    for cand in maths:
        for m in _ENV.finditer(cand.text):
            if "=" in m[1] or "," in m[1]:
                continue
            out.append(Candidate(m[0], cand.rank, cand.pos + m.start() / 10_000, cand.line,
                                 json.dumps(parse_matrix_body(m[1])), cand.role))
    lines = plain_lines(text)
    for cand in maths + lines:
        spaced = _SPACING.sub(lambda m: " " * len(m[0]), cand.text)
        prev_end = None
        for m in _LIST.finditer(spaced):
            values = [_entry(v) for v in re.split(r"[\s,]+", (m[1] or m[2]).strip())]
            role = cand.role if cand in maths else role_at(text, int(cand.pos) + m.start(), prev_end)
            prev_end = int(cand.pos) + m.end()
            out.append(Candidate(m[0], cand.rank, cand.pos + m.start() / 10_000, cand.line, json.dumps(values), role))
    out += _named(maths, part)
    givens = _given_words(part)
    if givens:
        out = [_as_given(text, c, givens) for c in out]
    columns = column_vectors(text)
    if not out and not columns:
        out = [Candidate(m[0], c.rank, c.pos, c.line, json.dumps([_entry(v) for v in m[1].split(",")]), c.role)
               for c in lines if (m := _STATED_NUMBER.search(c.text))]
    return out + columns


def _given_words(part) -> re.Pattern | None:
    """The names of the part's given data (key fields holding lists, e.g. ``query``, ``keys``),
    singular and plural, except those an answer is named from (``vector_names``)."""
    if part is None:
        return None
    sources = set(dict(part.extra.get("vector_names", {})).values())
    words = {w for k, v in part.extra.items() if isinstance(v, list) and v and k not in sources
             for w in (k.rstrip("s"), k.rstrip("s") + "s", k.rstrip("s") + "es")}
    return re.compile(rf"(?i)\b(?:{'|'.join(sorted(words))})\b") if words else None


def _as_given(text: str, cand: Candidate, givens: re.Pattern) -> Candidate:
    """A candidate that the words just before it call one of the part's givens ("for the query
    $(1, 1, 2)$") is an aside: the data, not the answer."""
    start = int(cand.pos)
    before = text[text.rfind("\n", 0, start) + 1:start]
    near = " ".join(re.sub(r"[$`*_=:]", " ", before).split()[-_GIVEN_REACH:])
    return replace(cand, role=ASIDE) if givens.search(near) else cand


def _named(maths: list[Candidate], part) -> list[Candidate]:
    """Math that is only the name of a vector the part gives (``v_2``, ``\\mathbf{v}_2``): the
    key's ``vector_names`` map a letter to a list of vectors, numbered from 1."""
    names = dict(part.extra.get("vector_names", {})) if part is not None else {}
    if not names:
        return []
    pattern = re.compile(_NAMED.replace("NAMES", "|".join(map(re.escape, names))))
    out = []
    for cand in maths:
        m = pattern.fullmatch(cand.text.strip())
        given = part.extra.get(names[m[1]], []) if m else []
        if m and 1 <= int(m[2]) <= len(given):
            out.append(Candidate(cand.text, cand.rank, cand.pos, cand.line, json.dumps(given[int(m[2]) - 1]), cand.role))
    return out


def column_vectors(text: str) -> list[Candidate]:
    """PDF column vectors: consecutive one-number lines, with or without the brackets the print
    draws around them. A printed ``Output = (1, 4, 3)^T`` column puts its left side on the
    middle row ("1" / "Output = 4" / "3") or the first, so one labelled line is part of the
    column when it sits there."""
    lines = text.splitlines()
    out, run, labelled = [], [], []
    for i, line in enumerate(lines + [""]):
        if m := (_NUMBER_LINE.match(line) or _LABELLED_NUMBER.match(line)):
            run.append(m[1])
            labelled.append(m.re is _LABELLED_NUMBER)
            continue
        labels = [j for j, is_label in enumerate(labelled) if is_label]
        beside = {0, (len(run) - 1) // 2, len(run) // 2}  # printed beside the first or the middle row
        if len(run) >= 2 + len(labels) and len(labels) <= 1 and set(labels) <= beside:
            pos = len("\n".join(lines[:i]))
            out.append(Candidate("\n".join(lines[i - len(run):i]), TEXT, pos, "", json.dumps([_entry(v) for v in run])))
        run, labelled = [], []
    return out


def _length(value: str) -> int:
    parsed = json.loads(value)
    return sum(len(r) if isinstance(r, list) else 1 for r in parsed) if isinstance(parsed, list) else 1


def _reference_length(part) -> int | None:
    try:
        return _length(part.reference) if part is not None else None
    except (ValueError, TypeError):
        return None


def extract(text: str, part) -> list[tuple[str, str, list[str]]]:
    cands = ranked(candidates(text, part))
    if not cands:
        return []
    want = _reference_length(part)
    fitting = [c for c in cands if want is None or _length(c.value) == want]
    pick = fitting[0] if fitting else cands[0]
    tags = [f"source={RANK_NAMES[pick.rank]}"]
    if fitting:
        return [(pick.text, pick.value, tags)]
    values = {c.value for c in cands}
    before = text[text.rfind("\n", 0, int(pick.pos)) + 1:int(pick.pos)]
    stated = pick.rank == BOXED or _STATED.search(before) or _LABELLED_LEAD.search(pick.text)
    if len(values) == 1 and stated:
        return [(pick.text, pick.value, tags + [f"shape: length {_length(pick.value)}, the answer has {want}"])]
    return [(pick.text, "", tags + [f"unparsed: no vector of the answer's length {want} "
                                    f"(read {pick.value}: a step or a given, not the answer?)"])]
