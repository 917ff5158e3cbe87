"""How a wrong answer relates to the reference: the algebra behind the verifier-based labels.

The verifier says *whether* a claim is right; these functions say *how* a wrong one is wrong,
by comparing the claim's normalized form with the reference numerically (at random positive
points, so no simplifier has to find a canonical form):

* a constant factor or a power apart (``d`` vs ``sqrt(d)``),
* the reference with its additive constants dropped (``qk**2`` vs ``(qk + 1)**2``).
"""

from __future__ import annotations

import math
import random
from fractions import Fraction

import sympy

_POINTS = 6
_TOL = 1e-7


def positive(expr: sympy.Expr) -> sympy.Expr:
    """Every symbol replaced by a positive one of the same name, so that expressions read by
    different parsers (plain or positive symbols) compare by name."""
    return expr.xreplace({s: sympy.Symbol(s.name, positive=True) for s in expr.free_symbols})


def _values(claim: sympy.Expr, reference: sympy.Expr) -> list[tuple[float, float]]:
    symbols = sorted(claim.free_symbols | reference.free_symbols, key=str)
    rng = random.Random(7)
    pairs = []
    for _ in range(_POINTS):
        point = {s: rng.uniform(1.5, 9.5) for s in symbols}
        try:
            c, r = complex(claim.subs(point)), complex(reference.subs(point))
        except (TypeError, ValueError, ZeroDivisionError):
            continue
        if abs(c.imag) < _TOL and abs(r.imag) < _TOL and c.real and r.real:
            pairs.append((c.real, r.real))
    return pairs


def constant_relation(claim: sympy.Expr, reference: sympy.Expr) -> str:
    """``"claim = 2*ref"``, ``"claim = ref**2"`` or ``"claim = ref**2/3"`` when the claim is a
    constant multiple or power of the reference (but not equal to it); "" otherwise."""
    claim, reference = positive(claim), positive(reference)
    if not claim.free_symbols <= reference.free_symbols:
        return ""
    pairs = _values(claim, reference)
    if len(pairs) < 3:
        return ""
    ratios = [c / r for c, r in pairs]
    if _constant(ratios):
        factor = nice(ratios[0])
        return "" if factor == 1 else f"claim = {factor}*ref"
    if any(c <= 0 or r <= 0 for c, r in pairs) or not reference.free_symbols:
        return ""
    logs = [(math.log(c), math.log(r)) for c, r in pairs]
    (c0, r0), (c1, r1) = logs[0], max(logs[1:], key=lambda p: abs(p[1] - logs[0][1]))
    if abs(r1 - r0) < 1e-9:
        return ""
    k = (c1 - c0) / (r1 - r0)
    a = c0 - k * r0
    if any(abs(a + k * lr - lc) > 1e-6 * max(1.0, abs(lc)) for lc, lr in logs):
        return ""
    power, factor = nice(k), nice(math.exp(a))
    if power == 1:
        return ""
    prefix = "" if factor == 1 else f"{factor}*"
    return f"claim = {prefix}ref**{power}"


def _constant(values: list[float]) -> bool:
    return all(abs(v - values[0]) <= _TOL * max(1.0, abs(values[0])) for v in values)


def nice(x: float):
    """A float shown as the small fraction it almost certainly is (2.0 -> 2, 0.5 -> 1/2)."""
    f = Fraction(x).limit_denominator(12)
    if abs(float(f) - x) < 1e-6 * max(1.0, abs(x)):
        return f.numerator if f.denominator == 1 else f
    return round(x, 4)


def without_constant_terms(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with every numeric addend of every sum removed: (qk + 1)**2 -> qk**2."""
    if expr.is_Atom:
        return expr
    args = [without_constant_terms(a) for a in expr.args]
    if expr.is_Add:
        args = [a for a in args if not a.is_number] or [sympy.Integer(0)]
    return expr.func(*args)


def drops_constant_term(claim: sympy.Expr, reference: sympy.Expr) -> bool:
    """True when the claim is the reference (up to a constant factor) without its additive
    constants -- and the reference has some. ``(qk + c)**2`` keeps a bias, so it is not."""
    claim, reference = positive(claim), positive(reference)
    stripped = without_constant_terms(reference)
    if stripped == reference or stripped == 0:
        return False
    pairs = _values(claim, stripped)
    return len(pairs) >= 3 and _constant([c / r for c, r in pairs])
