"""``choice``: a multiple-choice pick, normalized to the option's lowercase letter.

The key's reference (and accepted, known-wrong answers) are option letters; ``options`` may
list the options' texts (``options = { a = "...", b = "..." }``), so an answer that states an
option's text rather than its letter is read too, and any listed option other than the key's
is a definite ``incorrect``. A pick is a letter after "answer", "option", "choice", "pick" or
"select" (``Answer: (B)``, ``the correct option is C``), a boxed letter, or a letter said to be
correct (``(b) is correct``); the last pick stated is the answer. A lowercase letter counts
only in brackets, so "the answer is a function" picks nothing.
"""

from __future__ import annotations

import re

from ..answer_key import AnswerKey, Part
from ..records import Claim
from ..verify.key_claims import graded
from ..verify.outcome import Outcome, correct, incorrect, unverified
from . import Extracted, Kind, register

_LETTER = r"(?:\(([A-Ha-h])\)|\b([A-H])\b)"
_PICKS = [
    re.compile(rf"(?i:\b(?:answer|option|choice|pick|select(?:ed)?|choose)\b)(?:\s+(?i:is|would\s+be|will\s+be))?"
               rf"[\s:*_]*{_LETTER}"),
    re.compile(rf"\\boxed\{{\s*(?:\\text\{{)?\s*{_LETTER}"),
    re.compile(rf"{_LETTER}[\s*_]*(?:is|would\s+be)\s+(?:the\s+)?(?:correct|right)\b"),
]


def _letter(m: re.Match) -> str:
    return next(g for g in m.groups() if g).lower()


def _stated_option(text: str, part: Part | None) -> list[tuple[int, str, str]]:
    """(position, text, letter) of each option of the key stated by its text."""
    options = part.extra.get("options", {}) if part is not None else {}
    flat = " ".join(text.split()).lower()
    found = []
    for letter, option in options.items():
        said = " ".join(str(option).split()).lower()
        if said and (pos := flat.rfind(said)) >= 0:
            found.append((pos, str(option), letter.lower()))
    return found


def extract(text: str, part: Part | None, pdf: bool) -> list[Extracted]:
    picks = [(m.start(), m[0].strip(), _letter(m)) for pattern in _PICKS for m in pattern.finditer(text)]
    if not picks:
        picks = _stated_option(text, part)
    if not picks:
        return []
    _, raw, letter = max(picks)
    return [(raw, letter, [])]


def _canon(text: str) -> str:
    return re.sub(r"[\s()]", "", text).lower()


def check(claim: Claim, part: Part, key: AnswerKey) -> Outcome:
    mine = _canon(claim.normalized or claim.claim)
    if mine in {_canon(t) for t in (part.reference, *part.accepted)}:
        return correct(f"option ({mine}) is the key's", part.reference)
    listed = {_canon(letter) for letter in part.extra.get("options", {})}
    if mine in {_canon(t) for t in part.known_wrong} or mine in listed:
        return incorrect(f"option ({mine}) where the key has ({_canon(part.reference)})", part.reference)
    return unverified(f"option ({mine}) is not among the key's options")


register(Kind(name="choice", extract=extract, check=check,
              key_answers=lambda part: graded(part, lambda t: (_canon(t), []))))
