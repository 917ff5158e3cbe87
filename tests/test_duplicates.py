"""Duplicate detection from the turns: real post text, edited the ways students re-post."""

import re

import pytest

from testdata import CORPUS
from tractor.duplicates import DuplicateFinder

POST_A = (CORPUS / "000_c66c20e44076dd47.txt").read_text(encoding="utf-8")
POST_B = (CORPUS / "001_c77c6757d0383bc8.txt").read_text(encoding="utf-8")
POST_C = (CORPUS / "002_dae959164a571601.txt").read_text(encoding="utf-8")


def paragraphs(text):
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def drop_every(text, n):
    return "\n\n".join(p for i, p in enumerate(paragraphs(text)) if i % n)


# Each row: the kept post's model turns, then a second post's; is the second a duplicate?
@pytest.mark.parametrize("kept, second, duplicate", [
    # the same conversation, re-posted or converted
    (POST_A, POST_A, True),  # byte for byte (different transcript id: another reader's rows)
    (POST_A, POST_A.replace("\n", " "), True),  # line breaks lost (PDF text)
    (POST_A, re.sub(r"[*_#`$]", "", POST_A), True),  # Markdown and LaTeX marks stripped (saved page)
    (POST_A, POST_A.upper(), True),  # case changed
    (POST_A, drop_every(POST_A, 5), True),  # every fifth paragraph lost (a page missing)
    (POST_A, POST_A.replace("the", "teh", 20), True),  # typos introduced
    (POST_A, POST_A + "\n\nEDIT: I re-checked 1(c) and the answer is right.\n", True),  # re-posted with a note
    (POST_B, "\n\n".join(paragraphs(POST_B)[: len(paragraphs(POST_B)) * 2 // 3]), True),  # last third missing
    # different conversations on the same homework are not duplicates
    (POST_A, POST_B, False),
    (POST_A, POST_C, False),
    (POST_B, POST_C, False),
    (POST_A, "\n\n".join(paragraphs(POST_A)[:4]), False),  # a short excerpt is not the conversation
    # one-line answers: only an exact repeat counts
    ("Paris is the capital of France.", "Paris is the capital of France.", False),
    ("s = sqrt(d)", "s = sqrt(d)", False),
])
def test_near_duplicates(kept, second, duplicate):
    finder = DuplicateFinder()
    assert finder.check("kept", [kept]) == ""
    assert finder.check("second", [second]) == ("kept" if duplicate else "")


# An exact duplicate has the same transcript id (the id is a hash of the turns), whatever its length.
@pytest.mark.parametrize("turns", [["Paris."], [POST_A], ["a", "b"]])
def test_exact_duplicate_by_id(turns):
    finder = DuplicateFinder()
    assert [finder.check("same", turns), finder.check("same", turns)] == ["", "same"]


# Of several kept posts, a duplicate names the one it repeats, and a chain points to the first.
def test_names_the_right_kept_post():
    finder = DuplicateFinder()
    assert [finder.check(i, [t]) for i, t in (("a", POST_A), ("b", POST_B), ("c", POST_C))] == ["", "", ""]
    assert finder.check("b2", [POST_B.replace("\n", " ")]) == "b"
    assert finder.check("c2", [drop_every(POST_C, 4)]) == "c"
    assert finder.check("b3", [POST_B.lower()]) == "b"
