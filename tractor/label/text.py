"""The shared spaCy pipeline: a blank English tokenizer plus a rule-based sentencizer.

A blank pipeline needs no model download and tokenizes the same everywhere; the matchers in
:mod:`.refusal`, :mod:`.citations` and :mod:`.stance` run on its ``Doc`` objects.
"""

from __future__ import annotations

import re
from functools import cache

MAX_CHARS = 100_000  # one message; longer text is cut, never fed whole to spaCy


@cache
def nlp():
    import spacy

    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    return pipeline


def doc(text: str):
    return nlp()(text[:MAX_CHARS])


def sentences(text: str) -> list[str]:
    """Sentences of a message, one per line-separated block too (chat answers are lists and
    headings more than prose), whitespace collapsed, empty ones dropped."""
    out = []
    for block in re.split(r"\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)])\s)", text[:MAX_CHARS]):
        block = re.sub(r"\s+", " ", block).strip()
        if block:
            out += [s.text.strip() for s in doc(block).sents if s.text.strip()]
    return out
