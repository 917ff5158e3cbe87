"""Turn segmentation: a post's raw text becomes chat messages, student commentary and summary.

How it decides (see blocks.py, labels.py, classifier.py):

1. the text is cut into markdown blocks; speaker labels ("Me:", "Claude:", "You said:") and
   "Thought for Ns" markers are certain and fix or restrict the role of the blocks around them;
2. a logistic-regression classifier scores every block as user / assistant / annotation /
   summary from token features (spaCy blank tokenizer) and its neighbours;
3. Viterbi decoding picks the best label sequence under the rules and learned transitions;
4. runs of same-role blocks become messages (commentary between them does not split a turn),
   annotation runs are anchored after the message they follow, summary blocks are joined.

A document whose format already states the turns (exports, saved pages) keeps them; only
commentary the student clearly marked inside a turn ("[Comment: ...]") is pulled out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tractor.errors import IngestError
from tractor.records import ASSISTANT, USER, Annotation, Document, Message, Turn
from tractor.segment.blocks import Block, split_blocks
from tractor.segment.classifier import ANNOTATION, SUMMARY, decode
from tractor.segment.labels import is_explicit_note, is_page_copy

_SUMMARY_TITLE_RE = re.compile(
    r"^\W*(?:executive\s+|overall\s+)?(?:summary|reflection|conclusion|overview|tl;?dr|"
    r"takeaways?)\W*(?::\s*|$)", re.IGNORECASE)
_MARKED_COMMENTARY_RE = re.compile(
    r"^\s*\[?\s*[*_]{0,2}(?:my note|my comment|comment|annotation|student note|observation)"
    r"[*_]{0,2}\s*[:\-–—]", re.IGNORECASE)


@dataclass(frozen=True)
class Segmentation:
    messages: list[Message]
    annotations: list[Annotation]
    summary: str


def segment(doc: Document) -> Segmentation:
    """Split ``doc`` into messages, annotations and summary (roles: "user"/"assistant")."""
    if doc.turns:
        return _from_turns(doc.turns)
    text = _without_title_line(doc.text, doc.title)
    blocks = split_blocks(text)
    if not blocks:
        raise IngestError("no text to segment", stage="segment")
    result = _assemble(blocks, _inside_turns(blocks, decode(blocks), is_page_copy(text)))
    if not result.messages:
        raise IngestError("no conversation found in the text", stage="segment")
    return result


def _inside_turns(blocks: list[Block], labels: list[str], page_copy: bool) -> list[str]:
    """Commentary rules the classifier's local view misses. Under a speaker label, a block
    between two blocks of that same turn is part of the turn unless the student marked it as a
    note ("Note: ...", "[...]"): commentary goes between turns, not inside a sentence run of
    the answer. In a copy of the chat page ("You said:" / "ChatGPT said:") every unmarked
    block under a label belongs to its speaker: the copy holds only the chat."""
    out = list(labels)
    for i, (block, label) in enumerate(zip(blocks, labels)):
        if label != ANNOTATION or not block.turn_role or block.kind == "note" or _marked(block.text):
            continue
        same_span = lambda j: 0 <= j < len(blocks) and blocks[j].turn_role == block.turn_role \
            and not blocks[j].opens_turn
        before = i > 0 and out[i - 1] == block.turn_role
        after = i + 1 < len(blocks) and same_span(i + 1) and labels[i + 1] == block.turn_role
        if page_copy or (before and after):
            out[i] = block.turn_role
    return out


def _marked(text: str) -> bool:
    stripped = text.strip()
    return is_explicit_note(stripped) or bool(_MARKED_COMMENTARY_RE.match(stripped)) \
        or (stripped[:1] in "[(" and stripped[-1:] in "])") \
        or (len(stripped) > 2 and stripped[0] in "*_" and stripped[-1] == stripped[0])


def _without_title_line(text: str, title: str) -> str:
    """Drop a first line that only repeats the page title (a print's app header, e.g.
    "Grok Kernelized attention homework help" for the title "... homework help - Grok")."""
    first, _, rest = text.lstrip().partition("\n")
    title_words = set(re.findall(r"\w+", title.lower()))
    line_words = set(re.findall(r"\w+", first.lower()))
    if (len(line_words) >= 2 and line_words <= title_words) or (title.strip() and first.strip() == title.strip()):
        return rest
    return text


def _assemble(blocks: list[Block], labels: list[str]) -> Segmentation:
    messages: list[Message] = []
    annotations: list[Annotation] = []
    summary: list[str] = []
    previous = ""
    for block, label in zip(blocks, labels):
        if label == SUMMARY:
            summary.append(block.text)
        elif label == ANNOTATION:
            anchor = len(messages) - 1
            if previous == ANNOTATION and annotations[-1].after_message == anchor:
                annotations[-1] = Annotation(annotations[-1].text + "\n\n" + block.text, anchor)
            else:
                annotations.append(Annotation(block.text, anchor))
        elif messages and messages[-1].role == label:
            messages[-1] = Message(label, messages[-1].content + "\n\n" + block.text)
        else:
            messages.append(Message(label, block.text))
        previous = label
    return Segmentation(messages, annotations, _summary_text(summary))


def _summary_text(paragraphs: list[str]) -> str:
    """Summary paragraphs without their title ("Summary", "# Reflection", "Conclusion:")."""
    kept = []
    for paragraph in paragraphs:
        title = _SUMMARY_TITLE_RE.match(paragraph)
        if title and title.end() == len(paragraph.rstrip()):
            continue
        kept.append(paragraph[title.end():].lstrip() if title else paragraph)
    return "\n\n".join(kept)


def _from_turns(turns: list[Turn]) -> Segmentation:
    """Keep the stated turns (merging same-role neighbours); lift out marked commentary."""
    messages: list[Message] = []
    annotations: list[Annotation] = []
    for turn in turns:
        role = USER if turn.role == USER else ASSISTANT
        merging = bool(messages) and messages[-1].role == role
        current = len(messages) - 1 if merging else len(messages)
        kept = []
        for paragraph in re.split(r"\n\s*\n", turn.content.strip()):
            if _MARKED_COMMENTARY_RE.match(paragraph):
                annotations.append(Annotation(paragraph.strip(), current if kept or merging
                                              else current - 1))
            elif paragraph.strip():
                kept.append(paragraph)
        if not kept:
            continue
        content = "\n\n".join(kept)
        if merging:
            messages[-1] = Message(role, messages[-1].content + "\n\n" + content)
        else:
            messages.append(Message(role, content))
    return Segmentation(messages, annotations, "")
