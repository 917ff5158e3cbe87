"""Checking a claimed kernel-attention formula numerically (see :mod:`matrix_formula`).

The formula's leaves are bound to random data. Per-query formulas index their vectors:
``phi(Q_i)``/``phi(q_i)`` is the feature vector of one query, ``phi(K_j)``/``phi(k_j)`` and
``V_j``/``v_j`` range over the keys and values in ``\\sum_j``; an index no sum binds is the
query's own position, so ``phi(K_i)`` is the key beside the query and ``phi(Q_j)`` under
``\\sum_j`` another query (both read as written, and judged). Whole-matrix formulas name an
unindexed ``phi(K)`` or ``V``: then ``phi(Q)``, ``phi(K)`` are the stacked feature vectors
(N x F), ``V`` the stacked values (N x M) and ``\\mathbf{1}`` the ones vector. Either way
``D``/``d`` is the input dimension, ``N``/``n`` the number of tokens, and vectors, matrices and the ones vector may each be read
as columns or rows (papers differ): the claim is correct when some reading reproduces the
reference attention output, incorrect when readings evaluate to the output's shape but none
matches; a formula whose result never has that shape (a misread, or another quantity) is
unverified.
"""

from __future__ import annotations

import itertools
import re

from ...notation.expressions import ExpressionError
from ...records import Claim
from ...verify.outcome import Outcome, correct, incorrect, unverified
from .matrix_formula import evaluate, leaves, parse

_TOKENS, _DIM, _VALUE_DIM = 4, 3, 2
_QUERY = 1  # the position of the query a per-query formula is about


def _symbol(node) -> tuple[str, str | None]:
    """(lowercase letter, subscript or None) of a ``name``/``apply`` leaf."""
    name = (node.args[0].value if node.op == "apply" else node.value).replace("'", "")
    m = re.fullmatch(r"([A-Za-z])(?:_([A-Za-z]))?", name)
    if not m:
        raise ExpressionError(f"unknown symbol {name}")
    return m[1].lower(), m[2]


def _whole_matrix(tree) -> bool:
    """Keys or values without a subscript only make sense as whole matrices."""
    names = (leaf.args[0].value if leaf.op == "apply" else leaf.value for leaf in leaves(tree))
    return any(re.fullmatch(r"[KkVv]'?", name or "") for name in names)


def _readings(whole: bool, data: dict):
    """(description, bind) for every orientation of the leaves."""
    import torch

    dim = torch.tensor([[float(_DIM)]], dtype=torch.float64)
    tokens = torch.tensor([[float(_TOKENS)]], dtype=torch.float64)
    flags = itertools.product((False, True), repeat=3 if whole else 2)
    for phi_rows, value_rows, *ones_rows in flags:
        def shaped(t, rows):
            if t.dim() == 1:
                return t.view(1, -1) if rows else t.view(-1, 1)
            return t if rows else t.T  # stacked rows, or their transpose

        def bind(node, env, phi_rows=phi_rows, value_rows=value_rows, ones_rows=ones_rows):
            if node.op == "ones":
                if not whole:
                    raise ExpressionError("a ones vector in a per-query formula")
                return shaped(torch.ones(_TOKENS, dtype=torch.float64), ones_rows[0])
            letter, index = _symbol(node)
            if node.op == "name" and index is None and letter in "dn":
                return dim if letter == "d" else tokens
            stack = {("apply", "q"): "phi_queries", ("apply", "k"): "phi_k", ("name", "v"): "values"}.get(
                (node.op, letter))
            if stack is None:
                raise ExpressionError(f"unknown symbol {node.value or letter}")
            rows = value_rows if letter == "v" else phi_rows
            if index is None:
                if whole:
                    return shaped(data[stack], rows)
                if letter != "q":
                    raise ExpressionError(f"{node.value or letter} without its index")
            elif index in env:  # a summed index ranges over the tokens
                return shaped(data[stack][env[index]], rows)
            elif whole:
                raise ExpressionError(f"{node.value or letter} used outside a sum over its index")
            return shaped(data[stack][_QUERY], rows)  # any other index is the query's own position

        reading = f"{'row' if phi_rows else 'column'} features, {'row' if value_rows else 'column'} values"
        yield (f"whole matrices of {reading}" if whole else reading), bind


def _discrepancy(got, want) -> float | None:
    """Largest entry-wise difference from the reference, under the better of ``got`` and its
    transpose; any vector shape of the right length stands for one query's output; None when
    the shapes cannot be compared."""
    if want.dim() == 1:
        candidates = [got.flatten()] if got.numel() == want.numel() else []
    else:
        candidates = [g for g in (got, got.T) if g.shape == want.shape]
    return min((float((g - want).abs().max()) for g in candidates), default=None)


def check_attention_formula(claim: Claim, reference: str, features, attention) -> Outcome:
    import torch

    try:
        tree = parse(claim.claim)
        whole = _whole_matrix(tree)
    except ExpressionError as exc:
        return unverified(f"formula not read: {exc}")
    g = torch.Generator().manual_seed(0)
    keys = torch.randn(_TOKENS, _DIM, generator=g, dtype=torch.float64)
    values = torch.randn(_TOKENS, _VALUE_DIM, generator=g, dtype=torch.float64)
    queries = torch.randn(_TOKENS, _DIM, generator=g, dtype=torch.float64)
    data = {"phi_k": features(keys), "values": values, "phi_queries": features(queries)}
    if whole:
        want = torch.stack([attention(row, data["phi_k"], values) for row in data["phi_queries"]])
    else:
        want = attention(data["phi_queries"][_QUERY], data["phi_k"], values)
    failures, mismatch, shapes = [], None, []
    for reading, bind in _readings(whole, data):
        try:
            got = evaluate(tree, bind, {}, _TOKENS)
        except (ExpressionError, RuntimeError) as exc:
            failures.append(str(exc).split("\n")[0])
            continue
        diff = _discrepancy(got, want)
        if diff is not None and diff <= 1e-10 * max(1.0, float(want.abs().max())):
            return correct(f"reproduces kernel attention numerically ({reading})", reference)
        if diff is None:
            shapes.append(f"({reading}) {list(got.shape)}")
        elif mismatch is None:
            mismatch = (f"({reading}) gives shape {list(got.shape)} values {got.flatten()[:3].tolist()}, "
                        f"max discrepancy {diff:.3g}")
    if mismatch:
        return incorrect(f"no orientation reproduces kernel attention: {mismatch}, "
                         f"expected {want.flatten()[:3].tolist()}", reference)
    if shapes:  # the formula was misread or is of another quantity: no comparison, no verdict
        return unverified(f"the formula's shape does not fit the output {list(want.shape)} in any orientation: "
                          f"{shapes[0]}")
    return unverified(f"formula does not evaluate in any orientation: {failures[0]}")
