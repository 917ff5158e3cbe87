"""Generic checks by claim kind, driven by the answer key alone: each is a kind's ``check``
(:mod:`tractor.kinds`).

Each takes ``(claim, part, key)`` and returns an :class:`Outcome`; a homework plug-in's
reference checks (which compute the true quantity) are combined with these in
:func:`tractor.verify.verify_claims`. A claim that cannot be parsed is ``unverified`` with the
reason, never ``incorrect``.
"""

from __future__ import annotations

import functools
import json
import re

from ..answer_key import AnswerKey, Part
from ..notation.expressions import ExpressionError, counterexample, equivalent, load, load_plain
from ..records import Claim
from . import big_o
from .outcome import Outcome, correct, incorrect, unverified


@functools.lru_cache(maxsize=256)
def key_expression(text: str):
    """A key's LaTeX answer read with the extractor's notation rules (q^T k -> qk...)."""
    from ..notation.latex import to_normalized

    normalized, _ = to_normalized(text)
    return load(normalized) if normalized else None


def unparsed(claim: Claim) -> Outcome:
    """A claim the extractor could not read: unverified, with the extractor's reason."""
    reason = claim.tag("unparsed") or ""
    return unverified(f"claim not parsed{': ' + reason if reason else ''}")


def check_expression(claim: Claim, part: Part, key: AnswerKey) -> Outcome:
    if not claim.normalized:
        return unparsed(claim)
    try:
        expr = load(claim.normalized)
    except ExpressionError as exc:
        return unverified(str(exc))
    forms = [(t, key_expression(t)) for t in (part.reference, *part.accepted)]
    forms = [(t, e) for t, e in forms if e is not None]
    if not forms:
        return unverified("the key's answer is not a symbolic expression")
    for text, ref in forms:
        if equivalent(expr, ref):
            return correct(f"sympy: equals {text}", part.reference)
    for text in part.known_wrong:
        wrong = key_expression(text)
        if wrong is not None and equivalent(expr, wrong):
            why = counterexample(expr, forms[0][1])
            return incorrect(f"equals the known wrong answer {text}; {why}", part.reference)
    return incorrect(f"sympy: {expr} differs from {forms[0][1]} ({counterexample(expr, forms[0][1])})", part.reference)


def check_vector(claim: Claim, part: Part, key: AnswerKey) -> Outcome:
    if not claim.normalized:
        return unparsed(claim)
    try:
        claimed, reference = (_flat(json.loads(x)) for x in (claim.normalized, part.reference))
    except (ValueError, TypeError):
        return unverified(f"not a vector: {claim.normalized or claim.claim!r}")
    facts = {"claim_length": len(claimed), "reference_length": len(reference)}
    if len(claimed) == len(reference):
        facts["wrong_entries"] = [i for i, (c, r) in enumerate(zip(claimed, reference)) if c != r]
    return (correct if claimed == reference else incorrect)(f"claim {claimed} vs key {reference}", part.reference,
                                                            facts)


def _flat(value) -> list[float]:
    if isinstance(value, list):
        return [y for x in value for y in _flat(x)]
    return [float(value)]


def check_big_o(claim: Claim, part: Part, key: AnswerKey) -> Outcome:
    if not claim.normalized:
        return unparsed(claim)
    resource = claim.tag("resource") or ""
    targets = {"time": part.extra.get("time"), "memory": part.extra.get("space")}
    if not any(targets.values()):
        candidates = [("", part.reference)]
    elif resource:
        candidates = [(resource, targets.get(resource))]
    else:
        candidates = [(r, t) for r, t in targets.items() if t]
    if not any(t for _, t in candidates):
        why = "the reference is disputed" if part.disputed else "the key has no bound"
        return unverified(f"{resource or 'this'} bound not checked: {why}")
    subs, aliases = part.extra.get("substitutions", {}), part.extra.get("aliases", {})
    try:
        refs = [(r, big_o.prepare(load_plain(t), subs, aliases)) for r, t in candidates if t]
        sizes = frozenset(str(s) for _, e in refs for s in e.free_symbols) | frozenset(subs)
        mine = big_o.prepare(big_o.load_bound(claim.normalized), subs, aliases, sizes)
        vocabulary = _size_vocabulary(part)
        if stray := big_o.outside(mine, vocabulary):
            return unverified(f"bound over {', '.join(stray)}, not sizes of this part ({', '.join(sorted(vocabulary))}): "
                              "a misread or another question's variables")
        results = []
        for r, ref in refs:
            optional = part.extra.get("space_optional" if r == "memory" else "time_optional")
            opt = big_o.prepare(load_plain(optional), subs, aliases) if optional else None
            results.append((r, big_o.compare(mine, ref, opt), big_o.order_cross_check(mine, ref)))
    except ExpressionError as exc:
        return unverified(str(exc))
    label = lambda r: f"{r} " if r else ""  # noqa: E731
    for r, cmp, cross in results:
        if cmp.relation == "equal":
            return correct(f"{label(r)}{big_o.describe(cmp)}; {cross}".rstrip("; "), part.reference)
    if len(results) > 1:
        return unverified("resource not stated and the bound matches neither time nor memory: "
                          + "; ".join(f"{r} {big_o.describe(c)}" for r, c, _ in results))
    r, cmp, cross = results[0]
    facts = {"bound_relation": cmp.relation, "missing_terms": list(cmp.missing), "extra_terms": list(cmp.uncovered)}
    return incorrect(f"{label(r)}{big_o.describe(cmp)}; {cross}".rstrip("; "), part.reference, facts)


def _size_vocabulary(part: Part) -> set[str]:
    """The sizes a bound of ``part`` may name after aliases and substitutions: the key's
    ``symbols`` (empty when it declares none: then nothing is rejected)."""
    from ..notation.expressions import load_plain

    if "symbols" not in part.extra:
        return set()
    names = set(part.extra["symbols"]) | set(part.extra.get("aliases", {}).values())
    for value in part.extra.get("substitutions", {}).values():
        names |= {str(s) for s in load_plain(value).free_symbols}
    return names


def check_free_text(claim: Claim, part: Part, key: AnswerKey) -> Outcome:
    rubric = part.extra.get("rubric")
    if not rubric:
        return unverified("free text: no rubric in the key")
    text = claim.normalized or claim.claim
    missing = [r for r in rubric if not re.search(rf"\b(?:{r})", text, re.I)]
    if missing:
        return unverified(f"free text: rubric items not found: {missing}")
    return correct(f"free text: every rubric item found ({rubric})", part.reference)
