"""The shared spaCy pipeline: a blank English tokenizer plus a rule-based sentencizer.

A blank pipeline needs no model download and tokenizes the same everywhere; the matchers in
:mod:`.refusal`, :mod:`.citations` and :mod:`.corrections` run on its ``Doc`` objects.

Several detectors read the same message (citations and both refusal detectors read every
answer), so its sentences and each sentence's tokens are computed once and remembered until
:func:`forget` (which :func:`tractor.label.label_transcript` calls after each transcript, so the
memory stays bounded and no post is served another post's parse).
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice

MAX_CHARS = 100_000  # one message; longer text is cut, never fed whole to spaCy
_BLOCK_BREAK = re.compile(r"\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)])\s)")
_SPACES = re.compile(r"\s+")
# The sentencizer ends a sentence at every full stop: one that closes an abbreviation does not
# ("introduced by Vaswani et al. (2017)" is one sentence, its citation whole).
_ABBREVIATION_END = re.compile(r"(?:\bet al|\be\.g|\bi\.e|\bcf|\bvs|\bFig|\bEq|\bSec)\.\s*[(\[]?$", re.IGNORECASE)


def nlp():
    from ..english import english

    return english()


@lru_cache(maxsize=4096)
def doc(text: str):
    """The tokens of ``text`` (no sentence boundaries: the matchers need tokens only)."""
    return nlp().make_doc(text[:MAX_CHARS])


def sentences(text: str, limit: int | None = None) -> list[str]:
    """Sentences of a message, one per line-separated block too (chat answers are lists and
    headings more than prose), whitespace collapsed, empty ones dropped. With ``limit``, only
    the first ``limit``: blocks are split one at a time, so a long answer's lead is all that is
    parsed."""
    return list(_sentences(text, limit))


@lru_cache(maxsize=1024)
def _sentences(text: str, limit: int | None) -> tuple[str, ...]:
    return tuple(islice(_each_sentence(text), limit))


def _each_sentence(text: str):
    for block in _BLOCK_BREAK.split(text[:MAX_CHARS]):
        block = _SPACES.sub(" ", block).strip()
        if block:
            yield from _joined(block, nlp()(block).sents)


def _joined(block: str, sents):
    """The block's sentences, a piece ending in an abbreviation joined to the next."""
    start = None
    for sent in sents:
        start = sent.start_char if start is None else start
        piece = block[start:sent.end_char].strip()
        if piece and not _ABBREVIATION_END.search(piece):
            yield piece
            start = None
    if start is not None and (rest := block[start:].strip()):
        yield rest


def forget() -> None:
    """Drop the remembered parses (after one transcript's labels are done)."""
    doc.cache_clear()
    _sentences.cache_clear()
