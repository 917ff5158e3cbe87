"""One claim text judged on its own: ``tractor check`` and the regression tables.

:func:`check_claim` puts the text where a build would find it (one assistant message answering
one part), runs the same extractor and verifier a build runs, and returns the verdict of the
part's answer with its parsed form and reason. With ``reference=`` instead of a part, the text
is an expression judged against that reference (a part of kind ``expression`` made for the
occasion), as a comparison table such as Math-Verify's needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import TractorError
from ..records import ASSISTANT, Message, Transcript


@dataclass(frozen=True)
class ClaimCheck:
    """What :func:`check_claim` decided: ``verdict`` as in a build, ``parsed`` the normalised
    form ("" when nothing was read), ``reason`` the verifier's detail."""

    verdict: str
    parsed: str
    reason: str
    kind: str
    part: str


def _homework_with(part: str):
    from .. import homeworks

    owners = [h for h in homeworks.names() if homeworks.get(h).key.part(part) is not None]
    if len(owners) != 1:
        raise TractorError(f"part {part!r} is in {len(owners)} homeworks ({', '.join(owners) or 'none'}): "
                           "name the homework")
    return homeworks.get(owners[0])


def _reference_homework(reference: str):
    """A homework of one expression part whose reference is ``reference``."""
    from ..homeworks import AnswerKey, Homework, Part, Question

    part = Part(id="1a", asks="", kind="expression", reference=reference)
    key = AnswerKey("reference", "", "0", (Question(1, ""),), (part,))
    return type("ReferenceHomework", (Homework,), {"key": key, "name": "reference"})(), part


def check_claim(text: str, *, homework: str | None = None, part: str | None = None,
                reference: str | None = None) -> ClaimCheck:
    """Judge one claim text: on ``part`` of ``homework`` (the homework whose key has that part
    when not named), or against ``reference``. Never raises for a bad claim."""
    from .. import homeworks
    from ..extract.parts import PartSpan
    from ..extract.pipeline import _claims_for
    from . import verify_claims

    if (part is None) == (reference is None):
        raise TractorError("check_claim needs a part or a reference, not both")
    if reference is not None:
        hw, key_part = _reference_homework(reference)
    else:
        hw = homeworks.get(homework) if homework else _homework_with(part)
        key_part = hw.key.part(part)
        if key_part is None:
            raise TractorError(f"part {part!r} is not in the {hw.key.homework} key")
    transcript = Transcript("check", "check", "text", messages=[Message(ASSISTANT, text)], homework=hw.key.homework)
    span = PartSpan(key_part.id, True, 1, 0, 0, len(text), text, "")
    claims = _claims_for([span], transcript, hw.key)
    if not claims:
        return ClaimCheck("unverified", "", "no claim of this part's kind found in the text", key_part.kind, key_part.id)
    judged = verify_claims(claims, hw)
    # the part's verdict as evaluation reads an attempt: any incorrect claim, else any correct one
    best = next((c for v in ("incorrect", "correct") for c in judged if c.verdict == v), judged[-1])
    return ClaimCheck(best.verdict, best.normalized, best.detail, best.kind, best.part)
