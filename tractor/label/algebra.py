"""How a wrong answer relates to the reference: the algebra behind the verifier-based labels.

The verifier says *whether* a claim is right; these functions say *how* a wrong one is wrong,
by comparing the claim's normalized form with the reference numerically (at random positive
points, so no simplifier has to find a canonical form):

* a constant factor or a power apart (``d`` vs ``sqrt(d)``),
* the reference with its additive constants dropped (``qk**2`` vs ``(qk + 1)**2``),
* a feature map whose monomials match the kernel's but whose weights do not,
* a feature map whose monomials are not the kernel's.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction

import sympy

_POINTS = 6
_TOL = 1e-7
_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19)


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
        factor = _nice(ratios[0])
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
    power, factor = _nice(k), _nice(math.exp(a))
    if power == 1:
        return ""
    prefix = "" if factor == 1 else f"{factor}*"
    return f"claim = {prefix}ref**{power}"


def _constant(values: list[float]) -> bool:
    return all(abs(v - values[0]) <= _TOL * max(1.0, abs(values[0])) for v in values)


def _nice(x: float):
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


def kernel_weights(kernel: sympy.Expr, dim: int) -> dict[tuple[int, ...], sympy.Expr] | None:
    """K(q, k) over the dot product ``qk`` -> {monomial exponents: weight} with
    K = sum_m weight_m q^m k^m at input dimension ``dim``; None when K is not of that form."""
    q = sympy.symbols(f"q1:{dim + 1}")
    k = sympy.symbols(f"k1:{dim + 1}")
    names = {s.name: s for s in kernel.free_symbols}
    if set(names) != {"qk"}:
        return None
    expanded = sympy.expand(kernel.subs(names["qk"], sum(a * b for a, b in zip(q, k))))
    weights = {}
    for exponents, coef in sympy.Poly(expanded, *q, *k).terms():
        if exponents[:dim] != exponents[dim:]:
            return None
        weights[exponents[:dim]] = coef
    return weights


def feature_map_weights(normalized: str, dim: int) -> dict[tuple[int, ...], float]:
    """{monomial exponents: sum of squared coefficients} of a claimed feature map, i.e. the
    weights of phi(q)·phi(k). Columns are read back by evaluating phi at all-ones (their
    coefficient) and at the first primes (whose factorisation names the monomial)."""
    import torch

    from ..homeworks.hw09.feature_map_check import build_phi, fixed_dimension, parse_families

    families = parse_families(normalized)
    dim = fixed_dimension(families) or dim
    phi = build_phi(families)
    ones = phi(torch.ones(1, dim, dtype=torch.float64))[0]
    primes = phi(torch.tensor([_PRIMES[:dim]], dtype=torch.float64))[0]
    weights: dict[tuple[int, ...], float] = {}
    for coef, value in zip(ones.tolist(), primes.tolist()):
        if abs(coef) < _TOL:
            continue
        product = round(value / coef)
        exponents = []
        for p in _PRIMES[:dim]:
            e = 0
            while product % p == 0 and product > 1:
                product //= p
                e += 1
            exponents.append(e)
        key = tuple(exponents)
        weights[key] = weights.get(key, 0.0) + coef * coef
    return weights


def coefficient_mismatch(normalized: str, kernel: sympy.Expr, dim: int = 3) -> str:
    """How a feature map with exactly the kernel's monomials gets their weights wrong
    (``"x1*x2: phi gives 1, kernel needs 2"``); "" when the monomials differ or it is right."""
    dim = _dimension(normalized, dim)
    want = kernel_weights(kernel, dim)
    if want is None:
        return ""
    got = feature_map_weights(normalized, dim)
    if {m for m, w in got.items() if abs(w) > _TOL} != {m for m, w in want.items() if w != 0}:
        return ""
    wrong = [(m, got[m], want[m]) for m in sorted(want, key=lambda m: (sum(m), [-e for e in m])) if abs(got[m] - float(want[m])) > 1e-6]
    return "; ".join(f"{_monomial(m)}: phi gives {_nice(g)}, kernel needs {w}" for m, g, w in wrong[:3])


def monomial_mismatch(normalized: str, kernel: sympy.Expr, dim: int = 3) -> str:
    """How a feature map's monomials differ from the kernel's (``"lacks x1*x2; adds x1**3"``):
    phi(q)·phi(k) cannot be the kernel whatever the weights; "" when the monomials agree."""
    dim = _dimension(normalized, dim)
    want = kernel_weights(kernel, dim)
    if want is None:
        return ""
    got = {m for m, w in feature_map_weights(normalized, dim).items() if abs(w) > _TOL}
    need = {m for m, w in want.items() if w != 0}
    order = lambda m: (sum(m), [-e for e in m])  # noqa: E731
    lacks, adds = sorted(need - got, key=order), sorted(got - need, key=order)
    said = [f"lacks {', '.join(map(_monomial, lacks[:3]))}" if lacks else "",
            f"adds {', '.join(map(_monomial, adds[:3]))}" if adds else ""]
    return "; ".join(filter(None, said))


def _dimension(normalized: str, dim: int) -> int:
    """The input dimension a map written with literal indices fixes (x_1, x_2: D = 2), else ``dim``."""
    from ..homeworks.hw09.feature_map_check import fixed_dimension, parse_families

    return fixed_dimension(parse_families(normalized)) or dim


def feature_map_drops_constant(normalized: str, kernel: sympy.Expr, dim: int = 3) -> bool:
    """True when phi(q)·phi(k) is the kernel without its additive constants: (q^T k)^2 for
    (q^T k + 1)^2, the feature-map form of a missing bias term."""
    dim = _dimension(normalized, dim)
    stripped = without_constant_terms(kernel)
    want = kernel_weights(stripped, dim) if stripped != kernel else None
    if not want:
        return False
    got = {m: w for m, w in feature_map_weights(normalized, dim).items() if abs(w) > _TOL}
    return set(got) == set(want) and all(abs(got[m] - float(want[m])) < 1e-6 for m in want)


def _monomial(exponents: tuple[int, ...]) -> str:
    factors = [f"x{i + 1}" + (f"**{e}" if e > 1 else "") for i, e in enumerate(exponents) if e]
    return "*".join(factors) or "1"
