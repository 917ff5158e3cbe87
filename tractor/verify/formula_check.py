"""Checking a claimed kernel-attention formula numerically (see :mod:`matrix_formula`).

The formula's leaves are bound to random data: ``phi(Q_i)``/``phi(q_i)`` to the feature vector
of one query, ``phi(K_j)``/``phi(k_j)`` to the feature vectors of the keys, ``V_j``/``v_j`` to
the values. Feature and value vectors may each be read as columns or rows (papers differ); the
claim is correct when some reading reproduces the reference attention output.
"""

from __future__ import annotations

import itertools
import re

from ..records import Claim
from .expressions import ExpressionError
from .matrix_formula import evaluate, parse
from .outcome import Outcome, correct, incorrect, unverified

_TOKENS, _DIM = 4, 3


def check_attention_formula(claim: Claim, reference: str, features, attention) -> Outcome:
    import torch

    try:
        tree = parse(claim.claim)
    except ExpressionError as exc:
        return unverified(f"formula not read: {exc}")
    g = torch.Generator().manual_seed(0)
    q = torch.randn(_DIM, generator=g, dtype=torch.float64)
    keys = torch.randn(_TOKENS, _DIM, generator=g, dtype=torch.float64)
    values = torch.randn(_TOKENS, 2, generator=g, dtype=torch.float64)
    phi_q, phi_k = features(q), features(keys)
    want = attention(phi_q, phi_k, values)
    failures, mismatch = [], None
    for phi_rows, value_rows in itertools.product((False, True), repeat=2):
        def as_vector(v, rows):
            return v.view(1, -1) if rows else v.view(-1, 1)

        def bind(node, env):
            name = (node.args[0].value if node.op == "apply" else node.value).replace("'", "")
            m = re.fullmatch(r"([A-Za-z])(?:_([A-Za-z]))?", name)
            if not m:
                raise ExpressionError(f"unknown symbol {name}")
            letter, index = m[1].lower(), m[2]
            if node.op == "apply" and letter == "q":
                return as_vector(phi_q, phi_rows)
            if index is None or index not in env:
                raise ExpressionError(f"{name} used outside a sum over its index")
            if node.op == "apply" and letter == "k":
                return as_vector(phi_k[env[index]], phi_rows)
            if node.op == "name" and letter == "v":
                return as_vector(values[env[index]], value_rows)
            raise ExpressionError(f"unknown symbol {name}")

        try:
            got = evaluate(tree, bind, {}, _TOKENS)
        except (ExpressionError, RuntimeError) as exc:
            failures.append(str(exc).split("\n")[0])
            continue
        if got.numel() == want.numel() and torch.allclose(got.flatten(), want, atol=1e-10):
            reading = f"{'row' if phi_rows else 'column'} features, {'row' if value_rows else 'column'} values"
            return correct(f"reproduces kernel attention numerically ({reading})", reference)
        mismatch = mismatch or f"gives shape {list(got.shape)} values {got.flatten()[:3].tolist()}"
    if mismatch:
        return incorrect(f"no orientation reproduces kernel attention: {mismatch}, expected {want.tolist()}", reference)
    return unverified(f"formula does not evaluate in any orientation: {failures[0]}")
