"""From segmented spans to claims, one kind-specific extractor per part kind.

An expression that is not scalar algebra (a matrix formula such as ``V' = phi(Q)^T S /
phi(Q)^T Z``) often names quantities the same answer defines next to it ("where S_j = phi(K_j)
V_j^T and z = phi(K_j)"): those definitions, as written, are appended to the claim after
", where " so the verifier can substitute them; the tag ``defined=S,z`` says which. A scalar
expression that uses a name outside its part's vocabulary (the key's ``symbols``) which the
answer sets ("(q^T k + c)^2 with c = 1") has the value substituted, tagged the same way.
"""

from __future__ import annotations

import re
from itertools import groupby

from ..answer_key import AnswerKey, declares
from ..records import Claim, Transcript
from ..homeworks.hw09 import choices, feature_maps  # moved to the registry next
from . import big_o, code, expressions, vectors
from .candidates import math_candidates, pdf_superscripts, plain_equations
from .parts import PartSpan, segment_parts

_DEFINED_NAME = re.compile(r"\s*([A-Za-z])(?:_\{?[a-z]\}?)?\s*")
_FONT = re.compile(r"\\(?:mathbf|boldsymbol|bm|mathrm|vec)\{([^{}]*)\}")  # \mathbf{S} = ... defines S
_BARE_LETTER = re.compile(r"(?<![A-Za-z\\_^])([A-Za-z])(?![A-Za-z_'′(])")
_SHAPE = re.compile(r"\\in(?![A-Za-z])|∈")
_ARGUMENT = re.compile(r"(?:\\[A-Za-z]+|[A-Za-zϕφ])\s*\(\s*([A-Z])(?![A-Za-z])")


def vocabulary(part) -> frozenset[str] | None:
    """The names a faithful reading of the part's answer may use (the key's ``symbols``), or
    None when the key declares none. ``mu_i`` stands for the family ``mu_1``, ``mu_j``, ..."""
    symbols = part.extra.get("symbols") if part is not None else None
    return frozenset(symbols) if symbols else None


def definitions(text: str, pdf: bool = False) -> dict[str, str]:
    """``name -> "S_j = ..."`` for each single letter the text defines by an equation
    (``S = \\sum_j ...``, ``Z_j = \\phi(K_j)``, ``c = 1``); the last definition of a name wins,
    a shape remark (``\\in \\mathbb{R}^{..}``) is dropped."""
    cands = math_candidates(text) or plain_equations(pdf_superscripts(text) if pdf else text)
    found = {}
    for cand in sorted(cands, key=lambda c: c.pos):
        members = expressions.split_relations(cand.text)
        if len(members) == 2 and (m := _DEFINED_NAME.fullmatch(_FONT.sub(r"\1", members[0]))):
            value = _SHAPE.split(members[1])[0].strip().rstrip(".,;")
            if value:
                found[m[1]] = f"{members[0].strip()} = {value}"
    return found


def expression_with_definitions(text: str, part, pdf: bool = False) -> list[tuple[str, str, list[str]]]:
    """:func:`expressions.extract`, with the abbreviations the picked formula uses resolved by
    the definitions the answer states. An abbreviation is a one-letter name outside the part's
    vocabulary (without one declared: a capital) used only as a bare factor: not the formula's
    own left side (``V`` of ``V' = ... V``) nor a function's argument (``Q`` of ``phi(Q)``),
    which are its inputs even when the answer also defines them (``Q = XW_Q``). An unparsed
    (matrix) formula gets the definitions appended; a parsed one the values substituted."""
    symbols = vocabulary(part)
    out = []
    for raw, normalized, tags in expressions.extract(text, part, pdf):
        if normalized:
            normalized, used = _substitute_defined(normalized, text, symbols, pdf)
            if not pdf and (_outside(normalized, symbols) or _GLUED_DIGIT.search(raw)):
                raw, normalized, tags = _flattened_reading(text, part, symbols) or (raw, normalized, tags)
        else:
            *lhs, rhs = expressions.split_relations(raw)
            inputs = set(_ARGUMENT.findall(rhs)) | set(re.findall(r"[A-Z]", "".join(lhs))[:1])
            known = definitions(text, pdf)
            used = [n for n in dict.fromkeys(_BARE_LETTER.findall(rhs))
                    if n in known and n not in inputs and _abbreviation(n, symbols)]
            if used:
                raw = f"{raw}, where " + ", ".join(known[n] for n in used)
        if used:
            tags = tags + [f"defined={','.join(used)}"]
        out.append((raw, normalized, tags))
    return out


# plain text with a digit glued to a letter or a bracket ("(qTk + 1)2", "d2"): typed like a print,
# whose superscripts lost their height; never a coefficient written after its factor
_GLUED_DIGIT = re.compile(r"(?<![\\$^_{])(?:[A-Za-z]|\))\d(?![\d.])")


def _outside(normalized: str, symbols: frozenset[str] | None) -> list[str]:
    """The names of a parsed expression outside the vocabulary (none without one)."""
    from ..notation.latex import load_expression

    if symbols is None:
        return []
    try:
        names = {str(s) for s in load_expression(normalized).free_symbols}
    except Exception:  # noqa: BLE001 - unreadable: the verifier reports it
        return []
    return sorted(n for n in names if not declares(symbols, n))


def _flattened_reading(text: str, part, symbols) -> tuple[str, str, list[str]] | None:
    """Plain text typed like a PDF print (``(qTk + 1)2``) reads literally as new names (``T``,
    ``q``, ``k``); read as flattened superscripts instead, but only where that reading stays
    inside the vocabulary."""
    for raw, normalized, tags in expressions.extract(text, part, pdf=True):
        if normalized and not _outside(normalized, symbols):
            return raw, normalized, tags + ["read=flattened-superscripts"]
    return None


def _abbreviation(name: str, symbols: frozenset[str] | None) -> bool:
    return name.isupper() if symbols is None else not declares(symbols, name)


def _substitute_defined(normalized: str, text: str, symbols: frozenset[str] | None,
                        pdf: bool) -> tuple[str, list[str]]:
    """Names outside the vocabulary that the answer sets to a value ("c = 1") replaced by it;
    without a declared vocabulary nothing is replaced (``d = 64`` after ``s = \\sqrt{d}`` is an
    instance, not a definition)."""
    import sympy

    from ..notation.latex import load_expression, to_normalized

    if symbols is None:
        return normalized, []
    try:
        expr = load_expression(normalized)
    except Exception:  # noqa: BLE001 - an unreadable form stays as it is, for the verifier to report
        return normalized, []
    outside = [str(s) for s in expr.free_symbols if not declares(symbols, str(s))]
    if not outside:
        return normalized, []
    known, values = definitions(text, pdf), {}
    for name in sorted(outside):
        value = known[name].split("=", 1)[1] if name in known else ""
        parsed = to_normalized(value)[0] if value else ""
        if parsed and sympy.Symbol(name) not in (found := load_expression(parsed)).free_symbols:
            values[sympy.Symbol(name)] = found
    if not values:
        return normalized, []
    return str(expr.xreplace(values)), sorted(str(s) for s in values)


EXTRACTORS = {
    "expression": expression_with_definitions,
    "vector": vectors.extract,
    "choice": choices.extract,
    "code_blanks": code.extract_blanks,
    "code_patch": code.extract_patch,
    "big_o": big_o.extract,
    "feature_map": feature_maps.extract,
}
_MATH_KINDS = {"expression", "vector", "big_o", "feature_map"}
_CODE_KINDS = {"code_blanks", "code_patch"}
_PDF_AWARE = {"expression", "big_o"}  # extractors that restore flattened superscripts
_FREE_TEXT_CHARS = 4000


def _free_text(text: str) -> list[tuple[str, str, list[str]]]:
    collapsed = re.sub(r"\s+", " ", text).strip()[:_FREE_TEXT_CHARS]
    return [(collapsed, collapsed, [])] if collapsed else []


def _guess_kind(text: str) -> str:
    """Kind of a part the key lacks (an invented "6e"), from what its text states."""
    if big_o.candidates(text):
        return "big_o"
    if feature_maps.candidates(text):
        return "feature_map"
    if expressions.candidates(text, None):
        return "expression"
    return "free_text"


def extract_claims(transcript: Transcript, key: AnswerKey | None) -> list[Claim]:
    """Every claim of every attempt; attempts count only messages that state an answer of the
    part's kind (a refusal that discusses 2(a) without an output vector is not attempt 1)."""
    spans = segment_parts(transcript, key)
    claims: list[Claim] = []
    attempts: dict[str, int] = {}
    ordered = sorted(spans, key=lambda s: (s.message_index, s.part, s.start))
    for (index, part_id), group in groupby(ordered, key=lambda s: (s.message_index, s.part)):
        group = list(group)
        found = _claims_for(group, transcript, key)
        if not found:
            continue
        attempts[part_id] = attempts.get(part_id, 0) + 1
        for claim in found:
            claim.attempt = attempts[part_id]
        claims.extend(found)
    return sorted(claims, key=lambda c: (c.message_index, c.part, c.attempt))


def _claims_for(group: list[PartSpan], transcript: Transcript, key: AnswerKey | None) -> list[Claim]:
    first = group[0]
    text = "\n\n".join(s.text for s in sorted(group, key=lambda s: s.start))
    part = key.part(first.part) if key else None
    kind = part.kind if part else _guess_kind(text)
    pdf = transcript.format == "pdf"
    if kind == "free_text":
        found = _free_text(text)
    elif kind in _PDF_AWARE:
        found = EXTRACTORS[kind](text, part, pdf)
    else:
        found = EXTRACTORS[kind](text, part)
    out = []
    for raw, normalized, tags in found:
        if pdf and kind in _MATH_KINDS:
            tags = tags + ["pdf-math"]
        elif pdf and kind in _CODE_KINDS:
            tags = tags + ["pdf-code"]
        if not first.in_homework:
            tags = tags + ["not-in-homework"]
        out.append(Claim(
            transcript_id=transcript.transcript_id, part=first.part, in_homework=first.in_homework,
            attempt=0, message_index=first.message_index, kind=kind, claim=raw, normalized=normalized,
            detail="; ".join(tags), reference=part.reference if part else "",
        ))
    return out


def format_claims_table(claims: list[Claim]) -> str:
    """A plain-text table of one transcript's parts, attempts and claims (``tractor claims``)."""
    header = ("part", "in_hw", "att", "msg", "kind", "claim", "normalized", "verdict", "detail")
    rows = [header] + [
        (c.part, "yes" if c.in_homework else "NO", str(c.attempt), str(c.message_index), c.kind,
         _cell(c.claim, 48), _cell(c.normalized, 40), c.verdict, _cell(c.detail, 40))
        for c in claims
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(text: str, width: int) -> str:
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= width else flat[: width - 1] + "…"
