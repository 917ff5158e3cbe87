"""Big-O claims: the terms inside the final ``O(...)`` for each resource.

Every ``O(...)`` / ``\\mathcal{O}(...)`` in the attempt is a candidate; its resource is the last
resource word before it (time: time, compute, computational, cost, FLOPs; memory: memory,
space, storage, access, IO). For a part whose key lists ``time``/``space`` references, one claim
per resource found; otherwise one claim, the final stated bound. Normalized: ``str`` of the
sympy expression of the terms inside ``O( )``, not expanded (``N**2*(D + M)``); read it back
with :func:`tractor.extract.latex.load_expression`. ``detail`` carries ``resource=time|memory``.
"""

from __future__ import annotations

import bisect
import re

from .candidates import RANK_NAMES, Candidate, balanced, best, math_candidates, pdf_superscripts, plain_lines
from .latex import to_normalized

_O_OPEN = re.compile(r"(?:\\mathcal\s*\{\s*O\s*\}|(?<![A-Za-z\\])O)\s*(?:\\left|\\big|\\Big|\\bigg)?\s*(?=\()")
_RESOURCE = re.compile(r"(?i)(memory|space|storage|access|\bIO\b|bandwidth)|(time|comput\w*|cost|flops?\b|operations)")
_CUT_WORD_CHARS = 16  # longer than any fixed-length word of _RESOURCE


def bounds(latex: str) -> list[tuple[int, str]]:
    """``(offset, inner)`` of every O(...) in ``latex``."""
    out = []
    for m in _O_OPEN.finditer(latex):
        group = balanced(latex, m.end())
        if group:
            inner = re.sub(r"\\right\s*$", "", group[1:-1]).strip()
            out.append((m.start(), inner))
    return out


def _resource_finder(text: str):
    """The resource named last before a position ("memory", "time" or ""), for many positions
    of one text: one scan of the whole text, then a binary
    search per position. A match that ends before ``pos`` reads the same in ``text[:pos]``; only
    the last few characters before ``pos`` (a word cut at ``pos``, where ``\b`` differs) are
    scanned again, so the answer equals a scan of ``text[:pos]``."""
    matches = list(_RESOURCE.finditer(text))
    ends = [m.end() for m in matches]

    def at(pos: int) -> str:
        i = bisect.bisect_left(ends, pos)  # matches[:i] end before pos
        last = matches[i - 1] if i else None
        tail = max(last.end() if last else 0, pos - _CUT_WORD_CHARS)
        if i < len(matches) and matches[i].start() < tail:
            tail = max(last.end() if last else 0, matches[i].start())
        for m in _RESOURCE.finditer(text, tail, pos):
            last = m
        return "" if last is None else "memory" if last[1] else "time"

    return at


def candidates(text: str, pdf: bool = False) -> list[tuple[Candidate, str]]:
    text = pdf_superscripts(text) if pdf else text
    resource_at_pos, out = _resource_finder(text), []
    for cand in math_candidates(text) + plain_lines(text):
        anchor = text.find(cand.text[:40], int(cand.pos)) if cand.text else -1
        anchor = anchor if anchor >= 0 else int(cand.pos)
        for offset, inner in bounds(cand.text):
            pos = anchor + offset
            out.append((Candidate(f"O({inner})", cand.rank, cand.pos + offset / 10_000, cand.line, inner), resource_at_pos(pos)))
    return out


def _first_on_line(text: str, pick: Candidate, cands: list[Candidate]) -> Candidate:
    """On the winning line the first bound is the answer; later ones restate or comment on it
    ("$O(b d^2 + b n d / h)$ (or note that cache access is $O(b n d / h)$)")."""
    line = text.count("\n", 0, int(pick.pos))
    same = [c for c in cands if c.rank == pick.rank and text.count("\n", 0, int(c.pos)) == line]
    return min(same, key=lambda c: c.pos)


def extract(text: str, part, pdf: bool = False) -> list[tuple[str, str, list[str]]]:
    found = candidates(text, pdf)
    text = pdf_superscripts(text) if pdf else text
    per_resource = part is not None and ("time" in part.extra or "space" in part.extra)
    picks = []
    if per_resource:
        for resource in ("time", "memory"):
            pool = [c for c, r in found if r == resource]
            if pick := best(pool):
                picks.append((_first_on_line(text, pick, pool), resource))
    if not picks:
        pool = [c for c, _ in found]
        if pick := best(pool):
            pick = _first_on_line(text, pick, pool)
            picks.append((pick, dict((id(c), r) for c, r in found)[id(pick)]))
    out = []
    for pick, resource in picks:
        normalized, reason = to_normalized(pick.value)
        tags = [f"source={RANK_NAMES[pick.rank]}"] + ([f"resource={resource}"] if resource else [])
        out.append((pick.text, normalized, tags + ([f"unparsed: {reason}"] if reason else [])))
    return out
