"""Labels read off the verifier's results: how each wrong claim is wrong, and how attempts move.

Per claim: the labels its kind gives (:attr:`tractor.kinds.Kind.labels`: ``missing_bias_term``
and ``wrong_constant`` for expressions (:func:`expression_errors`), ``non_minimal_fix`` and
``fix_does_not_run`` for code fixes (:func:`patch_errors`), a homework's own for its kinds), and
for a wrong claim those the verifier's ``facts`` give (the fields of
:mod:`tractor.verify.outcome`, never its English detail): ``wrong_blank``, ``wrong_shape``,
``wrong_value``, ``wrong_complexity_term``; ``invented_subpart`` (a
part the key lacks, of a question the key has); ``other_error`` (incorrect, and nothing more
specific applies). Per part, the sequence of attempt verdicts gives ``self_corrected``
(incorrect -> correct) and ``flip_to_wrong`` (correct -> incorrect), only when a user turn lies
between the two attempts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .. import kinds
from ..records import USER, Claim, Label, Transcript
from . import algebra

DETECTOR = "verifier"
EVIDENCE_CHARS = 300
# A claim from a PDF may have lost superscripts and radicals: a "wrong constant" there is weaker.
_PDF_CONFIDENCE = 0.5


@dataclass
class Attempt:
    part: str
    number: int
    message_index: int
    claims: list[Claim] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        """incorrect if any claim is; correct if some are and none is incorrect; else ""."""
        verdicts = {c.verdict for c in self.claims}
        if "incorrect" in verdicts:
            return "incorrect"
        return "correct" if "correct" in verdicts else ""


def attempts_by_part(claims: list[Claim]) -> dict[str, list[Attempt]]:
    """Claims grouped into attempts, in attempt order, per part."""
    grouped: dict[tuple[str, int], Attempt] = {}
    for c in claims:
        a = grouped.setdefault((c.part, c.attempt), Attempt(c.part, c.attempt, c.message_index))
        a.claims.append(c)
        a.message_index = min(a.message_index, c.message_index)
    parts: dict[str, list[Attempt]] = {}
    for (part, _), a in sorted(grouped.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        parts.setdefault(part, []).append(a)
    return parts


def verdict_labels(transcript: Transcript, claims: list[Claim]) -> list[Label]:
    key = _answer_key(transcript.homework)
    labels: dict[tuple[str, str, int], Label] = {}

    def add(name: str, claim: Claim, evidence: str = "", confidence: float = 1.0):
        lb = Label(transcript.transcript_id, claim.part, name, claim.message_index,
                   _clip(evidence or claim.claim), DETECTOR, confidence)
        labels.setdefault((name, claim.part, claim.message_index), lb)

    explained: set[int] = set()
    for i, claim in enumerate(claims):
        if not claim.in_homework:
            if _invented(claim, key):
                add("invented_subpart", claim)
            explained.add(i)
            continue
        for name, confidence, evidence in _how_wrong(claim, claims, key):
            add(name, claim, evidence, confidence)
            explained.add(i)
    for i, claim in enumerate(claims):
        if claim.verdict == "incorrect" and i not in explained:
            add("other_error", claim, confidence=0.5)
    for lb in _movements(transcript, claims):
        labels.setdefault((lb.label, lb.part, lb.message_index), lb)
    return list(labels.values())


def _invented(claim: Claim, key) -> bool:
    """A part the key lacks, of a question the key has: on a homework outside the bank, or a
    question the key does not know, a missing part says nothing about the model."""
    from ..answer_key import parse_part_id

    parsed = parse_part_id(claim.part)
    return bool(key is not None and parsed and parsed[1] and key.question(parsed[0]) is not None)


def _how_wrong(claim: Claim, claims: list[Claim], key) -> list[tuple[str, float, str]]:
    """The specific labels one claim earns, with their confidence and evidence ("" = the claim):
    its kind's own (:attr:`tractor.kinds.Kind.labels`), and for a wrong claim those the
    verifier's facts give."""
    if claim.verdict == "error":
        return []
    found = list(kinds.get(claim.kind).labels(claim, claims, key))
    if claim.verdict == "incorrect":
        found += [(name, 1.0, evidence) for name, evidence in _fact_errors(claim, claim.fact_map)]
    return found


def patch_errors(claim: Claim, claims: list[Claim], key) -> list[tuple[str, float, str]]:
    """A code fix's labels: ``non_minimal_fix`` when it runs but edits more units than the
    smallest working edit set, ``fix_does_not_run`` when it is wrong because it fails."""
    facts, found = claim.fact_map, []
    if facts.get("runs") is True and facts.get("edits", 0) > facts.get("minimal_edits", facts.get("edits", 0)):
        found.append(("non_minimal_fix", 1.0, _edits_evidence(facts)))
    if claim.verdict == "incorrect" and facts.get("runs") is False:
        found.append(("fix_does_not_run", 1.0, ""))
    return found


def _fact_errors(claim: Claim, facts: dict) -> list[tuple[str, str]]:
    """Labels a wrong claim earns from what the verifier measured."""
    found = []
    if wrong := facts.get("wrong_blanks"):
        found.append(("wrong_blank", _blanks_evidence(claim, wrong)))
    shape, ref_shape = facts.get("claim_shape"), facts.get("reference_shape")
    length, ref_length = facts.get("claim_length"), facts.get("reference_length")
    output, expected = facts.get("output_shape"), facts.get("expected_shape")
    if output is not None and expected is not None and output != expected:
        found.append(("wrong_shape", f"output {output} where {expected} is expected"))
    elif shape is not None and ref_shape is not None and shape != ref_shape:
        found.append(("wrong_shape", f"[{', '.join(shape)}] where the key has [{', '.join(ref_shape)}]"))
    elif length is not None and ref_length is not None and length != ref_length:
        found.append(("wrong_shape", f"{length} entries where the key has {ref_length}: {claim.claim}"))
    elif facts.get("wrong_entries"):
        found.append(("wrong_value", f"entries {', '.join(str(i + 1) for i in facts['wrong_entries'])} differ: "
                                     f"{claim.claim}"))
    missing, extra = facts.get("missing_terms") or [], facts.get("extra_terms") or []
    if facts.get("bound_relation") and (missing or extra):
        said = "; ".join(filter(None, [f"misses {', '.join(missing)}" if missing else "",
                                       f"adds {', '.join(extra)}" if extra else ""]))
        found.append(("wrong_complexity_term", f"{claim.claim} ({said})"))
    return found


def _edits_evidence(facts: dict) -> str:
    units = lambda key: ", ".join(facts.get(key) or []) or "none"  # noqa: E731
    return (f"{facts['edits']} edits ({units('edited_units')}) where {facts['minimal_edits']} suffice "
            f"({units('minimal_units')})")


def _blanks_evidence(claim: Claim, wrong: list[str]) -> str:
    import json

    try:
        stated = json.loads(claim.normalized)
    except ValueError:
        stated = {}
    if not isinstance(stated, dict):
        stated = {}
    return "; ".join(f"({b}) {stated.get(b, '?')}" for b in wrong)


def expression_errors(claim: Claim, claims: list[Claim], key) -> list[tuple[str, float, str]]:
    """A wrong value's relation to the reference: ``missing_bias_term`` (the reference minus its
    constant term) or ``wrong_constant`` (off by a constant factor or offset)."""
    from ..notation.expressions import ExpressionError, load

    if claim.verdict != "incorrect" or not claim.normalized:
        return []
    reference = _reference(claim, key)
    try:
        mine = load(claim.normalized)
    except ExpressionError:
        return []
    if reference is None:
        return []
    confidence = _PDF_CONFIDENCE if "pdf-math" in claim.tags else 1.0
    if algebra.drops_constant_term(mine, reference):
        return [("missing_bias_term", confidence, "")]
    if algebra.constant_relation(mine, reference):
        return [("wrong_constant", confidence, "")]
    return []


def _movements(transcript: Transcript, claims: list[Claim]) -> list[Label]:
    """self_corrected / flip_to_wrong between consecutive judged attempts with a user turn between."""
    roles = [m.role for m in transcript.messages]
    labels = []
    for part, attempts in attempts_by_part([c for c in claims if c.in_homework]).items():
        judged = [a for a in attempts if a.verdict]
        for before, after in zip(judged, judged[1:]):
            between = roles[before.message_index + 1:after.message_index + 1]
            if USER not in between or before.verdict == after.verdict:
                continue
            name = "self_corrected" if after.verdict == "correct" else "flip_to_wrong"
            claim = next(c for c in after.claims if c.verdict == after.verdict)
            labels.append(Label(transcript.transcript_id, part, name, after.message_index,
                                _clip(claim.claim), DETECTOR, 1.0))
    return labels


def _answer_key(homework: str):
    from .. import homeworks

    return homeworks.get(homework).key if homework in homeworks.names() else None


def _reference(claim: Claim, key):
    """The claim's reference as sympy: the verifier's ``reference`` when it is a normalized
    expression, else the answer key's reference for the part."""
    expr = load_normalized(claim.reference) if claim.reference else None
    if expr is None and key is not None and key.part(claim.part) is not None:
        expr = parse_reference(key.part(claim.part).reference)
    return expr


@lru_cache(maxsize=256)
def parse_reference(text: str):
    """A key's reference (or kernel) as sympy: parsed once per process, not once per claim
    (sympy expressions are immutable, so sharing them is safe)."""
    from ..notation.latex import to_normalized
    from ..notation.expressions import ExpressionError, load_plain

    normalized, _ = to_normalized(text)
    if normalized:
        return load_normalized(normalized)
    try:
        return load_plain(text)
    except ExpressionError:
        return None


def load_normalized(text: str):
    from ..notation.expressions import ExpressionError, load

    try:
        return load(text)
    except ExpressionError:
        return None


def same_text(a: str, b: str) -> bool:
    return re.sub(r"\s+", "", a) == re.sub(r"\s+", "", b)


def _clip(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= EVIDENCE_CHARS else text[:EVIDENCE_CHARS - 1] + "…"
