"""The two code checks: claimed blanks, and a claimed patch, run against the key's template.

Both read the question from the key and the computation from the homework's
:class:`~.code_run.CodeProblem`; a plug-in maps its part to ``check_blanks(claim, part, key,
problem)`` or ``check_patch(...)``. The part's fields in ``key.toml``:

``template``
    the template's file name, beside ``key.toml``; blanks are ``{a}``, ``{b}``...
``reference``
    (blank questions) a JSON object blank -> the reference code; ``given`` lists blanks the
    statement fills, which a claim need not state.
``blanks_from``, ``base_change``, ``candidate_edits``
    (patch questions) the blank part whose reference fills the template, the change the
    question makes to it, and the atomic edits the smallest edit set that runs is searched
    among (every subset is run in-process: they are the key's own code).
"""

from __future__ import annotations

import functools
import itertools
import json
import re
import threading
from pathlib import Path

from ..answer_key import AnswerKey, Part
from ..errors import TractorError
from ..records import Claim
from .code_patch import PatchError, Patched, apply_edits, blanks_in, code_blocks, fill_blanks
from .code_run import TOLERANCE, CodeProblem, cases_of, compare, malformed, run, run_facts, runs
from .outcome import Outcome, correct, incorrect, unverified


def template(part: Part, key: AnswerKey) -> str:
    """The part's template, read from the key's folder."""
    if key.folder is None:
        raise TractorError(f"answer key {key.homework} was not read from a folder: no template for {part.id}")
    return _template_text(key.folder / part.extra["template"])


@functools.cache
def _template_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def reference_blanks(key: AnswerKey, part_id: str) -> dict[str, str]:
    return json.loads(key.part(part_id).reference)


def _runs_text(problem: CodeProblem, detailed: bool = False) -> str:
    count = f"{len(cases_of(problem))} {problem.cases_name}"
    return f"{count} {problem.cases_detail}" if detailed and problem.cases_detail else count


def check_blanks(claim: Claim, part: Part, key: AnswerKey, problem: CodeProblem) -> Outcome:
    """Fill the stated blanks (the statement's given ones from the key), run, compare."""
    try:
        stated = {k.lower(): str(v) for k, v in json.loads(claim.normalized).items()}
    except (ValueError, AttributeError):
        return unverified("blanks not readable as a JSON object")
    reference = reference_blanks(key, part.id)
    given = set(part.extra.get("given", ()))
    unstated = [b for b in blanks_in(template(part, key)) if b not in stated and b not in given]
    blanks = {**{b: reference[b] for b in reference if b not in stated}, **stated}
    results, stop = run(fill_blanks(template(part, key), blanks), problem)
    if stop:
        return stop
    worst, failures = compare(results, problem)
    over = _runs_text(problem, detailed=True)
    if (bad := malformed(failures)) is not None:
        return bad
    facts = {**run_facts(results, problem), "wrong_blanks": sorted(b for b, v in stated.items()
                                                                   if b in reference and _code(v) != _code(reference[b]))}
    if failures:
        return incorrect(f"filled {problem.subject} fails: {failures[0]}", part.reference, facts)
    if worst > TOLERANCE:
        return incorrect(f"filled {problem.subject} differs from {problem.reference_name} by {worst:.3g} over {over}",
                         part.reference, facts)
    if unstated:
        return unverified(f"blanks {', '.join(unstated)} not stated; the stated ones match the reference")
    return correct(f"matches {problem.reference_name} (max |diff| {worst:.2g}) over {over}", part.reference)


def _edits_of(claim: Claim, problem: CodeProblem) -> tuple[list[str], list[str]]:
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
        elif problem.prose_edit and (edit := problem.prose_edit(item.get("text", ""))):
            code.append(edit)
        else:
            prose.append(item.get("text", ""))
    return code, prose


def patch_base(part: Part, key: AnswerKey) -> str:
    return _base_patch(part, key).source


def _base_patch(part: Part, key: AnswerKey) -> Patched:
    """The template with the key's blanks and the question's own change applied (computed
    once per key version)."""
    cache_key = (key.homework, key.version, part.id)
    with _KEY_DERIVED_LOCK:
        if cache_key not in _BASES:
            blanks = reference_blanks(key, part.extra["blanks_from"]) if "blanks_from" in part.extra else {}
            filled = fill_blanks(template(part, key), blanks)
            _BASES[cache_key] = apply_edits(filled, [part.extra["base_change"]] if "base_change" in part.extra else [])
        return _BASES[cache_key]


_BASES: dict[tuple, Patched] = {}
_KEY_DERIVED_LOCK = threading.RLock()  # computed once even when several checks ask at once


def minimal_edit_set(part: Part, key: AnswerKey, problem: CodeProblem) -> tuple[int, tuple[str, ...]]:
    """Size of the smallest subset of the key's candidate edits that runs, and its units
    (computed once per key version)."""
    cache_key = (key.homework, key.version, part.id)
    with _KEY_DERIVED_LOCK:
        if cache_key not in _MINIMAL:
            _MINIMAL[cache_key] = _search_minimal(patch_base(part, key), part.extra["candidate_edits"], problem)
        return _MINIMAL[cache_key]


_MINIMAL: dict[tuple, tuple[int, tuple[str, ...]]] = {}


def _search_minimal(base: str, candidates, problem: CodeProblem) -> tuple[int, tuple[str, ...]]:
    """Smallest subsets first: the first subset of ``candidates`` whose patched ``base`` runs."""
    for size in range(len(candidates) + 1):
        for subset in itertools.combinations(candidates, size):
            patched = apply_edits(base, list(subset))
            if runs(patched.source, problem):
                return len(patched.changed), tuple(sorted(patched.changed))
    raise PatchError("no subset of the candidate edits runs")


def check_patch(claim: Claim, part: Part, key: AnswerKey, problem: CodeProblem) -> Outcome:
    """Does the patched template run and give the asked output? Records the number of edited
    units against the smallest edit set that runs."""
    code, prose = _edits_of(claim, problem)
    if not code:
        return unverified("no code edit to run" + (f"; prose: {prose[0][:80]}" if prose else ""))
    try:
        patched = apply_edits(patch_base(part, key), code)
    except PatchError as exc:
        return unverified(str(exc))
    size, units = minimal_edit_set(part, key, problem)
    changed = patched.changed - _base_patch(part, key).changed  # restating the question's own change: no edit
    edits = (f"edits {len(changed)} ({', '.join(sorted(changed)) or 'none'}) "
             f"vs minimal {size} ({', '.join(units)})")
    facts = {"edits": len(changed), "edited_units": sorted(changed), "minimal_edits": size,
             "minimal_units": list(units)}
    results, stop = run(patched.source, problem)
    if stop:
        return Outcome(stop.verdict, f"{stop.detail}; {edits}", part.reference, {**facts, **stop.facts})
    worst, failures = compare(results, problem)
    if (bad := malformed(failures)) is not None:
        return Outcome(bad.verdict, f"{bad.detail}; {edits}", part.reference)
    facts.update(run_facts(results, problem))
    if failures:
        failing = " ".join(str(r["where"][-1])[:100] for r in results
                           if r.get("ok") is not True and isinstance(r.get("where"), list) and r["where"])
        loose = [t for t in prose + patched.unplaced if any(w and w in t for w in failing.split())]
        if loose:
            return unverified(f"runs fail ({failures[0]}) but an edit that could not be placed "
                              f"concerns it: {loose[0][:80]}; {edits}", facts=facts)
        return incorrect(f"fix does not run: {failures[0]}; {edits}", part.reference, facts)
    on = f"on {_runs_text(problem)}"
    if worst > TOLERANCE:  # runs, but computes something else than the reference
        return unverified(f"runs, output {problem.output_name} {on}, but differs by {worst:.3g} from "
                          f"{problem.reference_name}; {edits}", part.reference, facts)
    return correct(f"runs, output {problem.output_name} {on}, matches {problem.reference_name}; {edits}",
                   part.reference, facts)


def _code(text: str) -> str:
    return re.sub(r"\s+", "", str(text))
