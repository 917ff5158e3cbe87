"""HW9 Question 4(a)-(e): chosen shapes and einsum expressions run in the MQA decoding step.

A chosen einsum is data, not code: the expression is read with ``ast`` and only an einsum with a
literal subscript string, a matrix product ``@`` / ``matmul`` and names of the step's tensors are
evaluated (``torch.einsum`` on the step's own weights); the rest of the step is the reference
:func:`refs.mqa_step`, and the result must equal the reference step's output at every seed.
A chosen weight shape is compared by name (q = k = d/h makes ``[h, d, k]`` the same *size* as
``[h, d, q]``, but it names the key width) and run to report what breaks.
"""

from __future__ import annotations

import re

from ...answer_key import Part
from ...records import Claim
from ...verify.outcome import Outcome, correct, incorrect, unverified
from .refs import MQA_SIZES, SEEDS, mqa_inputs, mqa_step

_SHAPE = re.compile(r"^\[?\(?\s*([a-z](?:/[a-z])?(?:\s*[,x×]\s*[a-z](?:/[a-z])?)*)\s*\)?\]?$")
_PROJECTION = {"q": "bd,hdq->bhq", "k": "bd,dk->bk", "v": "bd,dv->bv"}


def parse_shape(text: str) -> list[str] | None:
    """``[h, d, q]`` -> ``["h", "d", "q"]``; an entry may be a width's value (``d/h``)."""
    m = _SHAPE.match(text.strip().replace(" ", ""))
    return re.split(r"[,x×]", m[1]) if m else None


def _size(entry: str, sizes: dict) -> int:
    names = entry.split("/")
    value = sizes[names[0]]
    return value // sizes[names[1]] if len(names) == 2 else value


def _symbolic(entry: str, substitutions) -> "sympy.Expr":
    from ...notation.expressions import load_plain

    expr = load_plain(entry)
    return expr.subs({s: load_plain(substitutions[str(s)]) for s in expr.free_symbols if str(s) in substitutions})


def _run_shape(slot: str, dims: list[int]) -> tuple[float, str]:
    """Largest |step with a weight of shape ``dims`` - reference step| over the seeds, or
    (inf, why it fails)."""
    import torch

    worst = 0.0
    for seed in SEEDS:
        inputs = mqa_inputs(seed)
        want = mqa_step(**inputs)
        if dims != list(inputs[slot].shape):
            g = torch.Generator().manual_seed(seed)
            inputs[slot] = torch.randn(*dims, generator=g, dtype=torch.float64)
        try:
            got = mqa_step(**inputs)
        except RuntimeError as exc:
            return float("inf"), str(exc).split("\n")[0]
        if got.shape != want.shape:
            return float("inf"), f"output shape {list(got.shape)}, expected {list(want.shape)}"
        worst = max(worst, float((got - want).abs().max()))
    return worst, ""


def check_shape(claim: Claim, part: Part, key) -> Outcome:
    """A weight shape: the key's names (``[h, d, q]``), or the same sizes with a width written as
    its value (``[h, d, d/h]``, from the key's ``substitutions``), is correct; another width's
    name (``[h, d, k]`` for W_q) is wrong even though q = k makes the sizes equal."""
    shape = parse_shape(claim.normalized or claim.claim)
    ref = parse_shape(part.reference)
    if shape is None:
        return unverified(f"not a shape: {claim.normalized or claim.claim!r}")
    if any(n not in MQA_SIZES for entry in shape for n in entry.split("/")):
        return unverified(f"unknown dimension in {shape}")
    worst, failure = _run_shape(part.extra["slot"], [_size(e, MQA_SIZES) for e in shape])
    ran = f"fails in the step: {failure}" if failure else f"runs, max |diff| {worst:.2g}"
    written = f"[{', '.join(shape)}]"
    facts = {"claim_shape": shape, "reference_shape": ref}
    if shape == ref:
        return correct(f"shape {written} {ran} over {len(SEEDS)} seeds", part.reference)
    subs = part.extra.get("substitutions", {})
    if len(shape) == len(ref) and all(_symbolic(a, subs) == _symbolic(b, subs) for a, b in zip(shape, ref)):
        renamed = [a for a, b in zip(shape, ref) if a != b and "/" not in a]
        if not renamed and not failure:
            return correct(f"shape {written} is [{', '.join(ref)}] with the width's value "
                           f"({', '.join(f'{k} = {v}' for k, v in subs.items())}); {ran}", part.reference)
        if not failure:
            return incorrect(f"names {written} where [{', '.join(ref)}] belongs; equal sizes only "
                             f"because q = k = v = d/h ({ran})", part.reference, facts)
    return incorrect(f"shape {written} {ran}", part.reference, facts)


def _tensor_of(node, tensors: dict):
    """An operand of a chosen expression: a name of the step's tensors, ``self.`` before it
    allowed, ``.T`` after it; anything else is no operand (None)."""
    import ast

    if isinstance(node, ast.Attribute) and node.attr == "T":
        inner = _tensor_of(node.value, tensors)
        return inner.permute(*reversed(range(inner.dim()))) if inner is not None else None
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return tensors.get(node.attr)
    if isinstance(node, ast.Name):
        return tensors.get(node.id)
    return None


def _evaluate(text: str, tensors: dict):
    """The value of a chosen projection, read as data: ``torch.einsum("spec", A, B)``,
    ``A @ B`` or ``torch.matmul(A, B)`` over the step's named tensors; nothing else is
    evaluated. Returns (tensor, "", "") when it runs, (None, "", why torch refused) when the
    tensors do not fit it, (None, why it cannot be read, "") otherwise."""
    import ast

    import torch

    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return None, f"not an expression: {text!r}", ""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
        operands, call = [node.left, node.right], torch.matmul
    elif isinstance(node, ast.Call) and (getattr(node.func, "attr", None) or getattr(node.func, "id", None)) in ("einsum", "matmul"):
        name = getattr(node.func, "attr", None) or node.func.id
        args = list(node.args)
        if name == "einsum":
            if not args or not (isinstance(args[0], ast.Constant) and isinstance(args[0].value, str)):
                return None, "einsum without a subscript string", ""
            spec = args.pop(0).value.replace(" ", "")
            if not re.fullmatch(r"[A-Za-z,]+->[A-Za-z]*", spec):
                return None, f"subscripts {spec!r} not read", ""
            operands, call = args, (lambda *ts: torch.einsum(spec, *ts))
        else:
            operands, call = args, torch.matmul
    else:
        return None, f"no einsum or matrix product in {text!r}", ""
    tensors_in = [_tensor_of(a, tensors) for a in operands]
    if any(t is None for t in tensors_in):
        return None, f"operands {[ast.unparse(a) for a in operands]} are not all tensors of the step ({', '.join(tensors)})", ""
    try:
        return call(*tensors_in), "", ""
    except RuntimeError as exc:
        return None, "", str(exc).split("\n")[0]


def check_einsum(claim: Claim, part: Part, key) -> Outcome:
    """A chosen projection is right when it computes the reference projection: its value on the
    step's own tensors equals the reference's (shape and values) at every seed, and the step run
    with it equals the reference step. Index letters, operand order, ``self.``, ``x @ W_k`` are
    free; an operand that is not one of the step's tensors leaves the claim unverified."""
    import torch

    text = claim.normalized or claim.claim
    slot = part.extra["slot"]
    spec = re.search(r"einsum\(\s*[\"']([^\"']+)[\"']", text)
    facts = {"claim_subscripts": spec[1].replace(" ", ""), "reference_subscripts": _PROJECTION[slot]} if spec else {}
    worst = 0.0
    for seed in SEEDS:
        inputs = mqa_inputs(seed)
        got, why, failure = _evaluate(text, inputs)
        if why:
            return unverified(why)
        if failure:
            return incorrect(f"{text} fails on the step's tensors: {failure}", part.reference, facts)
        want = torch.einsum(_PROJECTION[slot], inputs["x"], inputs[f"W_{slot}"])
        if got.shape != want.shape:
            return incorrect(f"{text} gives shape {list(got.shape)}, the projection of {slot} has "
                             f"{list(want.shape)}", part.reference, facts)
        step = mqa_step(**inputs, project={slot: lambda x, w, got=got: got})
        worst = max(worst, float((got - want).abs().max()), float((step - mqa_step(**inputs)).abs().max()))
    if worst > 1e-9:
        return incorrect(f"{text} changes the projection of {slot} and the step's output by {worst:.3g}", part.reference,
                         facts)
    return correct(f"{text} computes the projection of {slot}; the MQA step run with it equals the reference "
                   f"over {len(SEEDS)} seeds (max |diff| {worst:.2g})", part.reference)
