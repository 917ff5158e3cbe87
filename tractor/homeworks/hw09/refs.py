"""HW9 reference implementations in PyTorch: the true quantities the claims are checked against.

Everything here is the project's own code and runs in-process (claimed code goes through the
sandbox instead). torch is imported inside each function so that loading the plug-in is cheap.
"""

from __future__ import annotations

import functools
import math

SEEDS = (0, 1, 2, 3, 4)
# (batch, sequence, d_model, heads): several shapes, including a single-token sequence.
MHA_SHAPES = ((2, 5, 16, 4), (1, 7, 12, 3), (3, 1, 8, 2), (2, 4, 24, 6), (1, 3, 8, 8))


def argmax_attention(keys, values, query):
    """Q2: the value whose key has the largest inner product with the query."""
    import torch

    keys, values, query = (torch.as_tensor(t, dtype=torch.float64) for t in (keys, values, query))
    return values[int(torch.argmax(keys @ query))]


def reference_mha(x, weights: dict, num_heads: int):
    """Q3's multi-head self-attention (x used as query, key and value) built on
    ``scaled_dot_product_attention`` with the module's own weights: ``weights`` maps
    ``W_q.weight``, ``W_q.bias``... to tensors. The value width per head is whatever W_v gives,
    so the same function is the reference for the doubled-W_v variant of 3(b)."""
    import torch.nn.functional as F

    def project(name):
        return F.linear(x, weights[f"{name}.weight"], weights.get(f"{name}.bias"))

    def heads(t):
        b, s, width = t.shape
        return t.view(b, s, num_heads, width // num_heads).transpose(1, 2)

    q, k, v = heads(project("W_q")), heads(project("W_k")), heads(project("W_v"))
    out = F.scaled_dot_product_attention(q, k, v)  # scale 1/sqrt(d_k) by default
    b, _, s, _ = out.shape
    out = out.transpose(1, 2).reshape(b, s, -1)
    return F.linear(out, weights["W_o.weight"], weights.get("W_o.bias"))


def torch_mha(x, weights: dict, num_heads: int):
    """The same attention through ``nn.MultiheadAttention`` with copied weights (a cross-check
    of :func:`reference_mha`; only for equal query/key/value widths)."""
    import torch

    d_model = x.shape[-1]
    mha = torch.nn.MultiheadAttention(d_model, num_heads, batch_first=True, dtype=x.dtype)
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.cat([weights[f"{n}.weight"] for n in ("W_q", "W_k", "W_v")]))
        mha.in_proj_bias.copy_(torch.cat([weights[f"{n}.bias"] for n in ("W_q", "W_k", "W_v")]))
        mha.out_proj.weight.copy_(weights["W_o.weight"])
        mha.out_proj.bias.copy_(weights["W_o.bias"])
        return mha(x, x, x, need_weights=False)[0]


# Q4: sizes of the multi-query decoding step; q = k = v = d / h as the question states.
MQA_SIZES = {"b": 2, "d": 12, "h": 3, "q": 4, "k": 4, "v": 4, "n": 5}


def mqa_inputs(seed: int, sizes: dict = MQA_SIZES) -> dict:
    import torch

    g = torch.Generator().manual_seed(seed)
    b, d, h, n = sizes["b"], sizes["d"], sizes["h"], sizes["n"]
    q, k, v = sizes["q"], sizes["k"], sizes["v"]

    def r(*shape):
        return torch.randn(*shape, generator=g, dtype=torch.float64)

    return {"x": r(b, d), "prev_K": r(b, n, k), "prev_V": r(b, n, v), "W_q": r(h, d, q),
            "W_k": r(d, k), "W_v": r(d, v), "W_o": r(h, v, d)}


def mqa_step(x, prev_K, prev_V, W_q, W_k, W_v, W_o, project=None):
    """One multi-query decoding step. ``project`` optionally replaces the q/k/v projections
    (name -> function of the inputs), which is how a claimed expression is run end to end."""
    import torch

    project = project or {}
    q = project["q"](x, W_q) if "q" in project else torch.einsum("bd,hdq->bhq", x, W_q)
    k = project["k"](x, W_k) if "k" in project else torch.einsum("bd,dk->bk", x, W_k)
    v = project["v"](x, W_v) if "v" in project else torch.einsum("bd,dv->bv", x, W_v)
    new_K = torch.cat([prev_K, k.unsqueeze(1)], dim=1)
    new_V = torch.cat([prev_V, v.unsqueeze(1)], dim=1)
    logits = torch.einsum("bhk,bnk->bhn", q, new_K)
    weights = torch.nn.functional.softmax(logits, dim=-1)
    o = torch.einsum("bhn,bnv->bhv", weights, new_V)
    return torch.einsum("bhv,hvd->bd", o, W_o)


def mqa_via_sdpa(x, prev_K, prev_V, W_q, W_k, W_v, W_o):
    """The same step as full attention over the cache with the shared key/value stream
    broadcast to every head: an independent check of :func:`mqa_step`. Scores are unscaled, as
    in the question's pseudocode."""
    import torch
    import torch.nn.functional as F

    q = torch.einsum("bd,hdq->bhq", x, W_q).unsqueeze(2)  # [b, h, 1, q]
    K = torch.cat([prev_K, (x @ W_k).unsqueeze(1)], 1).unsqueeze(1).expand(-1, q.shape[1], -1, -1)
    V = torch.cat([prev_V, (x @ W_v).unsqueeze(1)], 1).unsqueeze(1).expand(-1, q.shape[1], -1, -1)
    o = F.scaled_dot_product_attention(q, K, V, scale=1.0).squeeze(2)
    return torch.einsum("bhv,hvd->bd", o, W_o)


def degree2_kernel(q, k):
    """Q6(b)(i): the inhomogeneous degree-2 polynomial kernel with every constant set to 1."""
    return ((q * k).sum(-1) + 1) ** 2


def degree2_features(x):
    """Q6(b)(ii): phi(x) = [1, sqrt2 x_i, x_i^2, sqrt2 x_i x_j (i<j)], dimension (D+1)(D+2)/2."""
    import torch

    dim = x.shape[-1]
    upper = torch.triu_indices(dim, dim, offset=1)
    cross = math.sqrt(2) * x[..., upper[0]] * x[..., upper[1]]
    return torch.cat([torch.ones_like(x[..., :1]), math.sqrt(2) * x, x**2, cross], dim=-1)


def kernel_attention(phi_q, phi_k, v):
    """Q6(b)(iii): V'_i = sum_j phi(Q_i)·phi(K_j) V_j / sum_j phi(Q_i)·phi(K_j) for one query."""
    sims = phi_k @ phi_q
    return (sims.unsqueeze(-1) * v).sum(0) / sims.sum()


def dot_product_samples(d: int, n: int, mu, sigma: float, seed: int):
    """Q1: n draws of q^T k with q, k iid N(mu, sigma^2 I) in R^d (mu a length-d vector).
    Seeded, so each distinct draw is made once per process and shared by every claim checked
    against it (read-only: callers derive new tensors from it)."""
    import torch

    mu = torch.as_tensor(mu, dtype=torch.float64)
    return _samples(d, n, mu.numpy().tobytes(), float(sigma), seed)


@functools.lru_cache(maxsize=64)
def _samples(d: int, n: int, mu_bytes: bytes, sigma: float, seed: int):
    import torch

    g = torch.Generator().manual_seed(seed)
    mu = torch.frombuffer(bytearray(mu_bytes), dtype=torch.float64)
    q = mu + sigma * torch.randn(n, d, generator=g, dtype=torch.float64)
    k = mu + sigma * torch.randn(n, d, generator=g, dtype=torch.float64)
    return (q * k).sum(-1)


def mean_z(samples, expected: float) -> float:
    """z statistic of the sample mean against an expected mean."""
    se = float(samples.std()) / math.sqrt(len(samples))
    return (float(samples.mean()) - expected) / max(se, 1e-300)


def variance_z(samples, expected: float) -> float:
    """z statistic of the sample variance against an expected variance; the standard error
    uses the sample's fourth central moment, so no normality is assumed."""
    centred = samples - samples.mean()
    var, m4 = float((centred**2).mean()), float((centred**4).mean())
    se = math.sqrt(max(m4 - var**2, 1e-300) / len(samples))
    return (var - expected) / se
