"""Part labels as students' transcripts write them, read into ``(question, letter, roman)``.

The notations: ``1(c)``, ``(c)``, ``c)``, ``Part (b)(ii)``, ``6(b)(ii)``, ``6b ii``, ``6bii)``,
``Question 3 (b)``, ``Answer (1a)``, ``(ii)`` alone, and ranges ``4(a)–(e)``. The letters are
lowercase; uppercase letters only name parts through an alias the question defines
("(a) What is A?"). A label is read at the start of a string (a line with its markdown
decoration removed); :func:`find_labels` also finds labels with a question number inside prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..answer_key import PART_LETTER, ROMAN as _ROMAN

_KEYWORD = re.compile(r"(?i)(?:(?:final\s+)?answer\s+(?:for\s+)?|part\s*|question\s*|problem\s*|subpart\s*|q(?=\d))")
_QNUM = re.compile(r"(\d{1,2})(?![\d.,]\d)")
_PAREN_QL = re.compile(rf"\(\s*(\d{{1,2}})\s*([{PART_LETTER}])\s*(?:\.?\s*({_ROMAN}))?\s*\)")
_LETTER_PAREN = re.compile(rf"\s*\(\s*([{PART_LETTER}])\s*\)")
_LETTER_ADJ = re.compile(rf"([{PART_LETTER}])(?=(?:{_ROMAN})?\)|\s|[:.,*]|\(|{_ROMAN}\b|$)")
_LETTER_CLOSE = re.compile(rf"([{PART_LETTER}])\)")
_ROMAN_PAREN = re.compile(rf"\s*\(\s*({_ROMAN})\s*\)")
_ROMAN_ADJ = re.compile(rf"\.?\s?({_ROMAN})(?![a-z])\)?")
_END = re.compile(r"\s*(?:$|[\s:.,*|)—–\-\]])")
_RANGE = re.compile(rf"\s*(?:–|—|-|to|through)\s*\(?\d{{0,2}}[{PART_LETTER}]\)?")


@dataclass(frozen=True)
class Label:
    question: int | None
    letter: str
    roman: str
    keyword: bool  # written with Part/Question/Problem/Answer
    is_range: bool
    end: int  # characters consumed

    @property
    def qualified(self) -> bool:
        return self.question is not None and bool(self.letter)


def read_label(s: str) -> Label | None:
    """The label at the start of ``s`` (already stripped of markdown decoration), or None."""
    pos, keyword = 0, False
    if m := _KEYWORD.match(s):
        pos, keyword = m.end(), True
    question = letter = roman = None
    if m := _PAREN_QL.match(s, pos):
        question, letter, roman, pos = int(m[1]), m[2], m[3], m.end()
    else:
        if m := _QNUM.match(s, pos):
            question, pos = int(m[1]), m.end()
        if m := _LETTER_PAREN.match(s, pos):
            letter, pos = m[1], m.end()
        elif question is not None and (m := _LETTER_ADJ.match(s, pos)):
            letter, pos = m[1], m.end()
        elif question is None and (m := _LETTER_CLOSE.match(s, pos)):
            letter, pos = m[1], m.end()
        if letter or question is not None:
            if m := _ROMAN_PAREN.match(s, pos):
                roman, pos = m[1], m.end()
            elif letter and question is not None and (m := _ROMAN_ADJ.match(s, pos)):
                roman, pos = m[1], m.end()
        elif m := _ROMAN_PAREN.match(s, pos):
            roman, pos = m[1], m.end()
    if question is None and not letter and not roman:
        return None
    if question is not None and not letter and not keyword:
        return None  # "1." of a numbered list is not a label
    if not _END.match(s, pos) and not (s[pos - 1:pos] == ")" and s[pos:pos + 1].isupper()):
        return None  # "6(c)Time and space": a PDF may drop the space after a closed label
    is_range = bool(letter and _RANGE.match(s, pos))
    if is_range:
        pos = _RANGE.match(s, pos).end()
    return Label(question, letter or "", roman or "", keyword, is_range, pos)


_QUALIFIED_IN_PROSE = re.compile(
    rf"(?:(?<=\b[Qq])|(?<![\w(^_{{]))(\d{{1,2}})(?:\s*\(\s*([{PART_LETTER}])\s*\)|([{PART_LETTER}])(?=(?:{_ROMAN})?(?:\)|\W|$)))"
    rf"(?:\s*\(\s*({_ROMAN})\s*\)|({_ROMAN})(?=\)|\W|$))?\)?")


def find_labels(text: str) -> list[Label]:
    """Every label with a question number and a letter in ``text`` ("for 6(b)(iii)", "6biii)")."""
    out = []
    for m in _QUALIFIED_IN_PROSE.finditer(text):
        out.append(Label(int(m[1]), m[2] or m[3], m[4] or m[5] or "", False, False, m.end()))
    return out


def part_id(question: int, letter: str, roman: str = "") -> str:
    """Canonical id: ``6b.ii``."""
    return f"{question}{letter}" + (f".{roman}" if roman else "")
