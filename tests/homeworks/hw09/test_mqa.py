"""The MQA plug-in reads a chosen projection as data: only an einsum with a literal subscript
string, a matrix product and names of the step's tensors are evaluated; anything else is
refused without being run (code from a transcript runs only in the sandbox)."""

import pytest

from tractor.homeworks.hw09.mqa import _evaluate, parse_shape
from tractor.homeworks.hw09.refs import mqa_inputs


# expressions that are read and computed: (text, shape of the value)
@pytest.mark.parametrize("text, shape", [
    ('torch.einsum("bd,hdq->bhq", x, W_q)', [2, 3, 4]),
    ('einsum("ij,jk->ik", x, self.W_k)', [2, 4]),
    ("x @ W_v", [2, 4]),
    ("torch.matmul(x, self.W_k)", [2, 4]),
    ('torch.einsum("hdq,bd->bhq", W_q, x)', [2, 3, 4]),
])
def test_evaluated(text, shape):
    value, why, failure = _evaluate(text, mqa_inputs(0))
    assert (list(value.shape), why, failure) == (shape, "", "")


# expressions that are never evaluated: calls, attributes and names outside the reader's grammar
@pytest.mark.parametrize("text", [
    '__import__("os").system("true")',
    'torch.einsum("bd,dk->bk", x, W_k).numpy()',
    "(lambda: x)()",
    'torch.einsum(spec, x, W_k)',
    "x @ W_k + 1",
    "x.__class__ @ W_k",
    'torch.einsum("bd,dk->bk", x, open("f"))',
    "x @ W_k; print(1)",
])
def test_refused(text):
    value, why, failure = _evaluate(text, mqa_inputs(0))
    assert value is None and why and not failure


# expressions that are read but that torch refuses on the step's tensors: a wrong answer
@pytest.mark.parametrize("text", [
    "x @ W_k.T",
    "W_v @ x",
    'torch.einsum("bd,dq->bq", x, W_q)',
    'torch.einsum("bd,hdk->bhk", x, W_k)',
    'torch.einsum("bhd,dq->bhq", x, W_q)',
])
def test_refused_by_torch(text):
    value, why, failure = _evaluate(text, mqa_inputs(0))
    assert value is None and not why and failure


# shapes as the extractor normalizes them, a width written as its value included
@pytest.mark.parametrize("text, entries", [
    ("[h, d, q]", ["h", "d", "q"]),
    ("[h, d, d/h]", ["h", "d", "d/h"]),
    ("[d, d/h]", ["d", "d/h"]),
    ("(d, k)", ["d", "k"]),
    ("h x d x q", ["h", "d", "q"]),
    ("[h, d, q, k, v]", ["h", "d", "q", "k", "v"]),
    ("[h, 2d]", None),
    ("the third one", None),
])
def test_parse_shape(text, entries):
    assert parse_shape(text) == entries
