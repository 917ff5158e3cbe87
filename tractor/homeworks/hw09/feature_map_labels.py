"""How a wrong feature map is wrong: the labels a ``feature_map`` claim earns.

phi(q)·phi(k) is read back as {monomial: weight} (evaluating phi at all-ones and at the first
primes) and compared with the kernel's own expansion over ``qk``:

* ``missing_bias_term``: phi reproduces the kernel without its additive constant,
* ``wrong_coefficients``: the monomials are the kernel's (the reference kernel or the model's
  own), the weights are not,
* ``wrong_monomials``: the monomials are not the kernel's.
"""

from __future__ import annotations

import sympy

from ...label.algebra import nice, without_constant_terms
from ...label.verdicts import load_normalized, parse_reference, same_text
from ...records import Claim

_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19)
_TOL = 1e-7


def feature_map_errors(claim: Claim, claims: list[Claim], key) -> list[tuple[str, float, str]]:
    """missing_bias_term when phi reproduces the reference kernel minus its constant;
    wrong_coefficients when its monomials are right (for the reference kernel or the model's
    own) and its weights are not; else wrong_monomials when its monomials are not the kernel's."""
    if claim.verdict != "incorrect" or not claim.normalized:
        return []
    part = key.part(claim.part) if key else None
    kernel_text = part.extra.get("kernel", "") if part else ""
    if not kernel_text:
        return []
    kernels = [parse_reference(kernel_text)]
    kernel_parts = {p.id for p in key.parts if p.kind == "expression" and same_text(p.reference, kernel_text)}
    own = [c for c in claims if c.part in kernel_parts and c.normalized and c.message_index <= claim.message_index]
    if own:
        kernels.append(load_normalized(max(own, key=lambda c: (c.message_index, c.attempt)).normalized))
    found = []
    try:
        if kernels[0] is not None and feature_map_drops_constant(claim.normalized, kernels[0]):
            found.append(("missing_bias_term", 1.0, ""))
        if any(k is not None and coefficient_mismatch(claim.normalized, k) for k in kernels):
            found.append(("wrong_coefficients", 1.0, ""))
        if not found and kernels[0] is not None and monomial_mismatch(claim.normalized, kernels[0]):
            found.append(("wrong_monomials", 1.0, ""))
    except ValueError:  # an unreadable family list: the verifier already said why
        return []
    return found


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

    from .feature_map_check import build_phi, fixed_dimension, parse_families

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
    return "; ".join(f"{_monomial(m)}: phi gives {nice(g)}, kernel needs {w}" for m, g, w in wrong[:3])


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
    from .feature_map_check import fixed_dimension, parse_families

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
