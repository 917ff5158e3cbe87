"""Tensors across the sandbox's wall: ``[shape, base64 of float64 bytes]`` in JSON.

Raw float64 bytes cost a fraction of JSON number lists both ways and keep every bit, so the
reference computed here and the output computed in the sandbox are compared exactly.
:func:`packed` and :func:`unpacked` are the project's own code on both sides: their source is
also what the sandbox's harness runs (:mod:`.code_run` copies it in). What comes back is read
by :func:`checked_unpacked` only, which checks the size before decoding anything.
"""

from __future__ import annotations

import inspect


def packed(t):
    """``[shape, base64 of the float64 bytes]`` of a tensor."""
    import base64

    import torch

    data = t.detach().to(torch.float64).contiguous().numpy().tobytes()
    return [list(t.shape), base64.b64encode(data).decode("ascii")]


def unpacked(p):
    """The tensor :func:`packed` gave ``p`` for (the checker's own data: not checked)."""
    import base64

    import torch

    return torch.frombuffer(bytearray(base64.b64decode(p[1])), dtype=torch.float64).view(p[0])


def checked_unpacked(p, shape: list[int]):
    """A tensor of the checker's ``shape`` from what a claim's process sent; ValueError unless
    it is exactly that (its size is checked before anything is decoded, so a claim cannot make
    this side decode more)."""
    import base64

    import numpy
    import torch

    count = 1
    for n in shape:
        count *= n
    if not (isinstance(p, list) and len(p) == 2 and p[0] == list(shape)
            and isinstance(p[1], str) and len(p[1]) == 4 * -(-8 * count // 3)):
        raise ValueError("not a packed tensor of the expected shape")
    values = numpy.frombuffer(bytearray(base64.b64decode(p[1], validate=True)), dtype=numpy.float64)
    return torch.from_numpy(values.reshape(shape))


def packing_source() -> str:
    """The source of :func:`packed` and :func:`unpacked`, for a harness run in the sandbox."""
    return inspect.getsource(packed) + "\n" + inspect.getsource(unpacked)
