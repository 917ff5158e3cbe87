"""A student's note is read where it belongs: the part it names (in every way a part is written),
else the one answer it follows; its stance from the note itself, whatever the decoration (quote
blocks, emoji markers, italics, bracketed tags, summary-table rows with a remark)."""

import pytest

from tractor.label.stance import disagreement_labels
from tractor.records import Annotation, Message, Transcript

from .samples import claim


def _notes(note: str, claims, after: int = 1) -> list[tuple[str, str]]:
    """(part, stance) of each disagreement the note raises against ``claims``."""
    t = Transcript("t", "p.txt", "text", [Message("user", "solve question 1"), Message("assistant", "answers"),
                                          Message("user", "thanks")],
                   annotations=[Annotation(note, after)], homework="hw09")
    return sorted((lb.part, lb.evidence.split(":")[0].removeprefix("note says "))
                  for lb in disagreement_labels(t, claims))


# 1b right, 1c wrong (the verifier's verdicts on one answer turn with two parts)
TWO_PARTS = [claim("1b", 1, 1, "correct", normalized="d"), claim("1c", 1, 1, "incorrect", normalized="d")]


# The part a note names, written in the ways students write it: the note is about 1c, never 1b.
@pytest.mark.parametrize("note", [
    "1(c) is right: scaling by sqrt(d) is what the solution does.",
    "Q1c: the model got this right.",
    "1.c is correct.",
    "Problem 1, part c: correct, matches the official solution.",
    "Question 1 (c) was answered correctly.",
    "For 1 c) the LLM was right.",
])
def test_named_part_is_the_one_judged(note):
    assert _notes(note, TWO_PARTS) == [("1c", "right")]


# Decorated notes keep their polarity: the markup is not the message.
@pytest.mark.parametrize("note, stance", [
    ("> 📝 my note: part (c) is wrong, it should divide by sqrt(d).", "wrong"),
    ("📝 Note: 1(c) is incorrect, the model forgot the square root.", "wrong"),
    ("*My comment: 1(c) is wrong — it used d instead of sqrt(d).*", "wrong"),
    ("[Annotation] Part (c) is incorrect; the scale should be sqrt(d).", "wrong"),
    ("> **Note:** the answer to 1(c) is wrong.", "wrong"),
    ("✍️ _1(c) was not correct: it divided by d._", "wrong"),
])
def test_decorated_notes_keep_their_polarity(note, stance):
    claims = [claim("1c", 1, 1, "correct", normalized="sqrt(d)")]
    assert _notes(note, claims) == [("1c", stance)]


# Summary-table rows: the verdict cell decides; a remark in brackets does not flip it.
@pytest.mark.parametrize("row, fires", [
    ("| 1(c) | correct (longer than needed) |", False),
    ("| 1(c) | ✅ correct, but verbose |", False),
    ("| 1(c) | right (took two tries to explain) |", False),
    ("1(c) — correct (more steps than necessary)", False),
    ("| 1(c) | ❌ wrong (used d) |", True),
    ("| 1(c) | incorrect (missing the square root) |", True),
])
def test_summary_rows(row, fires):
    claims = [claim("1c", 1, 1, "correct", normalized="sqrt(d)")]
    assert bool(_notes(row, claims)) is fires


# A note naming no part is about the answer it follows, when that answer judged one part only.
@pytest.mark.parametrize("note, claims, expected", [
    ("The model got this one right.", [claim("1c", 1, 1, "incorrect", normalized="d")], [("1c", "right")]),
    ("📝 It got this right on the first try.", [claim("1c", 1, 1, "incorrect", normalized="d")], [("1c", "right")]),
    ("> This is wrong.", [claim("2a", 1, 1, "correct", kind="vector")], [("2a", "wrong")]),
    ("The model got this one right.", TWO_PARTS, []),  # two parts answered: which one is unknown
    ("This is wrong.", [claim("1c", 1, 3, "correct", normalized="sqrt(d)")], []),  # the answer comes later
])
def test_unnamed_note_is_about_the_answer_it_follows(note, claims, expected):
    assert _notes(note, claims) == expected


# A clear verdict clause is heard even when the rest of the sentence explains or hedges.
@pytest.mark.parametrize("note, stance", [
    ("1(c) is wrong, I expected the variance to be 1 for normalised vectors.", "wrong"),
    ("1(c) is wrong, the official answer divides by the standard deviation.", "wrong"),
    ("For 1(c), the model is wrong.", "wrong"),
    ("1(c) is incorrect, as far as I can tell from the lecture notes.", "wrong"),
    ("In my view 1(c) is wrong, since the variance is d.", "wrong"),
])
def test_verdict_clause_with_an_explanation(note, stance):
    assert _notes(note, [claim("1c", 1, 1, "correct", normalized="sqrt(d)")]) == [("1c", stance)]


# Clauses that judge a sentence both ways leave it undecided.
@pytest.mark.parametrize("note", [
    "1(c) is right, but 1(c) is also wrong in places.",
    "Part (c) is correct in spirit, the final constant is wrong.",
    "1(c): right idea; wrong answer.",
    "It got 1(c) right at first, then it was wrong.",
    "1(c) is partly right, partly wrong.",
])
def test_mixed_clauses_say_nothing(note):
    assert _notes(note, [claim("1c", 1, 1, "correct", normalized="sqrt(d)")]) == []
