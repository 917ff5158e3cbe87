"""Question 4(a)-(e): chosen shapes and einsums executed in the MQA decoding step."""

import pytest

from tests.verify._helpers import verdict

CHOICES = [
    ("4a", "[h, d, q]", "correct"),
    ("4a", "[h, d, k]", "incorrect"),  # same size since q = k, wrong name
    ("4a", "[d, q]", "incorrect"),
    ("4a", "[h, q]", "incorrect"),
    ("4b", "[d, k]", "correct"),
    ("4b", "[h, d, k]", "incorrect"),
    ("4b", "[h, k]", "incorrect"),
    ("4c", 'torch.einsum("bd,hdq->bhq", x, W_q)', "correct"),
    ("4c", 'torch.einsum("bd,dq->bhq", x, W_q)', "incorrect"),
    ("4c", 'torch.einsum("bhd,dq->bhq", x, W_q)', "incorrect"),
    ("4d", 'torch.einsum("bd,dk->bk", x, W_k)', "correct"),
    ("4d", "torch.einsum('bd,dk->bk', x,W_k)", "correct"),
    ("4d", 'torch.einsum("bd,hdk->bhk", x, W_k)', "incorrect"),
    ("4d", 'torch.einsum("bd,dk->bhk", x, W_k)', "incorrect"),
    ("4e", 'torch.einsum("bd,dv->bv", x, W_v)', "correct"),
    ("4e", 'torch.einsum("bd,hdv->bhv", x, W_v)', "incorrect"),
    ("4e", 'torch.einsum("bd,dv->bhv", x, W_v)', "incorrect"),
    ("4e", 'torch.einsum("bd,dv->bv", x, W_k)', "incorrect"),
    ("4e", "the third one", "unverified"),
]


@pytest.mark.parametrize("part,choice,expected", CHOICES)
def test_choices(part, choice, expected):
    assert verdict(part, choice)[0] == expected
