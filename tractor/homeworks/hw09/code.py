"""HW9 Question 3: the MultiHeadAttention class of the template, as a code problem.

The generic checks (:mod:`tractor.verify.code_checks`) fill the blanks or apply the patch and
run the class in the sandbox; this module says what runs there and what it is compared with.
The harness builds the class at several seeds and shapes, loads the checker's weights into it
(:func:`checker_weight`, so a claim cannot pick the weights it is compared on), applies it to
the checker's input and returns its output and its parameters' shapes. The reference
(:func:`refs.reference_mha`) is computed here from the same input and weights for those
parameter shapes, which is what makes it the reference for the doubled-W_v class of 3(b) too.
"""

from __future__ import annotations

import dataclasses
import inspect
import re

from ...answer_key import AnswerKey, Part
from ...records import Claim
from ...verify import code_checks
from ...verify.code_run import Case, CodeProblem
from ...verify.outcome import Outcome
from .refs import MHA_SHAPES, SEEDS, reference_mha

_RUN_CASE = '''
def run_case(case):
    import torch

    torch.default_generator.manual_seed(case["seed"])
    model = MultiHeadAttention(case["d_model"], case["heads"]).double()
    params = {}
    with torch.no_grad():
        for name, param in model.named_parameters():  # the checker's weights, not __init__'s
            param.copy_(checker_weight(torch, case["seed"], name, list(param.shape)))
            params[name] = list(param.shape)
        x = case["x"]
        return model(x, x, x), params
'''
_PROSE_EDIT = re.compile(r"(?:change|set|update|make|replace)\s+`?(?:self\.)?(W_[a-z])`?\s+(?:to|with|=|into)\s+`?"
                         r"((?:nn\.)?Linear\([^)]*\))", re.I)
_REFERENCE_NAMES = tuple(f"W_{p}.{kind}" for p in "qkvo" for kind in ("weight", "bias"))


def checker_weight(torch, seed: int, name: str, shape: list[int]):
    """The value the checker gives the module's parameter ``name`` of ``shape`` in case
    ``seed``: uniform within ±1/sqrt(last dimension), as ``nn.Linear`` draws, from a
    generator seeded by the case and the name. The harness loads these into the claimed
    module (whatever its ``__init__`` did) and the reference is computed here from the same
    values, so a claim cannot pick the weights it is compared on."""
    import zlib

    generator = torch.Generator().manual_seed(seed * 2**32 + zlib.crc32(name.encode()))
    bound = 1.0 / max(1, shape[-1]) ** 0.5 if shape else 1.0
    return (torch.rand(shape, generator=generator, dtype=torch.float64) * 2 - 1) * bound


def _cases() -> list[Case]:
    """The checker's cases: seed, shape and the input (chosen here)."""
    import torch

    return [Case(dict(seed=seed, d_model=d_model, heads=heads,
                      x=torch.randn(batch, seq, d_model, dtype=torch.float64,
                                    generator=torch.Generator().manual_seed(10_000 + seed))),
                 (batch, seq, d_model))
            for seed, (batch, seq, d_model, heads) in zip(SEEDS, MHA_SHAPES)]


def _reference(inputs, shapes: dict[str, tuple[int, ...]]):
    """:func:`reference_mha` of the case's input with the checker's weights for the parameter
    shapes the module has."""
    import torch

    weights = {name: checker_weight(torch, inputs["seed"], name, list(shapes[name]))
               for name in _REFERENCE_NAMES if name in shapes}
    return reference_mha(inputs["x"], weights, inputs["heads"])


def _prose_edit(text: str) -> str | None:
    """A patch stated in words ("change W_o to nn.Linear(2 * d_model, d_model)") as the
    statement it asks for, or None."""
    m = _PROSE_EDIT.search(text)
    return f"self.{m[1]} = nn.{m[2].removeprefix('nn.')}" if m else None


MHA = CodeProblem(
    harness=inspect.getsource(checker_weight) + _RUN_CASE, cases=_cases, reference=_reference,
    prose_edit=_prose_edit, subject="class", reference_name="reference attention", cases_name="seeds/shapes",
    cases_detail=f"(batch, seq, d_model, heads) {list(MHA_SHAPES)}", output_name="[batch, seq, d_model]")
WIDER_MHA = dataclasses.replace(MHA, reference_name="reference attention with wider values")


def check_blanks(claim: Claim, part: Part, key: AnswerKey) -> Outcome:
    """3(a): blanks (a)-(h) of the class."""
    return code_checks.check_blanks(claim, part, key, MHA)


def check_patch(claim: Claim, part: Part, key: AnswerKey) -> Outcome:
    """3(b): does the patched class run with the doubled W_v and return [batch, seq, d_model]?"""
    return code_checks.check_patch(claim, part, key, WIDER_MHA)
