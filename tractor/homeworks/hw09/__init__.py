"""HW9 (attention and transformers) plug-in: checks that compute the true quantity.

The parts, reference answers and phrasings are data in ``data/homeworks/hw09/key.toml``; the
generic checks in :mod:`tractor.verify` compare claims with that key (sympy, big-O, feature
maps). This module adds what needs the homework's own computation: Monte-Carlo estimates for
Question 1, argmax attention for 2(a), the Question 3 class run in the sandbox, the MQA step for
4(a)-(e), the degree-2 kernel and kernel attention for 6(b). The references live in
:mod:`.refs`; every check has the signature ``(claim, part, key) -> Outcome``.
"""

from __future__ import annotations

import json
import math

from ...answer_key import Part
from ...records import Claim
from .. import Homework, register
from . import kinds  # noqa: F401 - registers HW9's claim kinds

MC_DIMENSIONS = (16, 64, 256)
MC_SAMPLES = 8000
# Reject at |z| > 4.5: across 3 dimensions and 2 moments a true claim is rejected with
# probability < 1e-4, and a wrong formula misses by hundreds of standard errors.
MC_Z_LIMIT = 4.5


def _claim_function(claim: Claim, allowed: set[str]):
    """The claimed expression as a float function of named values and the names it uses, or
    (None, reason)."""
    from ...notation.expressions import ExpressionError, load

    try:
        expr = load(claim.normalized)
    except ExpressionError as exc:
        return None, str(exc)
    names = {str(s) for s in expr.free_symbols}
    if not names <= allowed:
        return None, f"symbols {sorted(names - allowed)} have no value in the simulation"
    return (lambda **values: float(expr.subs({s: values[str(s)] for s in expr.free_symbols}))), names


def _simulate(tests: list[tuple[str, float]]):
    """Turn (description, z) pairs into an outcome: incorrect on any rejection, else a
    not-rejected note (a simulation cannot prove a formula, so never ``correct``)."""
    from ...verify.outcome import incorrect, unverified

    worst = max(tests, key=lambda t: abs(t[1]))
    if abs(worst[1]) > MC_Z_LIMIT:
        return incorrect(f"Monte-Carlo (float64, n={MC_SAMPLES}): {worst[0]} is off by z={worst[1]:.1f}")
    return unverified(f"Monte-Carlo (float64, n={MC_SAMPLES}, d={list(MC_DIMENSIONS)}) consistent, "
                      f"max |z|={abs(worst[1]):.1f}")


def check_mean(claim: Claim, part: Part, key):
    """1(a): E[q^T k] simulated with a shared scalar mean and with a general mean vector."""
    import torch

    from ...verify.outcome import unverified
    from .refs import dot_product_samples, mean_z

    f, names = _claim_function(claim, {"d", "mu", "norm_mu", "sigma"})
    if f is None:
        return unverified(names)
    sigma, tests = 0.7, []
    for i, d in enumerate(MC_DIMENSIONS):
        scalar = torch.full((d,), 0.8, dtype=torch.float64)
        vector = torch.linspace(0.2, 1.2, d, dtype=torch.float64)
        cases = [("shared mean 0.8", scalar, {"mu": 0.8})]
        if "mu" not in names:  # a scalar mu only has a meaning when all means are equal
            cases.append(("mean vector", vector, {}))
        for label, mu, extra in cases:
            want = f(d=d, sigma=sigma, norm_mu=float(mu.norm()), **{"mu": 0.8, **extra})
            z = mean_z(dot_product_samples(d, MC_SAMPLES, mu, sigma, seed=i), want)
            tests.append((f"E[q^T k] at d={d}, {label} (claim {want:.4g})", z))
    return _simulate(tests)


def check_variance(claim: Claim, part: Part, key):
    """1(b): Var(q^T k) with mu = 0, sigma = 1."""
    import torch

    from ...verify.outcome import unverified
    from .refs import dot_product_samples, variance_z

    f, why = _claim_function(claim, {"d"})
    if f is None:
        return unverified(why)
    tests = []
    for i, d in enumerate(MC_DIMENSIONS):
        want = f(d=d)
        samples = dot_product_samples(d, MC_SAMPLES, torch.zeros(d, dtype=torch.float64), 1.0, seed=10 + i)
        tests.append((f"Var(q^T k) at d={d} (claim {want:.4g})", variance_z(samples, want)))
    return _simulate(tests)


def check_scale(claim: Claim, part: Part, key):
    """1(c): with s as claimed, q^T k / s must have mean 0 and variance 1."""
    import torch

    from ...verify.outcome import unverified
    from .refs import dot_product_samples, mean_z, variance_z

    f, why = _claim_function(claim, {"d"})
    if f is None:
        return unverified(why)
    tests = []
    for i, d in enumerate(MC_DIMENSIONS):
        s = f(d=d)
        if not math.isfinite(s) or s <= 0:
            return unverified(f"s = {s} at d={d} is not a positive scale")
        y = dot_product_samples(d, MC_SAMPLES, torch.zeros(d, dtype=torch.float64), 1.0, seed=20 + i) / s
        tests += [(f"Var(q^T k / s) at d={d} (s={s:.4g})", variance_z(y, 1.0)),
                  (f"E[q^T k / s] at d={d}", mean_z(y, 0.0))]
    return _simulate(tests)


def check_argmax_output(claim: Claim, part: Part, key):
    """2(a): the claimed vector against argmax attention computed on the question's data."""
    from ...verify.outcome import correct, incorrect, unverified
    from .refs import argmax_attention

    try:
        claimed = [float(x) for x in _flatten(json.loads(claim.normalized))]
    except (ValueError, TypeError):
        return unverified(f"not a numeric vector: {claim.normalized!r}")
    want = argmax_attention(part.extra["keys"], part.extra["values"], part.extra["query"]).tolist()
    text = "[" + ", ".join(f"{w:g}" for w in want) + "]"
    if claimed == want:
        return correct(f"equals argmax attention output {text}", text)
    return incorrect(f"argmax attention gives {text}, claim {claimed}", text)


def _flatten(value):
    return [y for x in value for y in _flatten(x)] if isinstance(value, list) else [value]


def check_kernel(claim: Claim, part: Part, key):
    """6(b)(i): the claimed sim(q, k), over qk, against the degree-2 kernel on random vectors."""
    import torch

    from ...verify.outcome import incorrect, unverified
    from .refs import degree2_kernel

    f, why = _claim_function(claim, {"qk"})
    if f is None:
        return unverified(why)
    g = torch.Generator().manual_seed(0)
    for dim in (2, 5, 16):
        q, k = (torch.randn(dim, generator=g, dtype=torch.float64) for _ in range(2))
        got, want = f(qk=float(q @ k)), float(degree2_kernel(q, k))
        if abs(got - want) > 1e-9 * max(1.0, abs(want)):
            return incorrect(f"at D={dim}, q^T k={float(q @ k):.4g}: claim {got:.6g}, (q^T k + 1)^2 = {want:.6g}")
    return unverified("agrees with (q^T k + 1)^2 on random q, k at D = 2, 5, 16")


def check_kernel_attention(claim: Claim, part: Part, key):
    """6(b)(iii): evaluate the claimed formula with the degree-2 feature map, in every
    orientation of the vectors, against kernel attention computed directly."""
    from .refs import degree2_features, kernel_attention
    from .formula_check import check_attention_formula

    return check_attention_formula(claim, part.reference, degree2_features, kernel_attention)


@register
class HW09(Homework):
    name = "hw09"

    def reference_checks(self):
        from .code import check_blanks, check_patch
        from .mqa import check_einsum, check_shape

        return {"1a": check_mean, "1b": check_variance, "1c": check_scale, "2a": check_argmax_output,
                "3a": check_blanks, "3b": check_patch, "4a": check_shape, "4b": check_shape,
                "4c": check_einsum, "4d": check_einsum, "4e": check_einsum,
                "6b.i": check_kernel, "6b.iii": check_kernel_attention}
