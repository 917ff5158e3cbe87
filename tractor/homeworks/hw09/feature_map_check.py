"""Feature maps checked numerically: phi(q)·phi(k) must equal the kernel for all q, k.

A claimed map arrives as component families (see :mod:`tractor.extract`): a coefficient, a
monomial over index variables, and a condition on the indices. It is built into a torch
function and compared with the reference kernel on random float64 vectors at several input
dimensions D, so any correct map passes whatever its ordering or layout, and a wrong one fails
with the measured discrepancy. A pair x_i x_j listed beside the squares without its range is
measured under each usual range; a claim right under some and wrong under others is not judged.
"""

from __future__ import annotations

import ast
import itertools
import json
import operator
from dataclasses import dataclass

import sympy

from ...notation.expressions import ExpressionError, load

_COMPARE = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
            ast.Eq: operator.eq, ast.NotEq: operator.ne}
DIMENSIONS = (2, 3, 5, 8)


@dataclass(frozen=True)
class Family:
    coef: float
    monomial: tuple  # ints (literal indices) and str (index variables)
    where: str
    implicit: bool = False  # a pair x_i x_j whose range the writer left unstated

    @property
    def variables(self) -> list[str]:
        return list(dict.fromkeys(i for i in self.monomial if isinstance(i, str)))


def parse_families(normalized: str) -> list[Family]:
    """The extractor's JSON list -> families; malformed input is an ExpressionError."""
    try:
        raw = json.loads(normalized)
        families = []
        for f in raw:
            coef = load(str(f.get("coef", "1")))
            if coef.free_symbols:
                raise ExpressionError(f"coefficient {coef} is not a number")
            monomial = tuple(i if isinstance(i, str) else int(i) for i in f.get("monomial", []))
            families.append(Family(float(coef), monomial, str(f.get("where", "") or ""), bool(f.get("implicit"))))
    except (ValueError, TypeError, AttributeError) as exc:
        raise ExpressionError(f"not a feature-map family list: {exc}") from exc
    if not families:
        raise ExpressionError("empty feature map")
    for f in families:
        _condition(f.where)  # fail early on a condition we cannot evaluate
    return families


def _condition(where: str):
    """Compile ``i<j``, ``i<=j``, ``i != j and j < k``... into a predicate without eval()."""
    if not where.strip():
        return lambda env: True
    try:
        tree = ast.parse(where.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ExpressionError(f"index condition {where!r} unreadable") from exc

    def value(node, env):
        if isinstance(node, ast.Name):
            return env[node.id]
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        raise ExpressionError(f"index condition {where!r} has {type(node).__name__}")

    def test(node, env):
        if isinstance(node, ast.BoolOp):
            parts = [test(v, env) for v in node.values]
            return all(parts) if isinstance(node.op, ast.And) else any(parts)
        if isinstance(node, ast.Compare) and all(type(op) in _COMPARE for op in node.ops):
            left = value(node.left, env)
            for op, right_node in zip(node.ops, node.comparators):
                right = value(right_node, env)
                if not _COMPARE[type(op)](left, right):
                    return False
                left = right
            return True
        raise ExpressionError(f"index condition {where!r} unsupported")

    return lambda env: test(tree, env)


def fixed_dimension(families: list[Family]) -> int | None:
    """A map written out only with literal indices (x_1, x_2) is a map for that D alone."""
    if any(f.variables for f in families):
        return None
    return max((i for f in families for i in f.monomial), default=1)


def build_phi(families: list[Family]):
    """A torch function x [batch, D] -> phi(x) [batch, P] for the given families."""
    import torch

    def phi(x):
        dim = x.shape[-1]
        columns = []
        for f in families:
            keep = _condition(f.where)
            for values in itertools.product(range(1, dim + 1), repeat=len(f.variables)):
                env = dict(zip(f.variables, values))
                if not keep(env):
                    continue
                indices = [env[i] if isinstance(i, str) else i for i in f.monomial]
                if any(i > dim for i in indices):
                    raise ExpressionError(f"index {max(indices)} exceeds D={dim}")
                col = torch.full(x.shape[:-1], f.coef, dtype=x.dtype)
                for i in indices:
                    col = col * x[..., i - 1]
                columns.append(col)
        return torch.stack(columns, dim=-1)

    return phi


def kernel_function(kernel: sympy.Expr):
    """The reference kernel, written over the dot product ``qk``, as a torch function of q, k."""
    import torch

    names = {str(s) for s in kernel.free_symbols}
    if not names <= {"qk"}:
        raise ExpressionError(f"kernel uses {sorted(names)}; only the dot product qk is supported")
    f = sympy.lambdify(sympy.Symbol("qk", positive=True), kernel, modules=[{"sqrt": torch.sqrt}, "math"])
    return lambda q, k: f((q * k).sum(-1)) + torch.zeros(q.shape[:-1], dtype=q.dtype)


def readings(families: list[Family]) -> list[tuple[str, list[Family]]]:
    """The maps a claim may mean: one, or, where a pair x_i x_j has no stated range, one per
    usual range (i<j, i≠j, all pairs)."""
    if not any(f.implicit for f in families):
        return [("", families)]
    out = []
    for name, op in (("i<j", "<"), ("i≠j", "!="), ("all pairs", "")):
        out.append((name, [Family(f.coef, f.monomial, f"{f.variables[0]}{op}{f.variables[1]}" if op else "")
                           if f.implicit else f for f in families]))
    return out


def max_discrepancy(families: list[Family], kernel: sympy.Expr, seed: int = 0) -> tuple[float, str]:
    """Largest relative |phi(q)·phi(k) - K(q, k)| over random q, k at several D, and where. A
    map with an unstated pair range is measured under each range; when they disagree on
    whether it matches, the claim cannot be judged (ExpressionError)."""
    results = [(name, *_discrepancy(reading, kernel, seed)) for name, reading in readings(families)]
    matches = {worst < 1e-9 for _, worst, _ in results}
    if len(matches) > 1:
        right = [name for name, worst, _ in results if worst < 1e-9]
        raise ExpressionError(f"the range of the pairs x_i x_j is not stated: right only for {', '.join(right)}")
    return max(results, key=lambda r: r[1])[1:]


def _discrepancy(families: list[Family], kernel: sympy.Expr, seed: int) -> tuple[float, str]:
    import torch

    phi, kern = build_phi(families), kernel_function(kernel)
    fixed = fixed_dimension(families)
    worst, where = 0.0, ""
    gen = torch.Generator().manual_seed(seed)
    for dim in ((fixed,) if fixed else DIMENSIONS):
        q = torch.randn(256, dim, dtype=torch.float64, generator=gen)
        k = torch.randn(256, dim, dtype=torch.float64, generator=gen)
        got, want = (phi(q) * phi(k)).sum(-1), kern(q, k)
        rel = (got - want).abs() / want.abs().clamp_min(1.0)
        i = int(rel.argmax())
        if float(rel[i]) > worst:
            worst = float(rel[i])
            where = (f"D={dim}, q={_short(q[i])}, k={_short(k[i])}: phi(q)·phi(k)={float(got[i]):.6g}, "
                     f"kernel={float(want[i]):.6g}")
    return worst, where


def _short(v) -> str:
    return "[" + ", ".join(f"{float(x):.3g}" for x in v[:4]) + (", ...]" if len(v) > 4 else "]")
