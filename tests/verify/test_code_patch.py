"""Placing claimed code into the Question 3 template (parsing only; nothing runs here)."""

import pytest

from tractor.verify.code_checks import patch_base
from tractor.verify.code_patch import PatchError, apply_edits, repair

from tests.verify._helpers import HW09

PART = HW09.key.part("3b")

# 001's split_heads as the text export prints it: the trailing comment wrapped onto a new line.
WRAPPED = '''def split_heads(self, x):
    batch_size, seq_length, d = x.size()          # d can be
d_model or 2*d_model
    head_dim = d // self.num_heads
    return x.view(batch_size, seq_length,
                  self.num_heads, head_dim).transpose(1, 2)'''
FORWARD_TAIL = '''attn_output = self.scaled_dot_product_attention(Q, K, V, mask)
output = self.W_o(self.combine_heads(attn_output)) # shape
[batch, seq, d_model]'''

# (edits, units the patch changes)
PLACEMENTS = [
    (["self.W_o = nn.Linear(2 * d_model, d_model)"], {"self.W_o"}),
    (["self.W_v = nn.Linear(d_model, 2 * d_model)"], set()),  # restates the question's change
    ([WRAPPED], {"split_heads"}),
    ([FORWARD_TAIL], set()),  # restates the template
    (["self.d_v = 2 * d_model // num_heads"], {"self.d_v"}),  # a new attribute joins __init__
    (["class MultiHeadAttention(nn.Module):\n    def combine_heads(self, x):\n        return x"], {"combine_heads"}),
]


@pytest.mark.parametrize("edits,changed", PLACEMENTS)
def test_placement(edits, changed):
    assert apply_edits(patch_base(PART, HW09.key), edits).changed == changed


def test_new_attribute_lands_in_init():
    source = apply_edits(patch_base(PART, HW09.key), ["self.d_v = 2 * d_model // num_heads"]).source
    init = source[source.index("def __init__"):source.index("def scaled_dot_product_attention")]
    assert "self.d_v = 2 * d_model // num_heads" in init


def test_wrapped_comment_is_rejoined():
    assert [type(n).__name__ for n in repair(FORWARD_TAIL).body] == ["Assign", "Assign"]


@pytest.mark.parametrize("snippet", ["def f(:\n  pass", "x = = 1"])
def test_unparseable_code_is_a_patch_error(snippet):
    with pytest.raises(PatchError):
        apply_edits(patch_base(PART, HW09.key), [snippet])
