"""Which homework a conversation is about, decided from its content alone.

Every key in the homework bank lists its question titles and the sentences students and models
quote (``phrasings``). A conversation is scored against each key by the phrasings it contains,
after both sides are normalised (case, punctuation, LaTeX markup, HTML tags) so that
"$q, k \\stackrel{\\text{iid}}{\\sim} \\mathcal{N}(\\mu, \\sigma^2 I)$" still matches
"iid N(mu, sigma^2 I)". Long phrasings may match approximately (rapidfuzz's best-substring
ratio), which absorbs PDF extraction noise; short ones must match exactly, because a two-word
phrase at 90% similarity is a different phrase. A homework wins only with a minimum score and a
clear margin over the runner-up: a post about another course's homework, or about nothing,
is ``unknown`` rather than the nearest guess. The file name is never looked at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tractor import homeworks

UNKNOWN = "unknown"
MIN_SCORE = 2.0  # e.g. two long phrasings, or one long and three short ones
MIN_MARGIN = 1.5  # over the runner-up, and
MIN_RATIO = 1.5  # times the runner-up: a long post of two homeworks' phrasings is not one of them
FUZZY_CUTOFF = 90.0  # rapidfuzz partial_ratio for a phrasing long enough to match approximately
_FUZZY_MIN_CHARS = 16
_FULL_WEIGHT_WORDS = 3  # a phrasing of this many words counts 1; shorter ones count less
_EVIDENCE_SHOWN = 4

_HTML_TAG = re.compile(r"<[^>]+>")
# LaTeX commands that only format; other commands (\mu, \sigma, \sqrt) are kept as words.
_LATEX_FORMATTING = re.compile(
    r"\\(?:math[a-z]*|text[a-z]*|operatorname|stackrel|left|right|big+[lr]?|displaystyle"
    r"|boldsymbol|begin|end|quad|qquad|limits)(?![a-zA-Z])"
)
_LATEX_COMMAND = re.compile(r"\\([a-zA-Z]+)")
_NON_WORD = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class HomeworkScore:
    homework: str
    score: float
    matched: tuple[str, ...]  # the phrasings found, heaviest first


def normalise(text: str) -> str:
    """Lower-case words and numbers only, single-spaced: what both sides are compared as."""
    text = _HTML_TAG.sub(" ", text)
    text = _LATEX_FORMATTING.sub(" ", text)
    text = _LATEX_COMMAND.sub(r" \1 ", text)
    return _NON_WORD.sub(" ", text.lower()).strip()


def score_homeworks(text: str) -> list[HomeworkScore]:
    """Every homework in the bank with its score against ``text``, best first."""
    normalised = f" {normalise(text)} "
    scores = []
    for name in homeworks.names():
        key = homeworks.get(name).key
        phrasings = {p for q in key.questions for p in (q.title, *q.phrasings) if p.strip()}
        found = sorted((p for p in phrasings if contains(normalised, p)),
                       key=lambda p: (-weight(p), -len(p), p))
        scores.append(HomeworkScore(name, round(sum(map(weight, found)), 3), tuple(found)))
    return sorted(scores, key=lambda s: (-s.score, s.homework))


# "Homework 7", "HW 7", "hw7", "HW#7", "homework-07": the student naming the homework.
_STATED = re.compile(r"(?<![\w])(?:home\s?work|hw)[\s#:_\-]*(?:no\.?\s*)?0*(\d{1,2})(?!\w|\.\w)", re.IGNORECASE)


def stated_homework(student_text: str) -> str | None:
    """The one homework number the student's own text names, as ``hwNN``; None when it names
    none or several."""
    numbers = {int(match.group(1)) for match in _STATED.finditer(student_text)}
    numbers.discard(0)
    return f"hw{numbers.pop():02d}" if len(numbers) == 1 else None


def identify_homework(text: str, student_text: str = "") -> tuple[str, str]:
    """``(homework name, evidence)``, or ``("unknown", why)`` without a clear winner. When the
    bank decides nothing, the homework the student names in ``student_text`` ("HW 7") is taken,
    even one the bank has no key for."""
    found = _from_bank(text)
    if found[0] == UNKNOWN and (stated := stated_homework(student_text)):
        match = _STATED.search(student_text)
        return stated, f"stated by the student: '{match.group(0)}'"
    return found


def _from_bank(text: str) -> tuple[str, str]:
    scores = score_homeworks(text)
    if not scores:
        return UNKNOWN, "no homework in the bank"
    best = scores[0]
    runner_up = scores[1] if len(scores) > 1 else HomeworkScore("", 0.0, ())
    shown = ", ".join(f"'{p}'" for p in best.matched[:_EVIDENCE_SHOWN])
    if (best.score < MIN_SCORE or best.score - runner_up.score < MIN_MARGIN
            or best.score < MIN_RATIO * runner_up.score):
        runner = f"; runner-up {runner_up.homework} {runner_up.score:g}" if runner_up.homework else ""
        return UNKNOWN, (f"no homework in the bank matched: best {best.homework} scored {best.score:g} "
                         f"({len(best.matched)} phrasings{': ' + shown if shown else ''}){runner}; "
                         f"needs {MIN_SCORE:g}, {MIN_MARGIN:g} more and {MIN_RATIO:g} times the runner-up")
    more = f" and {len(best.matched) - _EVIDENCE_SHOWN} more" if len(best.matched) > _EVIDENCE_SHOWN else ""
    runner = f"; runner-up {runner_up.homework} {runner_up.score:g}" if runner_up.homework else ""
    return best.homework, (f"matched {len(best.matched)} phrasings of {best.homework} "
                           f"(score {best.score:g}): {shown}{more}{runner}")


def weight(phrasing: str) -> float:
    """Longer phrasings are more specific to one homework; "feature map" alone proves little.
    The heaviest are listed first in the evidence."""
    return min(1.0, len(normalise(phrasing).split()) / _FULL_WEIGHT_WORDS)


def contains(normalised_text: str, phrasing: str) -> bool:
    """Whether the space-padded normalised text holds the phrasing, word-bounded; approximately
    for phrasings long enough that one garbled character must not hide them."""
    phrase = normalise(phrasing)
    if not phrase:
        return False
    if f" {phrase} " in normalised_text:
        return True
    if len(phrase) < _FUZZY_MIN_CHARS:
        return False
    from rapidfuzz import fuzz

    return fuzz.partial_ratio(phrase, normalised_text, score_cutoff=FUZZY_CUTOFF) > 0
