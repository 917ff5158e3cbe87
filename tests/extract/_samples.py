"""Sample posts cut into transcripts at the turn boundaries visible in the text.

Segmentation is another step's job; these tests need transcripts now, so each sample's turns are
listed here as 1-based inclusive line ranges (student annotations between turns left out), or
cut at the post's own "Me:" / "ChatGPT:" speaker labels.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from tractor.records import ASSISTANT, USER, Message, Transcript

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

# role, [(first line, last line), ...]
_TURNS = {
    "000_c66c20e44076dd47": [
        (USER, [(6, 8)]), (ASSISTANT, [(10, 86)]), (USER, [(90, 90)]), (ASSISTANT, [(92, 141)]),
        (USER, [(145, 145)]), (ASSISTANT, [(147, 284)]), (USER, [(290, 290)]), (ASSISTANT, [(292, 415)]),
        (USER, [(419, 421)]), (ASSISTANT, [(423, 434)]), (USER, [(440, 440)]),
        (ASSISTANT, [(442, 477), (479, 567)]), (USER, [(571, 597)]), (ASSISTANT, [(599, 659)]),
    ],
    "002_dae959164a571601": [
        (ASSISTANT, [(1, 11)]), (USER, [(13, 13)]), (ASSISTANT, [(15, 142)]), (USER, [(144, 144)]),
        (ASSISTANT, [(146, 194)]), (USER, [(196, 196)]), (ASSISTANT, [(198, 247)]), (USER, [(249, 250)]),
        (ASSISTANT, [(252, 303)]), (USER, [(305, 306)]), (ASSISTANT, [(308, 387)]), (USER, [(389, 389)]),
        (ASSISTANT, [(391, 473)]), (USER, [(475, 475)]), (ASSISTANT, [(477, 520)]), (USER, [(522, 522)]),
        (ASSISTANT, [(524, 568)]),
    ],
}


def _by_line_ranges(stem: str, lines: list[str]) -> list[Message]:
    return [Message(role, "\n".join("\n".join(lines[a - 1:b]) for a, b in ranges))
            for role, ranges in _TURNS[stem]]


def _by_speaker_labels(text: str) -> list[Message]:
    messages = []
    for m in re.finditer(r"(?ms)^(Me|ChatGPT):(.*?)(?=^(?:Me|ChatGPT):|\Z)", text):
        messages.append(Message(USER if m[1] == "Me" else ASSISTANT, m[2].strip()))
    return messages


@cache
def sample(stem: str, fmt: str = "txt") -> Transcript:
    path = CORPUS / f"{stem}.txt"
    text = path.read_text(encoding="utf-8")
    messages = _by_line_ranges(stem, text.splitlines()) if stem in _TURNS else _by_speaker_labels(text)
    return Transcript(transcript_id=stem, source=path.name, format=fmt, messages=messages, homework="hw09")


STEMS = ("000_c66c20e44076dd47", "001_c77c6757d0383bc8", "002_dae959164a571601")
