"""The result of judging one claim, shared by the generic checks and the homework plug-ins.

A check returns an :class:`Outcome` rather than mutating the claim, so that checks compose
(a symbolic check and a Monte-Carlo cross-check can be combined) and verdicts can be cached.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..records import VERDICTS


@dataclass(frozen=True)
class Outcome:
    verdict: str
    detail: str
    reference: str = ""

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}")

    @property
    def definite(self) -> bool:
        return self.verdict in ("correct", "incorrect")


def correct(detail: str, reference: str = "") -> Outcome:
    return Outcome("correct", detail, reference)


def incorrect(detail: str, reference: str = "") -> Outcome:
    return Outcome("incorrect", detail, reference)


def unverified(reason: str, reference: str = "") -> Outcome:
    return Outcome("unverified", reason, reference)


def error(reason: str, reference: str = "") -> Outcome:
    return Outcome("error", reason, reference)


def combine(primary: Outcome, cross_check: Outcome | None) -> Outcome:
    """A primary verdict confirmed or questioned by an independent cross-check.

    Two definite verdicts that disagree leave the claim unverified: one of the two checks is
    wrong about this claim, and saying so is better than picking one.
    """
    if cross_check is None or not cross_check.definite:
        extra = f"; cross-check: {cross_check.detail}" if cross_check else ""
        return Outcome(primary.verdict, primary.detail + extra, primary.reference)
    if not primary.definite:
        return Outcome(cross_check.verdict, f"{cross_check.detail} ({primary.detail})",
                       cross_check.reference or primary.reference)
    if primary.verdict == cross_check.verdict:
        return Outcome(primary.verdict, f"{primary.detail}; confirmed: {cross_check.detail}", primary.reference)
    return unverified(f"checks disagree: {primary.detail} vs {cross_check.detail}", primary.reference)
