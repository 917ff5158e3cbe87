"""HW9 Question 3: claimed blanks and patches run against the class template and the reference.

Claimed code runs only in the sandbox, together with a small harness that builds the class at
several seeds and shapes and returns its output, weights and input (float64 bytes in JSON); the
reference (:func:`hw09_refs.reference_mha`) is computed here from those same weights, once per
distinct input and weights (most claims build the template's own). The smallest edit
set that makes the doubled-W_v class run is *computed* by running subsets of the key's candidate
edits (project code, so in-process).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import itertools
import json
import re
import threading

from ..paths import data_dir
from ..records import Claim
from ..verify.code_patch import PatchError, Patched, apply_edits, blanks_in, code_blocks, fill_blanks
from ..verify.outcome import Outcome, correct, incorrect, unverified
from . import Part
from .hw09_refs import MHA_SHAPES, SEEDS, reference_mha

_HARNESS = '''

def _tractor_check(payload):
    import base64
    import traceback

    def packed(t):  # raw float64 bytes: a fraction of the cost of JSON number lists both ways
        data = t.detach().to(torch.float64).contiguous().numpy().tobytes()
        return [list(t.shape), base64.b64encode(data).decode("ascii")]

    results = []
    for case in payload["cases"]:
        # the CPU generator alone: torch.manual_seed also queues seeds for absent accelerators
        torch.default_generator.manual_seed(case["seed"])
        try:
            model = MultiHeadAttention(case["d_model"], case["heads"]).double()
            x = torch.randn(case["batch"], case["seq"], case["d_model"], dtype=torch.float64)
            with torch.no_grad():
                out = model(x, x, x)
            results.append({"ok": True, "shape": list(out.shape), "out": packed(out), "x": packed(x),
                            "weights": {k: packed(v) for k, v in model.state_dict().items()}})
        except Exception as exc:
            where = [f.name for f in traceback.extract_tb(exc.__traceback__)
                     if f.filename == "<claim>" and f.name != "_tractor_check"]
            results.append({"ok": False, "error": f"{type(exc).__name__}: {exc}", "where": where})
    return results
'''
_CASES = [dict(seed=s, batch=b, seq=n, d_model=d, heads=h) for s, (b, n, d, h) in zip(SEEDS, MHA_SHAPES)]
_PROSE_EDIT = re.compile(r"(?:change|set|update|make|replace)\s+`?(?:self\.)?(W_[a-z])`?\s+(?:to|with|=|into)\s+`?"
                         r"((?:nn\.)?Linear\([^)]*\))", re.I)


@functools.cache
def _template_text(name: str) -> str:
    return (data_dir() / "homeworks" / "hw09" / name).read_text(encoding="utf-8")


def template(part: Part) -> str:
    return _template_text(part.extra["template"])


def reference_blanks(key, part_id: str) -> dict[str, str]:
    return json.loads(key.part(part_id).reference)


def _unpack(packed):
    """A tensor the harness sent as [shape, base64 of float64 bytes]; ValueError when the
    bytes do not fill the shape."""
    import numpy
    import torch

    shape, data = packed
    values = numpy.frombuffer(bytearray(base64.b64decode(data, validate=True)), dtype=numpy.float64)
    return torch.from_numpy(values.reshape([int(n) for n in shape]))


_REFERENCES: dict[bytes, object] = {}  # digest of (heads, packed x, packed weights) -> reference output
_REFERENCES_KEPT = 1024
_REFERENCES_LOCK = threading.Lock()  # code checks of one transcript run on several threads


def _reference(res: dict, heads: int):
    """:func:`reference_mha` of the module's input and weights, remembered by a digest of
    their bytes as sent: most claims build the module with the template's own weights, so
    the attention is computed once per seed and shape rather than once per claim."""
    digest = hashlib.blake2b(json.dumps([heads, res["x"], res["weights"]], sort_keys=True).encode())
    key = digest.digest()
    with _REFERENCES_LOCK:
        if key not in _REFERENCES:
            x = _unpack(res["x"])
            weights = {name: _unpack(packed) for name, packed in res["weights"].items()}
            if len(_REFERENCES) >= _REFERENCES_KEPT:
                del _REFERENCES[next(iter(_REFERENCES))]
            _REFERENCES[key] = reference_mha(x, weights, heads)
        return _REFERENCES[key]


def _compare(results: list[dict]) -> tuple[float, list[str]]:
    """Largest |claimed - reference| over the cases that ran, and the failures."""
    worst, failures = 0.0, []
    for case, res in zip(_CASES, results):
        if not res["ok"]:
            failures.append(f"{res['error']} (in {', '.join(res['where']) or 'module'})")
            continue
        shape = [case["batch"], case["seq"], case["d_model"]]
        if res["shape"] != shape:
            failures.append(f"output shape {res['shape']}, expected {shape}")
            continue
        try:
            out = _unpack(res["out"]).view(shape)
            want = _reference(res, case["heads"])
        except (ValueError, TypeError, AttributeError) as exc:
            failures.append(f"malformed result from the sandbox ({exc})")
            continue
        except (KeyError, RuntimeError) as exc:
            failures.append(f"reference not computable from the module's weights ({exc})")
            continue
        worst = max(worst, float((out - want).abs().max()))
    return worst, failures


def _run(source: str) -> tuple[list[dict] | None, Outcome | None]:
    from ..verify.sandboxes import run_claimed

    return run_claimed(source + _HARNESS, "_tractor_check", {"cases": _CASES})


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
    runs = f"{len(_CASES)} seeds/shapes (batch, seq, d_model, heads) {list(MHA_SHAPES)}"
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
    facts.update(_run_facts(results))
    if failures:
        failing = " ".join(r.get("where", [""])[-1] for r in results if not r["ok"] and r.get("where"))
        loose = [t for t in prose + patched.unplaced if any(w and w in t for w in failing.split())]
        if loose:
            return unverified(f"runs fail ({failures[0]}) but an edit that could not be placed "
                              f"concerns it: {loose[0][:80]}; {edits}", facts=facts)
        return incorrect(f"fix does not run: {failures[0]}; {edits}", part.reference, facts)
    agrees = "matches" if worst < 1e-9 else f"differs by {worst:.3g} from"
    return correct(f"runs, output [batch, seq, d_model] on {len(_CASES)} seeds/shapes, {agrees} reference "
                   f"attention with wider values; {edits}", part.reference, facts)


def _run_facts(results: list[dict]) -> dict:
    """Whether every case ran, the exception class of the first that did not, and the first
    output shape that is not [batch, seq, d_model]."""
    failed = [r for r in results if not r.get("ok")]
    facts = {"runs": not failed, **({"error_class": failed[0]["error"].split(":")[0]} if failed else {})}
    shapes = [(r.get("shape"), [c["batch"], c["seq"], c["d_model"]]) for c, r in zip(_CASES, results) if r.get("ok")]
    if wrong := next(((got, want) for got, want in shapes if got != want), None):
        facts["output_shape"], facts["expected_shape"] = wrong
    return facts


def _code(text: str) -> str:
    return re.sub(r"\s+", "", str(text))
