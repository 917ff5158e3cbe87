"""The result of judging one claim, shared by the generic checks and the homework plug-ins.

A check returns an :class:`Outcome` rather than mutating the claim, so that checks compose
(a symbolic check and a Monte-Carlo cross-check can be combined) and verdicts can be cached.

``detail`` is for people; ``facts`` is for programs: the measured quantities the verdict rests
on, as plain JSON values, so that the labellers read fields instead of parsing English. The
names a check may set (a check sets only those it measured):

=====================  ===========================================================================
``edits``              code patch: units (methods, assignments) the claimed fix changes
``edited_units``       code patch: their names, sorted
``minimal_edits``      code patch: size of the smallest edit set that runs
``minimal_units``      code patch: the units of that set
``runs``               code: the claimed code ran on every case without raising
``error_class``        code: the exception class of the first failing run ("RuntimeError")
``output_shape``       code that ran: the first output shape that is not ``expected_shape``
``wrong_blanks``       code blanks: the blanks stated differently from the key, sorted
``claim_shape``        a chosen shape as names (["h", "d", "k"]); ``reference_shape`` the key's
``claim_length``       a vector's number of entries; ``reference_length`` the key's
``wrong_entries``      a vector of the right length: the 0-based indices that differ
``bound_relation``     big-O: "looser", "tighter" or "incomparable" against the reference
``missing_terms``      big-O: reference terms the claim lacks; ``extra_terms`` claim terms beyond it
``not_run``            code not run, and why ("no sandbox"): the verdict is not cached
=====================  ===========================================================================

A kind a homework registers may set facts of its own; its module documents them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from ..records import VERDICTS


@dataclass(frozen=True)
class Outcome:
    verdict: str
    detail: str
    reference: str = ""
    facts: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}")

    @property
    def definite(self) -> bool:
        return self.verdict in ("correct", "incorrect")


def correct(detail: str, reference: str = "", facts: Mapping[str, Any] | None = None) -> Outcome:
    return Outcome("correct", detail, reference, dict(facts or {}))


def incorrect(detail: str, reference: str = "", facts: Mapping[str, Any] | None = None) -> Outcome:
    return Outcome("incorrect", detail, reference, dict(facts or {}))


def unverified(reason: str, reference: str = "", facts: Mapping[str, Any] | None = None) -> Outcome:
    return Outcome("unverified", reason, reference, dict(facts or {}))


def error(reason: str, reference: str = "", facts: Mapping[str, Any] | None = None) -> Outcome:
    return Outcome("error", reason, reference, dict(facts or {}))


def combine(primary: Outcome, cross_check: Outcome | None) -> Outcome:
    """A primary verdict confirmed or questioned by an independent cross-check.

    Two definite verdicts that disagree leave the claim unverified: one of the two checks is
    wrong about this claim, and saying so is better than picking one. The facts of both checks
    are kept (the deciding check's win where both measured the same thing).
    """
    facts = {**(cross_check.facts if cross_check else {}), **primary.facts}
    if cross_check is None or not cross_check.definite:
        extra = f"; cross-check: {cross_check.detail}" if cross_check else ""
        return Outcome(primary.verdict, primary.detail + extra, primary.reference, facts)
    if not primary.definite:
        return Outcome(cross_check.verdict, f"{cross_check.detail} ({primary.detail})",
                       cross_check.reference or primary.reference, {**primary.facts, **cross_check.facts})
    if primary.verdict == cross_check.verdict:
        return Outcome(primary.verdict, f"{primary.detail}; confirmed: {cross_check.detail}", primary.reference, facts)
    return unverified(f"checks disagree: {primary.detail} vs {cross_check.detail}", primary.reference, facts)
