"""Big-O claims: the terms inside the final ``O(...)`` for each resource.

Every ``O(...)`` / ``\\mathcal{O}(...)`` in the attempt is a candidate; its resource is the last
resource word before it (time: time, compute, computational, cost, FLOPs; memory: memory,
space, storage, access, IO) — in a table cell that names none, its column's header ("Operation |
Time | Space" rows put the space bound after the word "time"). For a part whose key lists ``time``/``space`` references, one claim
per resource found; otherwise one claim, the final stated bound. Normalized: ``str`` of the
sympy expression of the terms inside ``O( )``, not expanded (``N**2*(D + M)``); read it back
with :func:`tractor.notation.latex.load_expression`. The claim's ``tags`` carry ``resource=time|memory``.
A part that asks about one resource says so in its key (``resource = "time"``): bounds that name
the other one ("the saving is in memory, O(...)") are not its answer.

Which bound is the answer follows the candidates' ranks and roles (the conclusion after "so",
not the steps before it; not an aside in parentheses or after "vs"), the last among equals.
``Θ(...)`` states the same bound as ``O(...)``; ``O(A) + O(B)`` is ``O(A + B)``. Inside a bound
a digit glued to a letter is a flattened exponent when the bound writes no exponent at all
(``O(N2D)`` is ``O(N^2 D)``: a coefficient is never written after its variable), and a run of
letters that are each a size of the part's vocabulary (key ``symbols``) is their product
(``bnd h^{-1}`` is ``b n d h^{-1}``).
"""

from __future__ import annotations

import bisect
import re

from ..notation.latex import balanced, to_normalized
from .candidates import (ANSWER, RANK_NAMES, Candidate, math_candidates, pdf_superscripts, plain_lines, ranked,
                         role_at)

_O_OPEN = re.compile(r"(?:\\(?:mathcal|mathrm|operatorname|mathit)\s*\{\s*O\s*\}|\\mathcal\s+O|𝒪|\\Theta|Θ"
                     r"|(?<![A-Za-z\\])O)(?:\s|\\[!,;:])*(?:\\left|\\big|\\Big|\\bigg)?\s*(?=\()")
# "\times" and "N times D" are products, not the resource
_RESOURCE = re.compile(r"(?i)(memory|space|stor(?:age|ing|e|es|ed)\b|access|\bIO\b|bandwidth)"
                       r"|((?<!\\)\b(?:run)?time\b|comput\w*|cost|flops?\b|operations)")
_PLUS_BETWEEN = re.compile(r"\s*\+\s*$")
_FLAT_EXPONENT = re.compile(r"(?<=[A-Za-z)])(?<!\\log)(?<!_)(\d)(?![\d.,])")
_FUNCTION = re.compile(r"(?<![\\A-Za-z])(max|min|log)\s*\(|\\(max|min|log)\s*\\\{")
_PRODUCT_SIGN = re.compile(r"\\cdot(?![A-Za-z])|\\times(?![A-Za-z])|[·⋅×]|(?<!\*)\*(?!\*)")
_LETTER_RUN = re.compile(r"(?<![\\A-Za-z_])[A-Za-z]{2,}(?![A-Za-z_(])")
_CUT_WORD_CHARS = 16  # longer than any fixed-length word of _RESOURCE


def bounds(latex: str) -> list[tuple[int, str]]:
    """``(offset, inner)`` of every O(...) in ``latex``; ``O(A) + O(B)`` is one bound ``A + B``."""
    out: list[tuple[int, int, str]] = []
    for m in _O_OPEN.finditer(latex):
        group = balanced(latex, m.end())
        if group:
            inner = re.sub(r"\\right\s*$", "", group[1:-1]).strip()
            end = m.end() + len(group)
            if out and _PLUS_BETWEEN.fullmatch(latex[out[-1][1]:m.start()]):
                out[-1] = (out[-1][0], end, f"{out[-1][2]} + {inner}")
            else:
                out.append((m.start(), end, inner))
    return [(start, inner) for start, _, inner in out]


def vocabulary(part) -> set[str]:
    """The size names a part's bounds may use: its key's ``symbols``, aliases and substituted
    names; empty when the key declares none."""
    if part is None or "symbols" not in part.extra:
        return set()
    return (set(part.extra["symbols"]) | set(part.extra.get("aliases", {}))
            | set(part.extra.get("substitutions", {})))


def unglue(inner: str, sizes: set[str] = frozenset()) -> str:
    """Read a bound's notation: products (``b \\cdot d``, ``N · D``, ``N * D``) as plain
    juxtaposition, code's powers (``N**2``) as ``^``,
    flattened exponents (``N2D`` -> ``N^2D``, only in a bound
    that writes no exponent) and runs of size letters (``bnd`` -> ``b n d``, only letters that
    are each a size of ``sizes``)."""
    inner = _PRODUCT_SIGN.sub(" ", inner.replace("**", "^"))  # code's power; a dot or a cross is a product
    inner = _FUNCTION.sub(lambda m: f"\\{m[1] or m[2]}(", inner)  # "max(D, M)", "\\max\\{D, M\\}" -> "\\max(D, M)"
    inner = re.sub(r"\\(max|min)\s*\(((?:[^{}()]|\([^()]*\))*?)\\\}", r"\\\1(\2)", inner)
    if "^" not in inner and not re.search("[²³⁴]", inner):
        inner = _FLAT_EXPONENT.sub(r"^\1", inner)
    if sizes:
        inner = _LETTER_RUN.sub(lambda m: " ".join(m[0]) if m[0] not in sizes and set(m[0]) <= sizes else m[0], inner)
    return inner


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


_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")


def _cells(line: str) -> list[str] | None:
    """A table row's cells: tab-separated (a PDF's table) or a markdown ``| a | b |`` row."""
    if "\t" in line:
        return line.split("\t")
    if line.lstrip().startswith("|") and line.count("|") >= 3:
        return line.strip().strip("|").split("|")
    return None


def _lines_before(text: str, start: int):
    """The lines before the line starting at ``start``, nearest first, read lazily: a table's
    header is a few lines up, and splitting the whole text for each bound repeated that work."""
    end = start - 1
    while end >= 0:
        begin = text.rfind("\n", 0, end) + 1
        yield text[begin:end]
        end = begin - 1


def _column_resource(text: str, pos: int) -> str | None:
    """The resource named by the header of the table column ``pos`` sits in, when ``pos`` is in
    a table cell that names no resource before it; None outside tables, in a header, in a row
    whose cell count differs from the header's, or when the header names none or both."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos) % (len(text) + 1)
    cells = _cells(text[start:end])
    if cells is None:
        return None
    sep = "\t" if "\t" in text[start:end] else "|"
    column = text[start:pos].lstrip().lstrip("|").count(sep)
    before = text[start:pos].split(sep)[-1]
    if _RESOURCE.search(before):
        return None  # the cell names its own resource ("Time: O(n^2 D), Space: ...")
    header = None
    for line in _lines_before(text, start):
        if not line.strip():
            continue  # a PDF's table rows come apart by blank lines
        row = _cells(line)
        if row is None or ("\t" in line) != (sep == "\t"):
            break
        if not _TABLE_RULE.match(line):
            header = row
    if header is None or len(header) != len(cells) or column >= len(header):
        return None
    named = {("memory" if m[1] else "time") for m in _RESOURCE.finditer(header[column])}
    return named.pop() if len(named) == 1 else None


def _resource_column_cells(text: str) -> list[tuple[int, str, str]]:
    """``(offset, cell, resource)`` of table cells after a row's answer cell whose column header
    names a resource: a "Step | Time | Space" table answers in every such column, while the
    generic reading of a table (:func:`~tractor.extract.candidates.plain_lines`) takes only
    the first cell after the label."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        cells = _cells(m[0])
        if cells is None or len(cells) < 3 or _TABLE_RULE.match(m[0]):
            continue
        offset = m.start() + m[0].find(cells[0]) + len(cells[0]) + 1
        offset += len(cells[1]) + 1  # the first cell after the label is already a candidate
        for cell in cells[2:]:
            resource = _column_resource(text, offset + len(cell) - len(cell.lstrip()))
            if resource and "O" in cell:
                out.append((offset, cell, resource))
            offset += len(cell) + 1
    return out


def candidates(text: str, pdf: bool = False) -> list[tuple[Candidate, str]]:
    text = pdf_superscripts(text) if pdf else text
    last_named, out = _resource_finder(text), []

    def resource_at_pos(pos: int) -> str:
        column = _column_resource(text, pos)
        return column if column is not None else last_named(pos)

    for offset, cell, resource in _resource_column_cells(text):
        for inner_offset, inner in bounds(cell):
            pos = offset + inner_offset
            out.append((Candidate(f"O({inner})", ANSWER, pos, text[offset:offset + len(cell)], inner), resource))

    for cand in math_candidates(text) + plain_lines(text):
        anchor = text.find(cand.text[:40], int(cand.pos)) if cand.text else -1
        anchor = anchor if anchor >= 0 else int(cand.pos)
        found = bounds(cand.text)
        for i, (offset, inner) in enumerate(found):
            pos = anchor + offset
            role = _role(text, pos, anchor + found[i - 1][0] if i else None, cand)
            out.append((Candidate(f"O({inner})", cand.rank, cand.pos + offset / 10_000, cand.line, inner, role),
                        resource_at_pos(pos)))
    return out


def _role(text: str, pos: int, prev: int | None, cand: Candidate) -> int:
    """A bound's role: its math segment's role for the segment's first bound; for bounds in
    plain text and later bounds of one segment, the role of its place in the line, read from
    the end of the bound before it (``prev``, its start)."""
    if prev is None and cand.rank != 0 and text[int(cand.pos):int(cand.pos) + 1] in "$\\":
        return cand.role
    prev_end = None
    if prev is not None and (opening := text.find("(", prev)) >= 0:
        prev_end = opening + len(balanced(text, opening) or "")
    return role_at(text, pos, prev_end)


def _parse(cand: Candidate, sizes: set[str]) -> tuple[str, str]:
    return to_normalized(unglue(cand.value, sizes))


def _names(normalized: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_]\w*", normalized)) - {"Max", "Min", "log", "sqrt"}


def _choose(pool: list[Candidate], sizes: set[str]) -> tuple[Candidate, str, str]:
    """The preferred bound. Only when it names none of the part's sizes at all (another
    question's bound, "O(L^2)") does an equally strong one (same rank and role) that uses the
    part's sizes take its place; a bound that mixes in a stray name ("O(N^2 x)") is a misread of
    this answer and stays (the check leaves it unverified), and a step or an aside is never
    taken in place of the answer."""
    order = ranked(pool)
    top = order[0]
    normalized, reason = _parse(top, sizes)
    if not sizes or not normalized or _names(normalized) & sizes:
        return top, normalized, reason
    for cand in order[1:]:
        if (cand.rank, cand.role) != (top.rank, top.role):
            break
        other, why = _parse(cand, sizes)
        if other and _names(other) <= sizes:
            return cand, other, why
    return top, normalized, reason


def extract(text: str, part, pdf: bool = False) -> list[tuple[str, str, list[str]]]:
    found = candidates(text, pdf)
    sizes = vocabulary(part)
    asked = part.extra.get("resource", "") if part is not None else ""
    if asked:  # a bound that names the other resource does not answer this part
        found = [(c, r or asked) for c, r in found if r in ("", asked)]
    per_resource = part is not None and ("time" in part.extra or "space" in part.extra)
    picks = []
    if per_resource:
        for resource in ("time", "memory"):
            pool = [c for c, r in found if r == resource]
            if pool:
                picks.append((*_choose(pool, sizes), resource))
    if not picks and found:
        pick, normalized, reason = _choose([c for c, _ in found], sizes)
        picks.append((pick, normalized, reason, dict((id(c), r) for c, r in found)[id(pick)]))
    out = []
    for pick, normalized, reason, resource in picks:
        tags = [f"source={RANK_NAMES[pick.rank]}"] + ([f"resource={resource}"] if resource else [])
        out.append((pick.text, normalized, tags + ([f"unparsed: {reason}"] if reason else [])))
    return out
