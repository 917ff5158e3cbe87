"""Tensors packed for the sandbox come back bit for bit; a reply is read only at the checker's size."""

import base64

import pytest
import torch

from tractor.verify.tensors import checked_unpacked, packed, unpacked

ROUND_TRIPS = [
    torch.tensor([1.0, -2.5, 3e-300], dtype=torch.float64),
    torch.arange(24, dtype=torch.float64).view(2, 3, 4) / 7,
    torch.tensor([[0.1, 0.2]], dtype=torch.float32),  # sent as float64
    torch.tensor(2.0, dtype=torch.float64),  # a scalar
    torch.arange(12, dtype=torch.float64).view(3, 4).t(),  # not contiguous
]


@pytest.mark.parametrize("tensor", ROUND_TRIPS)
def test_round_trip(tensor):
    sent = packed(tensor)
    assert sent[0] == list(tensor.shape)
    for back in (unpacked(sent), checked_unpacked(sent, list(tensor.shape))):
        assert back.dtype == torch.float64 and torch.equal(back, tensor.to(torch.float64))


GOOD = packed(torch.ones(2, 3, dtype=torch.float64))
NOT_THE_CHECKERS = [
    [GOOD[0], GOOD[1][:-4]],  # cut short
    [GOOD[0], GOOD[1] + "AAAA"],  # longer
    [[3, 2], GOOD[1]],  # same size, another shape
    [GOOD[0], "!" * len(GOOD[1])],  # not base64
    [GOOD[0], base64.b64encode(bytes(48)).decode().encode()],  # bytes, not text
    GOOD[1],  # not [shape, data]
    None,
    [GOOD[0], "A" * 12_000_000],  # 12 MB: refused by its length, never decoded
]


@pytest.mark.parametrize("reply", NOT_THE_CHECKERS)
def test_checked_unpacked_refuses_what_is_not_the_checkers_size(reply):
    with pytest.raises(ValueError):
        checked_unpacked(reply, [2, 3])
