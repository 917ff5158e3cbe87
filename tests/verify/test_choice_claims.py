"""Choice answers of HW9 4(a)-(e) through the real extractor and verifier (``check_claim``):
weight shapes in every notation, projections as einsums with any index letters and operand
order or as matrix products, asides after the answer. Rows written for these tests by class;
each class has at least five variants.
"""

import pytest

from tractor.verify import check_claim


def judged(part: str, text: str) -> str:
    return check_claim(text, homework="hw09", part=part).verdict


# a shape after the weight's name: tuple, space, product; the width as its value d/h
SHAPES = [
    ("4a", "W_q has shape (h, d, q).", "correct"),
    ("4a", "$W_{q} \\in \\mathbb{R}^{h \\times d \\times q}$", "correct"),
    ("4a", "W_q ∈ ℝ^{h×d×q}", "correct"),
    ("4a", "A = [h, d, d // h]", "correct"),
    ("4a", "A: $[h, d, \\frac{d}{h}]$", "correct"),
    ("4a", "A: $[h,\\; d,\\; q]$", "correct"),
    ("4b", "W_k: d × k", "correct"),
    ("4b", "$W_k \\in \\mathbb{R}^{d \\times d/h}$", "correct"),
    ("4b", "W_k has shape (h, d, k).", "incorrect"),
    ("4a", "W_q: d × q", "incorrect"),
    ("4b", "B = [d/h, d]", "incorrect"),
    ("4a", "A = [h, d, k]", "incorrect"),  # the key width's name: equal size, wrong name
]

# the projection is judged by computing it: letters, operand order, self., @ and matmul are free
PROJECTIONS = [
    ("4c", 'q = torch.einsum("hde,bd->bhe", W_q, x)', "correct"),
    ("4c", 'q = torch.einsum("nd,hdf->nhf", x, W_q)', "correct"),
    ("4c", 'q = torch.einsum("bd,hdq->bhq", x, self.W_q)', "correct"),
    ("4c", 'C: $\\texttt{torch.einsum("bd,hdq->bhq", x, W\\_q)}$', "correct"),
    ("4d", "k = x @ W_k", "correct"),
    ("4d", 'k = torch.einsum("bd,dk→bk", x, W_k)', "correct"),
    ("4d", 'k = torch.einsum("ab,bc->ac", x, self.W_k)', "correct"),
    ("4e", "v = torch.matmul(x, W_v)", "correct"),
    ("4e", 'v = torch.einsum("dv,bd->bv", W_v, x)', "correct"),
    ("4e", "```python\nv = x @ self.W_v  # [b, v]\n```", "correct"),
]

# a projection that computes something else is wrong: another weight, a transpose, a bad shape
WRONG_PROJECTIONS = [
    ("4d", "k = x @ W_k.T", "incorrect"),
    ("4d", 'k = torch.einsum("bd,dk->bk", x, W_v)', "incorrect"),
    ("4c", 'q = torch.einsum("bd,hdk->bhk", x, W_k)', "incorrect"),
    ("4c", 'q = torch.einsum("bd,hdq->bdq", x, W_q)', "incorrect"),
    ("4e", 'v = torch.einsum("bd,vd->bv", x, W_v)', "incorrect"),
    ("4e", "v = W_v @ x", "incorrect"),
]

# operands that are not tensors of the step: a misread or an unknown name, never a wrong answer
UNKNOWN_OPERANDS = [
    ("4c", 'q = torch.einsum("bd,hdq->bhq", x, Wq)', "unverified"),
    ("4c", 'q = torch.einsum("bd,hdq->bhq", inputs, W_q)', "unverified"),
    ("4d", "k = h @ W_k", "unverified"),
    ("4e", "v = torch.matmul(x, weights)", "unverified"),
    ("4d", 'k = torch.einsum("bd,dk->bk", x, self.key_proj)', "unverified"),
]

# an alternative named after the answer (a rejected option, another variant) is no answer and
# does not make the line a list of options
ASIDES = [
    ("4a", "A: $[h, d, q]$ (a shared $[d, q]$ would make queries multi-query as well)", "correct"),
    ("4b", "B = [d, k] (not [h, d, k] as in MHA)", "correct"),
    ("4b", "B: $[d, k]$ instead of the per-head $[h, d, k]$", "correct"),
    ("4d", 'D = torch.einsum("bd,dk->bk", x, W_k); the multi-head version would be '
           'torch.einsum("bd,hdk->bhk", x, W_k)', "correct"),
    ("4c", '**C:** `torch.einsum("bd,hdq->bhq", x, W_q)` (not `torch.einsum("bd,dq->bhq", x, W_q)`)', "correct"),
    ("4e", 'E = torch.einsum("bd,hdv->bhv", x, W_v), rather than torch.einsum("bd,dv->bv", x, W_v)', "incorrect"),
]

# spoken forms that still name every index and operand
SPOKEN = [
    ("4c", 'C is einsum "bd,hdq->bhq" applied to x and W_q.', "correct"),
    ("4e", 'The value projection is einsum "bd,dv->bv" on x and W_v.', "correct"),
    ("4d", 'k is einsum "bd,dk->bk" applied to x and W_v.', "incorrect"),
    ("4a", "W_q is h by d by q: one d-by-q matrix per head.", "correct"),
    ("4b", "W_k is a single d by k matrix shared by all heads.", "correct"),
    ("4b", "W_k is h by d by k, one per head.", "incorrect"),
]

# several parts answered together: the option named for this part (its variable, its blank's
# letter, its weight) is its answer; the others answer other parts
TOGETHER = [
    ("4b", "A = [h, d, q], B = [d, k]", "correct"),
    ("4a", "A = [h, d, q], B = [d, k]", "correct"),
    ("4a", "W_q: [h, d, q]\nW_k: [d, k]", "correct"),
    ("4c", '```python\nq = torch.einsum("bd,hdq->bhq", x, W_q)\nk = torch.einsum("bd,dk->bk", x, W_k)\n```', "correct"),
    ("4d", 'q = torch.einsum("bd,hdq->bhq", x, self.W_q)\nk = x @ self.W_k\nv = x @ self.W_v', "correct"),
    ("4c", '(c) `torch.einsum("bd,hdq->bhq", x, W_q)`\n(d) `torch.einsum("bd,dk->bk", x, W_k)`', "correct"),
    ("4a", "| Blank | Answer |\n|---|---|\n| A | `[h, d, q]` |\n| B | `[d, k]` |", "correct"),
    ("4e", "C = x @ W_q\nD = x @ W_k\nE = x @ W_k", "incorrect"),
]


@pytest.mark.parametrize("part, text, expected",
                         SHAPES + PROJECTIONS + WRONG_PROJECTIONS + UNKNOWN_OPERANDS + ASIDES + SPOKEN + TOGETHER)
def test_choice_answers(part, text, expected):
    assert judged(part, text) == expected
