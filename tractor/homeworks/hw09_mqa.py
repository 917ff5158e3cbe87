"""HW9 Question 4(a)-(e): chosen shapes and einsum expressions run in the MQA decoding step.

A chosen einsum is data, not code: its subscripts are validated and handed to ``torch.einsum``
with weights shaped as the subscripts say, and the rest of the step is the reference
:func:`hw09_refs.mqa_step`; the result must equal the reference step's output at every seed.
A chosen weight shape is compared by name (q = k = d/h makes ``[h, d, k]`` the same *size* as
``[h, d, q]``, but it names the key width) and run to report what breaks.
"""

from __future__ import annotations

import re

from ..records import Claim
from ..verify.outcome import Outcome, correct, incorrect, unverified
from . import Part
from .hw09_refs import MQA_SIZES, SEEDS, mqa_inputs, mqa_step

_SHAPE = re.compile(r"^\[?\(?\s*([a-z](?:\s*[,x×]\s*[a-z])*)\s*\)?\]?$")
_EINSUM = re.compile(r"""einsum\(\s*["']([a-z]+),([a-z]+)->([a-z]*)["']\s*,\s*(\w+)\s*,\s*(\w+)\s*\)""")


def parse_shape(text: str) -> list[str] | None:
    m = _SHAPE.match(text.strip().replace(" ", ""))
    return re.split(r"[,x×]", m[1]) if m else None


def _run_with(slot: str, weight_shape: list[str], spec: str | None) -> tuple[float, str]:
    """Largest |claimed step - reference step| over the seeds, or (inf, why it fails)."""
    import torch

    worst = 0.0
    for seed in SEEDS:
        inputs = mqa_inputs(seed)
        want = mqa_step(**inputs)
        name = slot if slot.startswith("W_") else f"W_{slot}"
        proj = name[-1]
        if [MQA_SIZES[c] for c in weight_shape] != list(inputs[name].shape):
            g = torch.Generator().manual_seed(seed)
            inputs[name] = torch.randn(*[MQA_SIZES[c] for c in weight_shape], generator=g, dtype=torch.float64)
        default = {"q": "bd,hdq->bhq", "k": "bd,dk->bk", "v": "bd,dv->bv"}[proj]
        formula = spec or default
        try:
            got = mqa_step(**inputs, project={proj: lambda x, w: torch.einsum(formula, x, w)})
        except RuntimeError as exc:
            return float("inf"), str(exc).split("\n")[0]
        if got.shape != want.shape:
            return float("inf"), f"output shape {list(got.shape)}, expected {list(want.shape)}"
        worst = max(worst, float((got - want).abs().max()))
    return worst, ""


def check_shape(claim: Claim, part: Part, key) -> Outcome:
    shape = parse_shape(claim.normalized or claim.claim)
    ref = parse_shape(part.reference)
    if shape is None:
        return unverified(f"not a shape: {claim.normalized or claim.claim!r}")
    if any(c not in MQA_SIZES for c in shape):
        return unverified(f"unknown dimension in {shape}")
    worst, failure = _run_with(part.extra["slot"], shape, None)
    ran = f"fails in the step: {failure}" if failure else f"runs, max |diff| {worst:.2g}"
    facts = {"claim_shape": shape, "reference_shape": ref}
    if shape == ref:
        return correct(f"shape [{', '.join(shape)}] {ran} over {len(SEEDS)} seeds", part.reference)
    if not failure and [MQA_SIZES[c] for c in shape] == [MQA_SIZES[c] for c in ref]:
        return incorrect(f"names [{', '.join(shape)}] where [{', '.join(ref)}] belongs; equal sizes only "
                         f"because q = k = v = d/h ({ran})", part.reference, facts)
    return incorrect(f"shape [{', '.join(shape)}] {ran}", part.reference, facts)


def check_einsum(claim: Claim, part: Part, key) -> Outcome:
    m = _EINSUM.search((claim.normalized or claim.claim).replace(" ", ""))
    if not m:
        return unverified(f"no einsum call in {claim.normalized or claim.claim!r}")
    first, second, out, x_name, w_name = m.groups()
    slot = part.extra["slot"]
    if x_name != "x" or w_name.lower() != f"w_{slot}":
        return incorrect(f"operands ({x_name}, {w_name}); the projection of {slot} takes (x, W_{slot})", part.reference)
    if any(c not in MQA_SIZES for c in first + second + out):
        return unverified(f"unknown index letters in {first},{second}->{out}")
    worst, failure = _run_with(slot, list(second), f"{first},{second}->{out}")
    ref = _EINSUM.search(part.reference.replace(" ", ""))
    facts = {"claim_subscripts": f"{first},{second}->{out}",
             **({"reference_subscripts": f"{ref[1]},{ref[2]}->{ref[3]}"} if ref else {})}
    if failure:
        return incorrect(f"einsum {first},{second}->{out} fails in the MQA step: {failure}", part.reference, facts)
    if worst > 1e-9:
        return incorrect(f"einsum {first},{second}->{out} changes the step's output by {worst:.3g}", part.reference,
                         facts)
    return correct(f"einsum {first},{second}->{out} reproduces the reference MQA step over {len(SEEDS)} seeds "
                   f"(max |diff| {worst:.2g})", part.reference)
