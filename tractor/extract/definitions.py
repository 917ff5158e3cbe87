"""Expressions with the definitions their answer states: the expression kind's extractor.

An expression that is not scalar algebra (a matrix formula such as ``V' = phi(Q)^T S /
phi(Q)^T Z``) often names quantities the same answer defines next to it ("where S_j = phi(K_j)
V_j^T and z = phi(K_j)"): those definitions, as written, are appended to the claim after
", where " so the verifier can substitute them; the tag ``defined=S,z`` says which. A scalar
expression that uses a name outside its part's vocabulary (the key's ``symbols``) which the
answer sets ("(q^T k + c)^2 with c = 1") has the value substituted, tagged the same way.
"""

from __future__ import annotations

import re

from ..answer_key import declares
from . import expressions
from .candidates import math_candidates, pdf_superscripts, plain_equations

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
