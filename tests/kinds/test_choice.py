"""The generic multiple-choice kind: which option an answer picks, and its verdict."""

from types import MappingProxyType

import pytest

from tractor import kinds
from tractor.answer_key import AnswerKey, Part
from tractor.records import Claim

OPTIONS = {"a": "batch normalization", "b": "layer normalization", "c": "neither"}
PART = Part("4a", "which normalization", "choice", "b", extra=MappingProxyType({"options": OPTIONS}))
BARE = Part("4b", "a pick with no options listed", "choice", "c", known_wrong=("a",))
KEY = AnswerKey("hwx", "", "1", (), (PART, BARE))
CHOICE = kinds.get("choice")


# Picks as they are written: after a keyword, boxed, said to be correct, by the option's text;
# the last pick stated is the answer; a lowercase letter counts only in brackets.
@pytest.mark.parametrize("text, letter", [
    ("Answer: (B)", "b"),
    ("**Answer:** B", "b"),
    ("The correct option is C.", "c"),
    ("I would choose (a) here.", "a"),
    ("$\\boxed{B}$", "b"),
    ("(b) is correct, because the statistics are per example.", "b"),
    ("At first I thought (a), but the answer is (b).", "b"),
    ("It has to be layer normalization.", "b"),
    ("The answer is a function of the batch.", None),
    ("No idea.", None),
])
def test_pick(text, letter):
    found = CHOICE.extract(text, PART, False)
    assert (found[0][1] if found else None) == letter


# A listed option other than the key's is a definite error; without a listed option list only
# the key's known-wrong picks are.
@pytest.mark.parametrize("part, letter, verdict", [
    (PART, "b", "correct"),
    (PART, "a", "incorrect"),
    (PART, "c", "incorrect"),
    (PART, "e", "unverified"),
    (BARE, "c", "correct"),
    (BARE, "a", "incorrect"),
    (BARE, "b", "unverified"),
])
def test_verdict(part, letter, verdict):
    claim = Claim("t", part.id, True, 1, 0, "choice", f"({letter})", letter)
    assert CHOICE.check(claim, part, KEY).verdict == verdict


def test_key_answers_pass_their_own_check():
    for text, normalized, tags, expected in CHOICE.key_answers(BARE):
        claim = Claim("t", BARE.id, True, 1, 0, "choice", text, normalized, tags=tags)
        assert CHOICE.check(claim, BARE, KEY).verdict == expected
