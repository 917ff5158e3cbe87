"""Running a question's code template against a reference: the generic half of a code check.

A homework with a code question (blanks to fill in a template, or a patch to it) keeps the
template beside its ``key.toml`` and names it in the part (``template = "file.py"``); its
plug-in describes the computation with a :class:`CodeProblem` and hands it to
:func:`.code_checks.check_blanks` or :func:`.code_checks.check_patch`. A homework supplies:

``harness``
    Python source defining ``run_case(case)``: build what the template defines, call it on the
    case's inputs and return ``(output tensor, {parameter name: shape list})`` (``{}`` when the
    reference does not depend on the claimed code's parameters). It runs after the template,
    indented into the checker's function in the sandbox (a multi-line string in it gets the
    indentation too) and at the top level in-process (for the minimal-edit search); it
    imports what it uses itself. The output is sent back as float64.
``cases``
    A function returning the checker's :class:`Case` list (called once, when first needed;
    it may import torch). A case's inputs are JSON values and float64 tensors; the tensors
    are sent packed and ``run_case`` gets them back as tensors.
``reference``
    ``reference(inputs, shapes) -> tensor``: the true output for a case's inputs and the
    parameter shapes the claimed code reported, computed in tractor's own process. A
    ``KeyError`` or ``RuntimeError`` means the claimed code's parameters do not fit it.
``prose_edit`` (patch questions, optional)
    Turns a patch stated in words into code, or returns None.
The wording fields name things in the verdict's detail (``"filled {subject} differs from
{reference_name} by ... over 5 {cases_name} {cases_detail}"``, ``"runs, output {output_name}
on 5 {cases_name}, matches {reference_name}"``).

The verdict is decided here, never in the sandbox: everything the claim's process returns is
checked and bounded before use (one result per case, output shape, a small parameter table,
packed bytes of exactly the expected size), so it cannot decide how much work this side does,
and the reference is computed from the checker's own inputs, remembered per case and parameter
shapes. The key's own candidate edits are project code and run in-process (:func:`runs`).
"""

from __future__ import annotations

import functools
import textwrap
import threading
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from .outcome import Outcome, error

TOLERANCE = 1e-9  # float64 outputs of the same computation agree far closer than this
_MAX_PARAMETERS, _MAX_ELEMENTS = 64, 2**20  # per case: code with bigger parameters is not judged


@dataclass(frozen=True)
class Case:
    """One run of the checker: the inputs ``run_case`` and the reference get (JSON values and
    float64 tensors) and the output shape the question asks for."""

    inputs: Mapping[str, Any]
    output_shape: tuple[int, ...]


@dataclass(frozen=True)
class CodeProblem:
    """What a homework's code question computes (see the module docstring)."""

    harness: str
    cases: Callable[[], Sequence[Case]]
    reference: Callable[[Mapping[str, Any], Mapping[str, tuple[int, ...]]], Any]
    prose_edit: Callable[[str], str | None] | None = None
    subject: str = "code"  # "filled code fails: ..."
    reference_name: str = "the reference"  # "matches the reference"
    cases_name: str = "cases"  # "on 5 cases"
    cases_detail: str = ""  # what a blank check's detail adds after "over 5 cases"
    output_name: str = "the expected shape"  # "runs, output the expected shape on 5 cases"


@functools.cache
def cases_of(problem: CodeProblem) -> tuple[Case, ...]:
    """The problem's cases, built once."""
    return tuple(problem.cases())


_CHECK = '''

def _tractor_check(payload):
    import traceback

%(packing)s
%(harness)s
    results = []
    for sent in payload["cases"]:
        try:
            case = {**sent["values"], **{name: unpacked(p) for name, p in sent["tensors"].items()}}
            out, params = run_case(case)
            results.append({"ok": True, "shape": list(out.shape), "out": packed(out), "params": params})
        except (OSError, MemoryError):
            raise  # the sandbox's limits, not the claim's computation: the whole job fails
        except Exception as exc:
            where = [f.name for f in traceback.extract_tb(exc.__traceback__)
                     if f.filename == "<claim>" and f.name not in ("_tractor_check", "run_case")]
            results.append({"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300], "where": where[-5:]})
    return results
'''


@functools.cache
def _check_source(problem: CodeProblem) -> str:
    from .tensors import packing_source

    return _CHECK % {"packing": textwrap.indent(packing_source(), "    "),
                     "harness": textwrap.indent(problem.harness, "    ")}


@functools.cache
def _payload(problem: CodeProblem) -> dict:
    """The cases as sent: plain values apart, tensors packed."""
    import torch

    from .tensors import packed

    def sent(case: Case) -> dict:
        tensors = {k: v for k, v in case.inputs.items() if torch.is_tensor(v)}
        return {"values": {k: v for k, v in case.inputs.items() if k not in tensors},
                "tensors": {k: packed(v) for k, v in tensors.items()}}

    return {"cases": [sent(case) for case in cases_of(problem)]}


def run(source: str, problem: CodeProblem) -> tuple[list[dict] | None, Outcome | None]:
    """Run ``source`` (the template with the claim applied) and the harness on every case in
    the shared sandbox: (the reply, None) or (None, the outcome that ends the check)."""
    from .sandboxes import run_claimed

    return run_claimed(source + _check_source(problem), "_tractor_check", _payload(problem))


def runs(source: str, problem: CodeProblem) -> bool:
    """Whether project-written code (the template with the key's candidate edits) runs on
    every case and gives the asked output shape; in-process, the global RNG left as it was."""
    import torch

    namespace: dict = {}
    exec(compile(source + "\n\n" + problem.harness, "<candidate>", "exec"), namespace)  # noqa: S102 - the key's own
    with torch.random.fork_rng(devices=[]):
        for case in cases_of(problem):
            try:
                out, _ = namespace["run_case"](dict(case.inputs))
            except Exception:  # noqa: BLE001 - any failure of a candidate means it does not run
                return False
            if list(out.shape) != list(case.output_shape):
                return False
    return True


def _checked_params(params) -> dict[str, tuple[int, ...]] | None:
    """The parameter names and shapes as reported, or None when they are not a bounded table
    of names to small integer shapes (the reference's cost depends on them)."""
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


_REFERENCES: dict[tuple, object] = {}  # (reference, cases, case number, parameter shapes) -> output
_REFERENCES_KEPT = 1024
_REFERENCES_LOCK = threading.Lock()  # code checks of one transcript run on several threads


def _reference(problem: CodeProblem, number: int, shapes: dict[str, tuple[int, ...]]):
    """The problem's reference for case ``number`` and the parameter shapes the code has,
    remembered by those shapes: most claims build the template's own, so the reference is
    computed once per case rather than once per claim."""
    key = (problem.reference, problem.cases, number, tuple(sorted(shapes.items())))  # shared by problems worded apart
    with _REFERENCES_LOCK:
        if key not in _REFERENCES:
            if len(_REFERENCES) >= _REFERENCES_KEPT:
                del _REFERENCES[next(iter(_REFERENCES))]
            _REFERENCES[key] = problem.reference(cases_of(problem)[number].inputs, shapes)
        return _REFERENCES[key]


def _failure_text(res: dict) -> str:
    """A failing case as the harness reported it, bounded and scrubbed (it is the claim's text)."""
    from .sandboxes import bounded

    where = res.get("where")
    where = [w for w in where if isinstance(w, str)][-5:] if isinstance(where, list) else []
    return bounded(f"{res.get('error')} (in {', '.join(where) or 'module'})")


def compare(results, problem: CodeProblem) -> tuple[float, list[str]]:
    """Largest |claimed - reference| over the cases that ran, and the failures. Everything in
    ``results`` came from the claim's process: checked here before use, never trusted to say
    whether the claim passed."""
    from .sandboxes import bounded
    from .tensors import checked_unpacked

    cases = cases_of(problem)
    if not isinstance(results, list) or len(results) != len(cases) or not all(isinstance(r, dict) for r in results):
        return 0.0, ["malformed result from the sandbox (not one result per case)"]
    worst, failures = 0.0, []
    for number, (case, res) in enumerate(zip(cases, results)):
        if res.get("ok") is not True:
            failures.append(_failure_text(res))
            continue
        shape = list(case.output_shape)
        if res.get("shape") != shape:
            failures.append(f"output shape {bounded(repr(res.get('shape')), 80)}, expected {shape}")
            continue
        shapes = _checked_params(res.get("params"))
        if shapes is None:
            failures.append("malformed result from the sandbox (parameter table)")
            continue
        try:
            out = checked_unpacked(res.get("out"), shape)
        except (ValueError, TypeError) as exc:
            failures.append(f"malformed result from the sandbox ({exc})")
            continue
        try:
            want = _reference(problem, number, shapes)
        except (KeyError, RuntimeError) as exc:
            failures.append(f"reference not computable from the module's parameters ({str(exc)[:120]})")
            continue
        worst = max(worst, float((out - want).abs().max()))
    return worst, failures


def malformed(failures: list[str]) -> Outcome | None:
    """A result the checker cannot read is no evidence about the claim: ``error``, not cached."""
    bad = next((f for f in failures if f.startswith("malformed result")), None)
    return None if bad is None else error(f"sandbox: {bad}")


def run_facts(results: list[dict], problem: CodeProblem) -> dict:
    """Whether every case ran, the exception class of the first that did not, and the first
    output shape that is not the asked one (read from the sandbox's reply: bounded)."""
    failed = [r for r in results if r.get("ok") is not True]
    error_class = str(failed[0].get("error", "")).split(":")[0][:60] if failed else ""
    facts = {"runs": not failed, **({"error_class": error_class} if failed else {})}
    shapes = [(r.get("shape"), list(c.output_shape)) for c, r in zip(cases_of(problem), results)
              if r.get("ok") is True]
    if wrong := next(((got, want) for got, want in shapes if got != want), None):
        facts["output_shape"], facts["expected_shape"] = wrong
    return facts
