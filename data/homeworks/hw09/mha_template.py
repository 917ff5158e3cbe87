# Question 3 of HW9: the MultiHeadAttention class as the homework states it, with the blanks
# (a)-(h) written as placeholders: a letter in braces. `.contiguous()` before the view in combine_heads is
# part of the original code (PDF extraction drops it in some transcripts; without it the class
# fails for sequences longer than one). The verifier fills the blanks or applies a patch to this
# text and runs the result in the sandbox; it is data, never imported.
import math

import torch
import torch.nn as nn


class MultiHeadAttention(nn.Module):
    def __init__(self, d_model, num_heads):
        super(MultiHeadAttention, self).__init__()
        self.d_model = d_model
        self.num_heads = num_heads
        self.d_k = d_model // num_heads
        self.W_q = nn.Linear(d_model, d_model)
        self.W_k = nn.Linear(d_model, {a})
        self.W_v = nn.Linear({b}, d_model)
        self.W_o = nn.Linear(d_model, {c})

    def scaled_dot_product_attention(self, Q, K, V, mask=None):
        attn_scores = torch.matmul({d}, K.transpose(-2, -1))
        attn_scores = attn_scores / math.sqrt(self.d_k)
        if mask is not None:
            attn_scores = attn_scores.masked_fill(mask == 0, -1e9)
        attn_probs = torch.{e}(attn_scores, dim=-1)
        output = torch.matmul(attn_probs, {f})
        return output

    def split_heads(self, x):
        batch_size, seq_length, d_model = x.size()
        return x.view(batch_size, seq_length, {g}, self.d_k).transpose(1, 2)

    def combine_heads(self, x):
        batch_size, _, seq_length, d_k = x.size()
        return x.transpose(1, 2).contiguous().view(batch_size, seq_length, self.d_model)

    def forward(self, Q, K, V, mask=None):
        Q = self.split_heads(self.W_q(Q))
        K = self.split_heads(self.W_k(K))
        V = self.split_heads(self.W_v(V))
        attn_output = self.scaled_dot_product_attention(Q, K, V, mask)
        output = self.{h}(self.combine_heads(attn_output))
        return output
