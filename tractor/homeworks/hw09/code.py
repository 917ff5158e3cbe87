"""HW9 Question 3: claimed blanks and patches run against the class template and the reference.

Claimed code runs only in the sandbox, together with a small harness that builds the class at
several seeds and shapes, loads the checker's weights into it (:func:`checker_weight`), applies
it to the checker's input and returns its output and its parameters' shapes (float64 bytes in
JSON). The verdict is decided here, never in the sandbox: the reference
(:func:`refs.reference_mha`) is computed from the checker's own input and weights, once per
case and parameter shapes, and compared with the output; what the sandbox returns is checked
and bounded before use, so it cannot decide how much work this side does. The smallest edit
set that makes the doubled-W_v class run is *computed* by running subsets of the key's candidate
edits (project code, so in-process).
"""

from __future__ import annotations

import base64
import functools
import inspect
import itertools
import json
import re
import textwrap
import threading

from ...paths import data_dir
from ...records import Claim
from ...verify.code_patch import PatchError, Patched, apply_edits, blanks_in, code_blocks, fill_blanks
from ...verify.outcome import Outcome, correct, error, incorrect, unverified
from ...answer_key import Part
from .refs import MHA_SHAPES, SEEDS, reference_mha

_HARNESS = '''

def _tractor_check(payload):
    import base64
    import traceback

    def packed(t):  # raw float64 bytes: a fraction of the cost of JSON number lists both ways
        data = t.detach().to(torch.float64).contiguous().numpy().tobytes()
        return [list(t.shape), base64.b64encode(data).decode("ascii")]

    def unpacked(p):
        return torch.frombuffer(bytearray(base64.b64decode(p[1])), dtype=torch.float64).view(p[0])

%(weights)s
    results = []
    for case in payload["cases"]:
        torch.default_generator.manual_seed(case["seed"])
        try:
            model = MultiHeadAttention(case["d_model"], case["heads"]).double()
            params = {}
            with torch.no_grad():
                for name, param in model.named_parameters():  # the checker's weights, not __init__'s
                    param.copy_(checker_weight(torch, case["seed"], name, list(param.shape)))
                    params[name] = list(param.shape)
                x = unpacked(case["x"])
                out = model(x, x, x)
            results.append({"ok": True, "shape": list(out.shape), "out": packed(out), "params": params})
        except (OSError, MemoryError):
            raise  # the sandbox's limits, not the claim's computation: the whole job fails
        except Exception as exc:
            where = [f.name for f in traceback.extract_tb(exc.__traceback__)
                     if f.filename == "<claim>" and f.name != "_tractor_check"]
            results.append({"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300], "where": where[-5:]})
    return results
'''
_PROSE_EDIT = re.compile(r"(?:change|set|update|make|replace)\s+`?(?:self\.)?(W_[a-z])`?\s+(?:to|with|=|into)\s+`?"
                         r"((?:nn\.)?Linear\([^)]*\))", re.I)
_MAX_PARAMETERS, _MAX_ELEMENTS = 64, 2**20  # per case: a module bigger than this is not judged


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


@functools.cache
def _harness() -> str:
    return _HARNESS % {"weights": textwrap.indent(inspect.getsource(checker_weight), "    ")}


@functools.cache
def _cases() -> tuple[dict, ...]:
    """The checker's cases: seed, shape and the input (chosen here, sent packed)."""
    import torch

    cases = []
    for seed, (batch, seq, d_model, heads) in zip(SEEDS, MHA_SHAPES):
        x = torch.randn(batch, seq, d_model, dtype=torch.float64,
                        generator=torch.Generator().manual_seed(10_000 + seed))
        data = base64.b64encode(x.numpy().tobytes()).decode("ascii")
        cases.append(dict(seed=seed, batch=batch, seq=seq, d_model=d_model, heads=heads, x=[list(x.shape), data]))
    return tuple(cases)


@functools.cache
def _template_text(name: str) -> str:
    return (data_dir() / "homeworks" / "hw09" / name).read_text(encoding="utf-8")


def template(part: Part) -> str:
    return _template_text(part.extra["template"])


def reference_blanks(key, part_id: str) -> dict[str, str]:
    return json.loads(key.part(part_id).reference)


def _unpack(packed, shape: list[int]):
    """A tensor of the checker's ``shape`` from [shape, base64 of float64 bytes] as the
    harness sent it; ValueError unless it is exactly that (its size is checked before
    anything is decoded, so a claim cannot make this side decode more)."""
    import numpy
    import torch

    count = 1
    for n in shape:
        count *= n
    if not (isinstance(packed, list) and len(packed) == 2 and packed[0] == list(shape)
            and isinstance(packed[1], str) and len(packed[1]) == 4 * -(-8 * count // 3)):
        raise ValueError("not a packed tensor of the expected shape")
    values = numpy.frombuffer(bytearray(base64.b64decode(packed[1], validate=True)), dtype=numpy.float64)
    return torch.from_numpy(values.reshape(shape))


def _checked_params(params) -> dict[str, tuple[int, ...]] | None:
    """The module's parameter names and shapes as reported, or None when they are not a
    bounded table of names to small integer shapes (the reference's cost depends on them)."""
    if not isinstance(params, dict) or len(params) > _MAX_PARAMETERS:
        return None
    shapes, total = {}, 0
    for name, shape in params.items():
        if not (isinstance(name, str) and len(name) <= 100 and isinstance(shape, list) and len(shape) <= 4
                and all(type(n) is int and 0 < n <= 4096 for n in shape)):
            return None
        size = 1
        for n in shape:
            size *= n
        total += size
        shapes[name] = tuple(shape)
    return shapes if total <= _MAX_ELEMENTS else None


_REFERENCES: dict[tuple, object] = {}  # (seed, heads, the reference's parameter shapes) -> output
_REFERENCES_KEPT = 1024
_REFERENCES_LOCK = threading.Lock()  # code checks of one transcript run on several threads
_REFERENCE_NAMES = tuple(f"W_{p}.{kind}" for p in "qkvo" for kind in ("weight", "bias"))


def _reference(case: dict, shapes: dict[str, tuple[int, ...]]):
    """:func:`reference_mha` of the checker's input and the checker's weights for the
    parameter shapes the module has, remembered by those shapes: most claims build the
    template's own, so the attention is computed once per case rather than once per claim."""
    import torch

    used = tuple((name, shapes[name]) for name in _REFERENCE_NAMES if name in shapes)
    key = (case["seed"], case["heads"], used)
    with _REFERENCES_LOCK:
        if key not in _REFERENCES:
            x = _unpack(case["x"], [case["batch"], case["seq"], case["d_model"]])
            weights = {name: checker_weight(torch, case["seed"], name, list(shape)) for name, shape in used}
            if len(_REFERENCES) >= _REFERENCES_KEPT:
                del _REFERENCES[next(iter(_REFERENCES))]
            _REFERENCES[key] = reference_mha(x, weights, case["heads"])
        return _REFERENCES[key]


def _failure_text(res: dict) -> str:
    """A failing case as the harness reported it, bounded and scrubbed (it is the claim's text)."""
    from ...verify.sandboxes import bounded

    where = res.get("where")
    where = [w for w in where if isinstance(w, str)][-5:] if isinstance(where, list) else []
    return bounded(f"{res.get('error')} (in {', '.join(where) or 'module'})")


def _compare(results) -> tuple[float, list[str]]:
    """Largest |claimed - reference| over the cases that ran, and the failures. Everything in
    ``results`` came from the claim's process: checked here before use, never trusted to say
    whether the claim passed."""
    cases = _cases()
    if not isinstance(results, list) or len(results) != len(cases) or not all(isinstance(r, dict) for r in results):
        return 0.0, ["malformed result from the sandbox (not one result per case)"]
    worst, failures = 0.0, []
    for case, res in zip(cases, results):
        if res.get("ok") is not True:
            failures.append(_failure_text(res))
            continue
        shape = [case["batch"], case["seq"], case["d_model"]]
        if res.get("shape") != shape:
            from ...verify.sandboxes import bounded

            failures.append(f"output shape {bounded(repr(res.get('shape')), 80)}, expected {shape}")
            continue
        shapes = _checked_params(res.get("params"))
        if shapes is None:
            failures.append("malformed result from the sandbox (parameter table)")
            continue
        try:
            out = _unpack(res.get("out"), shape)
        except (ValueError, TypeError) as exc:
            failures.append(f"malformed result from the sandbox ({exc})")
            continue
        try:
            want = _reference(case, shapes)
        except (KeyError, RuntimeError) as exc:
            failures.append(f"reference not computable from the module's parameters ({str(exc)[:120]})")
            continue
        worst = max(worst, float((out - want).abs().max()))
    return worst, failures


def _malformed(failures: list[str]) -> Outcome | None:
    """A result the checker cannot read is no evidence about the claim: ``error``, not cached."""
    bad = next((f for f in failures if f.startswith("malformed result")), None)
    return None if bad is None else error(f"sandbox: {bad}")


def _run(source: str) -> tuple[list[dict] | None, Outcome | None]:
    from ...verify.sandboxes import run_claimed

    return run_claimed(source + _harness(), "_tractor_check", {"cases": list(_cases())})


def check_blanks(claim: Claim, part: Part, key) -> Outcome:
    """3(a): fill the stated blanks (the statement's given ones from the key), run, compare."""
    try:
        stated = {k.lower(): str(v) for k, v in json.loads(claim.normalized).items()}
    except (ValueError, AttributeError):
        return unverified("blanks not readable as a JSON object")
    reference = reference_blanks(key, part.id)
    given = set(part.extra.get("given", ()))
    unstated = [b for b in blanks_in(template(part)) if b not in stated and b not in given]
    blanks = {**{b: reference[b] for b in reference if b not in stated}, **stated}
    results, stop = _run(fill_blanks(template(part), blanks))
    if stop:
        return stop
    worst, failures = _compare(results)
    runs = f"{len(_cases())} seeds/shapes (batch, seq, d_model, heads) {list(MHA_SHAPES)}"
    if (malformed := _malformed(failures)) is not None:
        return malformed
    facts = {**_run_facts(results), "wrong_blanks": sorted(b for b, v in stated.items()
                                                           if b in reference and _code(v) != _code(reference[b]))}
    if failures:
        return incorrect(f"filled class fails: {failures[0]}", part.reference, facts)
    if worst > 1e-9:
        return incorrect(f"filled class differs from reference attention by {worst:.3g} over {runs}", part.reference,
                         facts)
    if unstated:
        return unverified(f"blanks {', '.join(unstated)} not stated; the stated ones match the reference")
    return correct(f"matches reference attention (max |diff| {worst:.2g}) over {runs}", part.reference)


def _edits_of(claim: Claim) -> tuple[list[str], list[str]]:
    """(code edits, prose edits that could not be turned into code)."""
    try:
        items = json.loads(claim.normalized) if claim.normalized else []
    except ValueError:
        items = []
    if not items and claim.claim.strip():
        items = [{"type": "code", "text": block} for block in code_blocks(claim.claim)]
    code, prose = [], []
    for item in items:
        if item.get("type") == "code":
            code.append(item["text"])
        elif m := _PROSE_EDIT.search(item.get("text", "")):
            code.append(f"self.{m[1]} = nn.{m[2].removeprefix('nn.')}")
        else:
            prose.append(item.get("text", ""))
    return code, prose


def patch_base(part: Part, key) -> str:
    return _base_patch(part, key).source


def _base_patch(part: Part, key) -> Patched:
    """The template with the key's blanks and the question's own change applied (computed
    once per key version)."""
    cache_key = (key.homework, key.version, part.id)
    with _KEY_DERIVED_LOCK:
        if cache_key not in _BASES:
            filled = fill_blanks(template(part), reference_blanks(key, part.extra["blanks_from"]))
            _BASES[cache_key] = apply_edits(filled, [part.extra["base_change"]])
        return _BASES[cache_key]


_BASES: dict[tuple, Patched] = {}
_KEY_DERIVED_LOCK = threading.RLock()  # computed once even when several checks ask at once


def _runs_in_process(source: str) -> bool:
    """Whether project-written code (a candidate edit set) runs and keeps [batch, seq, d_model]."""
    import torch

    namespace: dict = {}
    exec(compile(source, "<candidate>", "exec"), namespace)  # noqa: S102 - the key's own edits
    try:
        for b, n, d, h in MHA_SHAPES:
            model = namespace["MultiHeadAttention"](d, h)
            x = torch.randn(b, n, d)
            if list(model(x, x, x).shape) != [b, n, d]:
                return False
    except RuntimeError:
        return False
    return True


def minimal_edit_set(part: Part, key) -> tuple[int, tuple[str, ...]]:
    """Size of the smallest subset of the key's candidate edits that runs, and its units
    (computed once per key version)."""
    cache_key = (key.homework, key.version, part.id)
    with _KEY_DERIVED_LOCK:
        if cache_key not in _MINIMAL:
            _MINIMAL[cache_key] = _search_minimal(part, key)
        return _MINIMAL[cache_key]


_MINIMAL: dict[tuple, tuple[int, tuple[str, ...]]] = {}


def _search_minimal(part: Part, key) -> tuple[int, tuple[str, ...]]:
    base, candidates = patch_base(part, key), list(part.extra["candidate_edits"])
    for size in range(len(candidates) + 1):
        for subset in itertools.combinations(candidates, size):
            patched = apply_edits(base, list(subset))
            if _runs_in_process(patched.source):
                return len(patched.changed), tuple(sorted(patched.changed))
    raise PatchError("no subset of the candidate edits runs")


def check_patch(claim: Claim, part: Part, key) -> Outcome:
    """3(b): does the patched class run with the doubled W_v and return [batch, seq, d_model]?
    Records the number of edited units against the smallest edit set that runs."""
    code, prose = _edits_of(claim)
    if not code:
        return unverified("no code edit to run" + (f"; prose: {prose[0][:80]}" if prose else ""))
    try:
        patched = apply_edits(patch_base(part, key), code)
    except PatchError as exc:
        return unverified(str(exc))
    size, units = minimal_edit_set(part, key)
    changed = patched.changed - _base_patch(part, key).changed  # restating the question's own change: no edit
    edits = (f"edits {len(changed)} ({', '.join(sorted(changed)) or 'none'}) "
             f"vs minimal {size} ({', '.join(units)})")
    facts = {"edits": len(changed), "edited_units": sorted(changed), "minimal_edits": size,
             "minimal_units": list(units)}
    results, stop = _run(patched.source)
    if stop:
        return Outcome(stop.verdict, f"{stop.detail}; {edits}", part.reference, facts)
    worst, failures = _compare(results)
    if (malformed := _malformed(failures)) is not None:
        return Outcome(malformed.verdict, f"{malformed.detail}; {edits}", part.reference)
    facts.update(_run_facts(results))
    if failures:
        failing = " ".join(str(r["where"][-1])[:100] for r in results
                           if r.get("ok") is not True and isinstance(r.get("where"), list) and r["where"])
        loose = [t for t in prose + patched.unplaced if any(w and w in t for w in failing.split())]
        if loose:
            return unverified(f"runs fail ({failures[0]}) but an edit that could not be placed "
                              f"concerns it: {loose[0][:80]}; {edits}", facts=facts)
        return incorrect(f"fix does not run: {failures[0]}; {edits}", part.reference, facts)
    if worst > 1e-9:  # runs, but computes something else than attention with the wider values
        return unverified(f"runs, output [batch, seq, d_model] on {len(_cases())} seeds/shapes, but differs by "
                          f"{worst:.3g} from reference attention with wider values; {edits}", part.reference, facts)
    return correct(f"runs, output [batch, seq, d_model] on {len(_cases())} seeds/shapes, matches reference "
                   f"attention with wider values; {edits}", part.reference, facts)


def _run_facts(results: list[dict]) -> dict:
    """Whether every case ran, the exception class of the first that did not, and the first
    output shape that is not [batch, seq, d_model] (read from the sandbox's reply: bounded)."""
    failed = [r for r in results if r.get("ok") is not True]
    error_class = str(failed[0].get("error", "")).split(":")[0][:60] if failed else ""
    facts = {"runs": not failed, **({"error_class": error_class} if failed else {})}
    shapes = [(r.get("shape"), [c["batch"], c["seq"], c["d_model"]]) for c, r in zip(_cases(), results)
              if r.get("ok") is True]
    if wrong := next(((got, want) for got, want in shapes if got != want), None):
        facts["output_shape"], facts["expected_shape"] = wrong
    return facts


def _code(text: str) -> str:
    return re.sub(r"\s+", "", str(text))
