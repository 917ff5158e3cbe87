"""Judging claims: :func:`verify_claims` (each claim's kind check and the homework plug-in's
reference check, combined, cached, guarded) and :func:`check_key` (the key against its own
checks). The package docstring (:mod:`tractor.verify`) says how a verdict is reached."""

from __future__ import annotations

import dataclasses
import json
import re

from .. import kinds
from ..answer_key import AnswerKey, Part
from ..homeworks import Homework
from ..notation.marks import LOST_MATH
from ..records import Claim
from . import vocabulary
from .cache import VerdictCache
from .outcome import Outcome, combine, unverified
from .sandboxes import is_transient


_DAMAGED_CODE = re.compile(r"\b(?:SyntaxError|IndentationError|TabError)\b")


def _judge(claim: Claim, part: Part, key: AnswerKey, checks) -> Outcome:
    generic, special = kinds.get(part.kind).check, checks.get(part.id)
    if generic is None and special is None:
        return unverified(f"no check for kind {part.kind!r}")
    first = generic(claim, part, key) if generic else None
    second = special(claim, part, key) if special else None
    return combine(first, second) if first and second else first or second


def _pdf_guard(claim: Claim, outcome: Outcome) -> Outcome:
    """Where the PDF reader marked math it could not rebuild (a radical's path with nothing it
    could attach), the text is not what was printed: no verdict either way. Elsewhere a PDF's
    math is as good as a text post's, so ``s = d`` printed without a radical is ``d``. Code may
    lose its layout in print: code that does not even compile is no evidence of an error."""
    if "pdf-math" in claim.tags and kinds.get(claim.kind).math and LOST_MATH in claim.claim \
            and outcome.verdict in ("correct", "incorrect"):
        return unverified(f"the PDF print lost math structure in this claim; would be {outcome.verdict}: "
                          f"{outcome.detail}", outcome.reference, outcome.facts)
    if outcome.verdict != "incorrect":
        return outcome
    if "pdf-code" in claim.tags and _DAMAGED_CODE.search(outcome.detail):
        return unverified(f"PDF code may have lost its layout; would be incorrect: {outcome.detail}",
                          outcome.reference, outcome.facts)
    return outcome


def _judge_safely(claim: Claim, part: Part, key: AnswerKey, checks) -> Outcome:
    try:
        return _judge(claim, part, key, checks)
    except Exception as exc:  # noqa: BLE001 - one bad claim must not stop a corpus
        return unverified(f"check failed: {type(exc).__name__}: {exc}"[:300])


def _judge_all(todo: list[tuple[Claim, Part]], key: AnswerKey, checks) -> list[Outcome]:
    """Outcomes in order. Checks of code kinds spend their time waiting for the
    sandbox, which runs several jobs at once: they go to a few threads while the other checks
    (sympy, some with signal-based timeouts that need the main thread) run here meanwhile."""
    code = [i for i, (_, part) in enumerate(todo) if kinds.get(part.kind).code]
    if len(code) < 2:
        return [_judge_safely(claim, part, key, checks) for claim, part in todo]
    from concurrent.futures import ThreadPoolExecutor

    from .sandboxes import parallel_jobs

    with ThreadPoolExecutor(min(len(code), parallel_jobs()), thread_name_prefix="verify") as pool:
        running = {i: pool.submit(_judge_safely, *todo[i], key, checks) for i in code}
        return [running[i].result() if i in running else _judge_safely(claim, part, key, checks)
                for i, (claim, part) in enumerate(todo)]


def verify_claims(claims: list[Claim], homework: Homework, cache: VerdictCache | None = None) -> list[Claim]:
    """Set ``verdict``, ``detail`` and ``reference`` on each claim (new Claim objects); never
    raises for a bad claim: a check that crashes leaves that claim unverified with the reason.
    Pass a transcript's claims together: their code checks then share the sandbox's cores."""
    key, checks = homework.key, homework.reference_checks()
    rows: list[tuple[Claim, Part | None, Outcome | None]] = []
    for claim in claims:
        part = key.part(claim.part)
        if part is None or not claim.in_homework:
            rows.append((claim, None, unverified(f"part {claim.part} is not in the {key.homework} key")))
            continue
        claim = dataclasses.replace(claim, kind=claim.kind or part.kind)
        rows.append((claim, part, cache.get(claim, key.homework, key.version) if cache else None))
    # with a cache, an equal claim later in the batch is served by the first one's check
    same = (lambda c: cache.key(c, key.homework, key.version)) if cache is not None else id
    todo: dict = {}
    for claim, part, outcome in rows:
        if part is not None and outcome is None:
            todo.setdefault(same(claim), (claim, part))
    judged = dict(zip(todo, _judge_all(list(todo.values()), key, checks)))
    out = []
    for claim, part, outcome in rows:
        if part is not None:
            if outcome is None:
                outcome = judged[same(claim)]
                if cache is not None and not is_transient(outcome.verdict, outcome.facts):
                    cache.put(claim, key.homework, key.version, outcome)
            outcome = vocabulary.guard(claim, part, _pdf_guard(claim, outcome))
        out.append(dataclasses.replace(claim, verdict=outcome.verdict, detail=outcome.detail,
                                       reference=outcome.reference or (part.reference if part else ""),
                                       facts=json.dumps(outcome.facts, sort_keys=True) if outcome.facts else ""))
    if cache is not None:
        cache.save()
    return out


def _key_claims(part: Part) -> list[tuple[Claim, str]]:
    """The key's own answers for a part as claims, each with the verdict it must get."""
    return [(Claim("check-key", part.id, True, 1, 0, part.kind, text, normalized, tags=tags), expected)
            for text, normalized, tags, expected in kinds.get(part.kind).key_answers(part)]


def check_key(homework: Homework) -> list[tuple[str, str, bool, str]]:
    """Every reference and accepted answer must pass its own part's check, and every known
    wrong answer must fail it: (part, answer, passed, detail) rows for ``tractor check-key``."""
    key, rows = homework.key, []
    for part in key.parts:
        pairs = _key_claims(part)
        if not pairs:
            continue
        judged = verify_claims([c for c, _ in pairs], homework)
        for (claim, expected), result in zip(pairs, judged):
            rows.append((part.id, claim.claim, result.verdict == expected,
                         f"expected {expected}, got {result.verdict}: {result.detail}"))
    return rows


def format_verdicts_table(claims: list[Claim], width: int = 60) -> str:
    """A plain-text table of verdicts, one row per claim, for the CLI and logs."""
    def cut(text: str, n: int) -> str:
        text = " ".join(text.split())
        return text if len(text) <= n else text[:n - 1] + "…"

    header = ("transcript", "part", "att", "kind", "verdict", "claim", "detail")
    rows = [(cut(c.transcript_id, 24), c.part, str(c.attempt), c.kind, c.verdict, cut(c.normalized or c.claim, 32),
             cut(c.detail, width)) for c in claims]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(tuple("-" * w for w in widths)), *map(line, rows)])
