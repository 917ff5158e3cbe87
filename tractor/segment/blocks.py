"""Split a post's text into blocks: the units that segmentation labels one by one.

A block is a markdown block (paragraph, heading, list, table, fenced code, ``$$`` math), found
by markdown-it-py so that code and display math with blank lines inside stay whole. Speaker
labels and "Thought for Ns" markers are lines, not blocks: they cut the text into spans, and
every block remembers the label or marker around it, because those are the certain signals.

PDF text has no blank lines between paragraphs (lines are hard-wrapped to the page width), so
such text is reflowed first: a line close to the page width continues into the next one, and
runs of math fragments (extracted glyphs such as "T", "i=1", "∑") become one block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from tractor.segment.labels import (discover_labels, is_chrome, is_thought_marker, label_shape,
                                    parse_label)

_FENCE_RE = re.compile(r"^\s*(```|~~~)")
_CONTINUATION_RE = re.compile(r"^[.,;:)]\s")
_WORD_RE = re.compile(r"[A-Za-z]{2,}")
_RULE_RE = re.compile(r"^\s*([-_*])(?:\s*\1){2,}\s*$")  # a horizontal rule: ---, ___, * * *


@dataclass(frozen=True)
class Block:
    """One unit of text plus the certain context the rules know about it."""

    text: str
    kind: str = "paragraph"  # markdown block type: paragraph, heading, fence, math_block, ...
    # or "note": a remark the student put inside a speaker label ("Me (pasted twice):")
    turn_role: str = ""  # role of the speaker label whose span holds the block ("" if none)
    opens_turn: bool = False  # first block after a speaker label (or its same-line rest)
    after_marker: bool = False  # first block after a "Thought for Ns" marker
    before_marker: bool = False  # last block before a "Thought for Ns" marker


def split_blocks(text: str) -> list[Block]:
    """The post's blocks in reading order (UI chrome such as "Copy code" dropped)."""
    lines = [line for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
             if not is_chrome(line)]
    known = discover_labels(lines, _fenced_lines(lines))
    if _is_hard_wrapped(lines):
        lines = _reflow(lines, known)
    blocks: list[Block] = []
    turn_role, opens_turn, after_marker = "", False, False
    for kind, value, chunk in _spans(lines, known):
        if kind == "note":
            blocks.append(Block(value, "note", turn_role))
            continue
        if kind == "marker":
            if blocks:
                blocks[-1] = replace(blocks[-1], before_marker=True)
            after_marker = True
            continue
        if kind == "label":
            turn_role, opens_turn = value, True
        for block_kind, block_text in _table_runs(_markdown_blocks(chunk)):
            if blocks and _CONTINUATION_RE.match(block_text) and block_kind == "paragraph":
                blocks[-1] = replace(blocks[-1], text=blocks[-1].text + block_text)
                continue
            blocks.append(Block(block_text, block_kind, turn_role, opens_turn, after_marker))
            opens_turn = after_marker = False
    return blocks


def _spans(lines: list[str], known: dict[str, str]):
    """Yield ("text"|"label"|"marker"|"note", role or note, lines) spans; labels inside code do
    not count. A span quoted as a whole (every line under a label starts with ">", the way some
    posts set the chat apart) is unquoted: the quoting decorates the transcript, not a quote."""
    inside = _fenced_lines(lines, known)
    chunk: list[str] = []
    for number, line in enumerate(lines):
        label = None if number in inside else parse_label(line, known)
        marker = number not in inside and is_thought_marker(line)
        if not label and not marker:
            chunk.append(line)
            continue
        yield "text", "", _unquoted(chunk)
        chunk = []
        if marker:
            yield "marker", "", []
        else:
            if label.note:
                yield "note", f"({label.note})", []
            chunk = [label.rest] if label.rest else []
            yield "label", label.role, []
    yield "text", "", _unquoted(chunk)


def _unquoted(chunk: list[str]) -> list[str]:
    filled = [line for line in chunk if line.strip() and not _RULE_RE.match(line)]
    if len(filled) < 1 or not all(line.lstrip().startswith(">") for line in filled):
        return chunk
    return [re.sub(r"^\s*> ?", "", line) for line in chunk]


def _fenced_lines(lines: list[str], known: dict[str, str] | None = None) -> set[int]:
    """Line numbers inside closed code fences (an unclosed fence guards nothing). A decorated
    line of this document's speaker labels (``known``) closes an open fence: exports often lose
    the closing fence of an answer's last code block, and the next turn is no code."""
    inside: set[int] = set()
    start = None
    for number, line in enumerate(lines):
        if _FENCE_RE.match(line):
            if start is None:
                start = number
            else:
                inside.update(range(start, number + 1))
                start = None
        elif start is not None and known and _is_label_line(line, known):
            inside.update(range(start, number))
            start = None
    return inside


def _is_label_line(line: str, known: dict[str, str]) -> bool:
    shape = label_shape(line)
    return bool(shape and shape[3] and shape[0] in known)


def _markdown_blocks(lines: list[str]) -> list[tuple[str, str]]:
    """(kind, text) of each top-level markdown block, text as written (markup kept)."""
    if not any(line.strip() for line in lines):
        return []
    tokens = _parser().parse("\n".join(lines))
    blocks = []
    for token in tokens:
        if token.level != 0 or token.nesting == -1 or not token.map or token.type == "hr":
            continue
        start, end = token.map
        text = "\n".join(lines[start:end]).strip()
        if text:
            blocks.append((token.type.removesuffix("_open"), text))
    return blocks


def _table_runs(blocks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Split a paragraph where tab-separated table rows and plain lines meet. A PDF print
    gives a table as one row per line, cells split by tabs, and the reader may set the
    sentence before or after it (a heading, the student's note) with no gap between them."""
    out = []
    for kind, text in blocks:
        if kind != "paragraph" or "\t" not in text:
            out.append((kind, text))
            continue
        run: list[str] = []
        for line in text.split("\n"):
            if run and ("\t" in line) != ("\t" in run[-1]):
                out.append((kind, "\n".join(run)))
                run = []
            run.append(line)
        out.append((kind, "\n".join(run)))
    return out


@lru_cache(maxsize=1)
def _parser():
    """Block rules only: the blocks' kinds and line ranges are all that is read, and inline
    parsing (emphasis, links, ``$..$`` math inside paragraphs) would be most of the cost."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    return MarkdownIt("commonmark").enable("table").use(dollarmath_plugin).disable("inline")


def _is_hard_wrapped(lines: list[str]) -> bool:
    """PDF-like text: many lines, almost no blank line between paragraphs."""
    filled = sum(1 for line in lines if line.strip())
    blank = len(lines) - filled
    return filled > 30 and blank < 0.05 * filled


def _reflow(lines: list[str], known: dict[str, str]) -> list[str]:
    """Put a blank line wherever a hard-wrapped paragraph ends (see the module docstring)."""
    lengths = sorted(len(line.rstrip()) for line in lines if len(line.strip()) > 20)
    width = lengths[int(0.9 * (len(lengths) - 1))] if lengths else 80
    kept = [line.rstrip() for line in lines if line.strip()]
    out: list[str] = []
    previous_fragment = False
    for number, line in enumerate(kept):
        following = kept[number + 1].lstrip() if number + 1 < len(kept) else ""
        continues = bool(out and out[-1]) and not previous_fragment
        fragment = not continues and len(_WORD_RE.findall(line)) < 3 \
            and not parse_label(line, known) and not is_thought_marker(line)
        if out and out[-1] and fragment != previous_fragment:
            out.append("")
        out.append(line.strip() if fragment else line)
        wraps_on = len(line) >= 0.6 * width and not line.endswith((":", "?", "!"))
        if parse_label(line, known):
            # A label's same-line note ("ChatGPT: understood it here") is often followed by
            # the answer on the next line; only a lower-case start continues the sentence.
            wraps_on = wraps_on and following[:1].islower()
        if not fragment and not wraps_on:
            out.append("")
        previous_fragment = fragment
    return out
