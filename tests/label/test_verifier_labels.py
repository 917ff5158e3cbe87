"""Verifier-derived labels end to end: a transcript snippet through the real extractor, verifier
(claimed code in the sandbox) and labeller. Only the verifier's labels are compared."""

import pytest

from tractor.label import label_transcript
from tractor.pipeline import extract_and_verify
from tractor.records import Message, Transcript

W_O = "```python\nself.W_o = nn.Linear(2 * d_model, d_model)\n```"
SPLIT = ("```python\ndef split_heads(self, x):\n    batch_size, seq_length, width = x.size()\n"
         "    return x.view(batch_size, seq_length, self.num_heads, width // self.num_heads).transpose(1, 2)\n```")
COMBINE = ("```python\ndef combine_heads(self, x):\n    batch_size, _, seq_length, head_width = x.size()\n"
           "    return x.transpose(1, 2).contiguous().view(batch_size, seq_length, -1)\n```")
SDPA = ("```python\ndef scaled_dot_product_attention(self, Q, K, V, mask=None):\n"
        "    attn_scores = torch.matmul(Q, K.transpose(-2, -1)) / math.sqrt(self.d_k)\n"
        "    if mask is not None:\n        attn_scores = attn_scores.masked_fill(mask == 0, -1e9)\n"
        "    attn_probs = torch.softmax(attn_scores, dim=-1)\n    return torch.matmul(attn_probs, V)\n```")
D_K = "```python\nself.d_k = d_model // num_heads\n```"
FORWARD = ("```python\ndef forward(self, Q, K, V, mask=None):\n    Q = self.split_heads(self.W_q(Q))\n"
           "    K = self.split_heads(self.W_k(K))\n    V = self.split_heads(self.W_v(V))\n"
           "    out = self.scaled_dot_product_attention(Q, K, V, mask)\n"
           "    return self.W_o(self.combine_heads(out))\n```")


def _labels(*turns):
    roles = ("user", "assistant")
    t = Transcript("t", "t.txt", "text", [Message(roles[i % 2], x) for i, x in enumerate(turns)], homework="hw09")
    return sorted({(lb.label, lb.part) for lb in label_transcript(t, extract_and_verify(t, True))
                   if lb.detector == "verifier"})


def _fix(*blocks, intro="Change the output projection and let the head split infer the width:"):
    return ("solve 3(b)", "### 3(b) Making the doubled W_v work\n\n" + intro + "\n\n" + "\n\n".join(blocks))


# Code fixes, run in the sandbox: one unneeded edit (a rewritten but equivalent method, a
# restated size) is non-minimal; the minimal set is not; W_o alone does not run
@pytest.mark.parametrize("turns, expected", [
    (_fix(W_O, SPLIT, COMBINE, SDPA), [("non_minimal_fix", "3b")]),
    (_fix(W_O, SPLIT, COMBINE, FORWARD), [("non_minimal_fix", "3b")]),
    (_fix(SDPA, W_O, COMBINE, SPLIT, intro="Rewrite attention, then fix the projection and both reshapes:"),
     [("non_minimal_fix", "3b")]),
    (_fix(W_O, SPLIT, COMBINE), []),
    (_fix(W_O, intro="Only change the output projection:"), [("fix_does_not_run", "3b")]),
    (_fix(W_O, D_K, intro="Change W_o and the head width:"), [("fix_does_not_run", "3b")]),
    # runs, but the output keeps the doubled width: not residual-compatible
    (_fix(W_O.replace("d_model)", "2 * d_model)"), SPLIT, COMBINE), [("wrong_shape", "3b")]),
])
def test_code_patch_labels(turns, expected):
    assert _labels(*turns) == expected


BLANKS = "| Blank | Fill |\n|---|---|\n| (a) | `d_model` |\n| (b) | `d_model` |\n| (d) | `{d}` |\n| (e) | `{e}` |\n" \
         "| (f) | `V` |\n| (h) | `W_o` |"


# Code blanks, run in the sandbox: a blank that breaks or changes the class is wrong_blank
@pytest.mark.parametrize("d, e, expected", [
    ("Q", "sigmoid", [("wrong_blank", "3a")]),
    ("K", "softmax", [("wrong_blank", "3a")]),
    ("Q", "softmax", []),
])
def test_code_blank_labels(d, e, expected):
    assert _labels("solve 3", "### 3(a)\n" + BLANKS.format(d=d, e=e)) == expected


# Shapes, einsums, vectors and bounds, judged by running the homework's computation
@pytest.mark.parametrize("turns, expected", [
    (("solve 4", "**(a)** `[h, d, k]`"), [("wrong_shape", "4a")]),
    (("solve 4", "**(b)** `[h, d, k]`"), [("wrong_shape", "4b")]),
    (("solve 4", "**(a)** `[h, d, q]`"), []),
    (("solve 4", "**(d)** `torch.einsum(\"bd,hdk->bhk\", x, W_k)`"), [("wrong_einsum_subscripts", "4d")]),
    (("solve 4", "**(d)** `torch.einsum(\"bd,dk->bk\", x, W_k)`"), []),
    (("now solve 2", "## Problem 2\n\n**(a)** The output is $[2, 0, 1]$"), [("wrong_value", "2a")]),
    (("now solve 2", "## Problem 2\n\n**(a)** The output is $[3, 11, 5, 2]$"), [("wrong_shape", "2a")]),
    (("now solve 2", "## Problem 2\n\n**(a)** The output is $[1, 4, 3]$"), []),
    (("solve 6", "### 6(c)\nTime: $O(N^2 D)$"), [("wrong_complexity_term", "6c")]),
    (("solve 4", "(f) The step costs $O(b d^2)$"), [("wrong_complexity_term", "4f")]),
    (("solve 4", "(f) The step costs $O(b d^2 + b n d)$"), []),
])
def test_comparison_labels(turns, expected):
    assert _labels(*turns) == expected


# Expressions and feature maps against the key; movements across a user turn; invented parts
@pytest.mark.parametrize("turns, expected", [
    (("solve 1", "(c) $s = d$"), [("wrong_constant", "1c")]),
    (("solve 1", "(c) $s = d + 1$"), [("other_error", "1c")]),
    (("solve 6", "### 6(b)(i)\n$\\text{sim}(q, k) = (q^T k)^2$"), [("missing_bias_term", "6b.i")]),
    (("solve 6", "### 6(b)(ii)\n$\\phi(x) = [1, \\sqrt{2} x_1, \\sqrt{2} x_2, x_1^2, x_2^2]$"),
     [("wrong_monomials", "6b.ii")]),
    (("solve 6", "### 6(b)(ii)\n$\\phi(x) = [1, x_1, x_2, x_1^2, x_2^2, x_1 x_2]$"), [("wrong_coefficients", "6b.ii")]),
    (("solve 1", "(c) $s = d$", "Are you sure? I thought the scale should be the root.", "You're right: $$s = \\sqrt{d}$$"),
     [("self_corrected", "1c"), ("wrong_constant", "1c")]),
    (("solve 1", "(c) $s = \\sqrt{d}$", "Are you sure? I thought it should be d.", "You're right, I apologize: $$s = d$$"),
     [("flip_to_wrong", "1c"), ("wrong_constant", "1c")]),
    (("solve 6", "### 6(e) Complexity of kernel attention\nTime is $O(N D^2)$"), [("invented_subpart", "6e")]),
    (("now solve 2", "## Problem 2\n\n**(a)** $[1, 4, 3]$\n- (c) = 3 keys scored"), []),
])
def test_math_labels(turns, expected):
    assert _labels(*turns) == expected
