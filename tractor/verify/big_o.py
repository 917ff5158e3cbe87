"""Comparing asymptotic bounds over several size variables.

sympy's ``Order`` is built for one variable going to a limit; with b, n, d, h all growing it
drops or keeps terms unpredictably. Here a bound is reduced to its *dominant monomials* after the
key's substitutions (k = d/h, M = D...): a monomial is dominated by another when none of its
exponents is larger (all sizes are >= 1, so b*d <= b*d*n). Two bounds are compared by whether
each one's dominant monomials are covered by the other's. ``max(D, M)`` of sizes is Θ(D + M)
and is read as that sum (:func:`load_bound`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

import sympy

from ..notation.expressions import ExpressionError

Monomial = tuple[tuple[str, sympy.Rational], ...]


@dataclass(frozen=True)
class Comparison:
    relation: str  # "equal", "looser", "tighter" or "incomparable"
    claim_terms: tuple[str, ...]
    reference_terms: tuple[str, ...]
    uncovered: tuple[str, ...]  # claim terms the reference (plus optional terms) does not cover
    missing: tuple[str, ...]  # reference terms the claim does not cover


def load_bound(text: str) -> sympy.Expr:
    """A claim's normalized bound read back, ``Max(a, b)`` as ``a + b`` (equal up to a factor 2
    for sizes >= 1); a ``Min`` has no such reading and is an :class:`ExpressionError`."""
    from ..notation.expressions import load

    if re.search(r"\bMin\(", text):
        raise ExpressionError(f"a minimum of sizes is not a sum of monomials: {text}")
    while m := re.search(r"\bMax\(", text):
        opening = m.end() - 1
        depth, i = 0, opening
        for i in range(opening, len(text)):
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            if depth == 0:
                break
        inner, parts, level, start = text[opening + 1:i], [], 0, 0
        for j, ch in enumerate(inner):
            level += {"(": 1, ")": -1}.get(ch, 0)
            if ch == "," and level == 0:
                parts.append(inner[start:j])
                start = j + 1
        parts.append(inner[start:])
        text = text[:m.start()] + "(" + " + ".join(p.strip() for p in parts) + ")" + text[i + 1:]
    return load(text)


def outside(expr: sympy.Expr, vocabulary: set[str]) -> list[str]:
    """Names of ``expr`` that are not sizes of the part (a misread, or a size it does not have)."""
    return sorted(str(s) for s in expr.free_symbols if str(s) not in vocabulary) if vocabulary else []


def prepare(expr: sympy.Expr, substitutions: Mapping[str, str] = {}, aliases: Mapping[str, str] = {},
            sizes: frozenset[str] = frozenset()) -> sympy.Expr:
    """Rename aliased symbols (n -> N), split glued products of known sizes (``bnd`` -> b*n*d)
    and substitute derived sizes (k -> d/h)."""
    from ..notation.expressions import load_plain

    by_name = {str(s): s for s in expr.free_symbols}
    renames = {by_name[a]: sympy.Symbol(t, positive=True) for a, t in aliases.items() if a in by_name}
    for name, symbol in by_name.items():
        if name not in sizes and len(name) > 1 and all(ch in sizes for ch in name):
            renames[symbol] = sympy.Mul(*(sympy.Symbol(ch, positive=True) for ch in name))
    expr = expr.xreplace(renames)
    by_name = {str(s): s for s in expr.free_symbols}
    subs = {by_name[n]: load_plain(v) for n, v in substitutions.items() if n in by_name}
    return expr.xreplace(subs)


def dominant_monomials(expr: sympy.Expr) -> set[Monomial]:
    """The monomials of ``expr`` (coefficients dropped) that no other monomial dominates."""
    terms = set()
    for term in sympy.Add.make_args(sympy.expand(expr)):
        _, rest = term.as_coeff_Mul()
        powers = {}
        for base, exp in rest.as_powers_dict().items():
            if base == 1:
                continue
            if not (isinstance(base, sympy.Symbol) and exp.is_Rational):
                raise ExpressionError(f"term {term} is not a product of powers of sizes")
            powers[str(base)] = exp
        terms.add(tuple(sorted(powers.items())))
    return {m for m in terms if not any(o != m and _dominates(o, m) for o in terms)}


def _dominates(big: Monomial, small: Monomial) -> bool:
    b, s = dict(big), dict(small)
    return all(s.get(v, 0) <= b.get(v, 0) for v in set(b) | set(s))


def _covered(term: Monomial, by: set[Monomial]) -> bool:
    return any(_dominates(o, term) for o in by)


def _text(m: Monomial) -> str:
    return str(sympy.Mul(*(sympy.Symbol(v) ** e for v, e in m))) if m else "1"


def compare(claim: sympy.Expr, reference: sympy.Expr, optional: sympy.Expr | None = None) -> Comparison:
    """Relation of the claim's bound to the reference's. ``optional`` holds terms a claim may add
    without being looser (e.g. projection costs the question does not ask for)."""
    mine, ref = dominant_monomials(claim), dominant_monomials(reference)
    allowed = ref | (dominant_monomials(optional) if optional is not None else set())
    uncovered = tuple(sorted(_text(m) for m in mine if not _covered(m, allowed)))
    missing = tuple(sorted(_text(m) for m in ref if not _covered(m, mine)))
    relation = ("equal" if not uncovered and not missing else "looser" if not missing
                else "tighter" if not uncovered else "incomparable")
    return Comparison(relation, tuple(sorted(map(_text, mine))), tuple(sorted(map(_text, ref))), uncovered, missing)


def describe(c: Comparison) -> str:
    text = f"{c.relation}: claim O({' + '.join(c.claim_terms)}) vs reference O({' + '.join(c.reference_terms)})"
    if c.uncovered:
        text += f"; claim terms beyond the reference: {', '.join(c.uncovered)}"
    if c.missing:
        text += f"; reference terms the claim misses: {', '.join(c.missing)}"
    return text


def order_cross_check(claim: sympy.Expr, reference: sympy.Expr) -> str:
    """sympy's own ``Order`` with every size to infinity, reported for information only."""
    variables = sorted(claim.free_symbols | reference.free_symbols, key=str)
    if not variables:
        return ""
    try:
        points = [(v, sympy.oo) for v in variables]
        same = sympy.Order(claim, *points) == sympy.Order(reference, *points)
    except Exception as exc:  # Order raises NotImplementedError and friends on several variables
        return f"sympy Order: n/a ({type(exc).__name__})"
    return f"sympy Order {'agrees' if same else 'differs'}"
