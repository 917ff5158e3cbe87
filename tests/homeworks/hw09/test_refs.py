"""HW9 reference implementations agree with independent computations of the same quantity."""

import pytest
import torch

from tractor.homeworks import get
from tractor.homeworks.hw09 import refs
from tractor.homeworks.hw09.code import WIDER_MHA
from tractor.verify.code_checks import minimal_edit_set

KEY = get("hw09").key


def test_argmax_attention_matches_the_key():
    p = KEY.part("2a")
    assert refs.argmax_attention(p.extra["keys"], p.extra["values"], p.extra["query"]).tolist() == [1, 4, 3]


def _weights(d_model, width_v, seed):
    g = torch.Generator().manual_seed(seed)
    shapes = {"W_q": (d_model, d_model), "W_k": (d_model, d_model),
              "W_v": (width_v, d_model), "W_o": (d_model, width_v)}
    out = {}
    for name, shape in shapes.items():
        out[f"{name}.weight"] = torch.randn(*shape, generator=g, dtype=torch.float64)
        out[f"{name}.bias"] = torch.randn(shape[0], generator=g, dtype=torch.float64)
    return out


# The SDPA-based reference equals nn.MultiheadAttention with copied weights.
@pytest.mark.parametrize("seed,shape", list(zip(refs.SEEDS, refs.MHA_SHAPES)))
def test_reference_mha_matches_nn_multihead_attention(seed, shape):
    b, n, d, h = shape
    x = torch.randn(b, n, d, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
    w = _weights(d, d, seed)
    assert torch.allclose(refs.reference_mha(x, w, h), refs.torch_mha(x, w, h), atol=1e-10)


def test_reference_mha_handles_doubled_values():
    x = torch.randn(2, 5, 16, dtype=torch.float64)
    assert refs.reference_mha(x, _weights(16, 32, 0), 4).shape == (2, 5, 16)


@pytest.mark.parametrize("seed", refs.SEEDS)
def test_mqa_step_matches_attention_over_the_cache(seed):
    inputs = refs.mqa_inputs(seed)
    assert torch.allclose(refs.mqa_step(**inputs), refs.mqa_via_sdpa(**inputs), atol=1e-10)


@pytest.mark.parametrize("dim", [1, 2, 3, 7])
def test_degree2_features_reproduce_the_kernel(dim):
    g = torch.Generator().manual_seed(dim)
    q, k = (torch.randn(50, dim, generator=g, dtype=torch.float64) for _ in range(2))
    phi = refs.degree2_features
    assert phi(q).shape[-1] == (dim + 1) * (dim + 2) // 2
    assert torch.allclose((phi(q) * phi(k)).sum(-1), refs.degree2_kernel(q, k), atol=1e-10)


def test_kernel_attention_equals_the_generic_form():
    g = torch.Generator().manual_seed(0)
    phi_q, phi_k, v = torch.rand(6, generator=g), torch.rand(4, 6, generator=g), torch.rand(4, 3, generator=g)
    sims = phi_k @ phi_q
    assert torch.allclose(refs.kernel_attention(phi_q, phi_k, v), (sims[:, None] * v).sum(0) / sims.sum())


# Question 1 statistics: a true moment is not rejected, a wrong one is by far.
def test_moment_tests():
    s = refs.dot_product_samples(64, 8000, torch.zeros(64, dtype=torch.float64), 1.0, seed=0)
    assert abs(refs.variance_z(s, 64)) < 4 and abs(refs.variance_z(s, 64**2)) > 100
    assert abs(refs.mean_z(s, 0.0)) < 4 and abs(refs.mean_z(s, 8.0)) > 50


# Draws are cached per process: the same arguments give the same draw, a different mean or seed
# a different one, and the cached draw has the requested mean.
def test_samples_cached_by_value():
    mu = torch.full((16,), 0.5, dtype=torch.float64)
    a = refs.dot_product_samples(16, 4000, mu, 1.0, seed=3)
    assert torch.equal(a, refs.dot_product_samples(16, 4000, mu.clone(), 1.0, seed=3))
    assert not torch.equal(a, refs.dot_product_samples(16, 4000, mu, 1.0, seed=4))
    assert not torch.equal(a, refs.dot_product_samples(16, 4000, mu * 2, 1.0, seed=3))
    assert abs(refs.mean_z(a, 16 * 0.25)) < 4


# The smallest edit set that makes the doubled-W_v class run, computed by running subsets.
def test_minimal_edit_set_is_w_o_plus_both_reshapes():
    assert minimal_edit_set(KEY.part("3b"), KEY, WIDER_MHA) == (3, ("combine_heads", "self.W_o", "split_heads"))
