"""Code claims: filled-in blanks and patches to the question's template.

Blanks: a blank letter followed by its code, from table rows (``| (a) | <code>d_model</code> |``),
bullets (``- (a) `d_model` ``, ``→ **(h)** `W_o` ``) and plain lines; a later statement of the
same blank overrides an earlier one (the final answer wins). Code inside fences is template
text, not a blank's answer. Normalized: JSON object letter -> code, remarks like "(given)" removed.

Patches: ``claim`` is every code block of the attempt joined by a blank line; normalized is a
JSON list of edits in order, ``{"type": "code", "text": ...}`` for a block and
``{"type": "prose", "text": ...}`` for a sentence that names a change to a code identifier
("Change `W_o` to take `2 * d_model` as input").
"""

from __future__ import annotations

import html
import json
import re

from .candidates import fences

_BLANK = re.compile(r"(?:^|\||→|->|\t)\s*[-*•]*\s*\**\(([a-z])\)\**\s*(?:\||\t)?\s*(.*)$")
_CODE_SPAN = re.compile(r"<code>(.*?)</code>|`([^`]+)`")
_REMARK = re.compile(r"\s*\((?:given|provided|already given)\)\s*", re.I)
_EDIT_VERB = re.compile(r"(?i)\b(?:change|replace|update|set|make|modify|use|add|remove|introduce)\b")


def blank_value(rest: str) -> str:
    """The code a blank row states after its letter ("" when it states none)."""
    rest = html.unescape(rest)
    if m := _CODE_SPAN.search(rest):
        return (m[1] or m[2]).strip()
    cell = re.split(r"\||\t", rest)[0]
    return leading_code(_REMARK.sub(" ", cell).strip(" *:—–-"))


def leading_code(text: str) -> str:
    """The code a plain blank row starts with: the longest run of leading words that is a
    Python expression ("d_model the value projection ..." -> "d_model", "2 * d_model keeps" ->
    "2 * d_model"). A PDF prints a table row's cells as one line, so the answer cell and its
    explanation run together; an English sentence start ("Complete the ...", "Filled-in
    blanks") or a function word is no blank's code."""
    import keyword

    words = text.split()
    if not words or re.fullmatch(r"[A-Z][a-z]+", words[0]):
        return ""
    best = ""
    for n, word in enumerate(words[:8], start=1):
        if keyword.iskeyword(word) or word.lower() in _FUNCTION_WORDS:
            break
        if _is_expression(" ".join(words[:n])):
            best = " ".join(words[:n])
    return best


_FUNCTION_WORDS = {"a", "an", "the", "this", "that", "it", "are", "we", "you", "what", "which", "how",
                   "why", "where", "when", "should", "to", "of", "for", "with", "by", "on", "so", "here"}


def _is_expression(code: str) -> bool:
    import ast

    try:
        ast.parse(f"f({code})", mode="eval")  # f(...) also admits keyword arguments ("dim=-1")
    except SyntaxError:
        return False
    return True


def blanks(text: str) -> dict[str, str]:
    """Blank letter -> code, last statement winning."""
    code_spans = fences(text)
    found: dict[str, str] = {}
    for m in re.finditer(r"[^\n]+", text):
        if any(s <= m.start() < e for s, e, _ in code_spans):
            continue
        for b in _BLANK.finditer(m[0]):
            value = _REMARK.sub("", blank_value(b[2])).strip()
            if value:
                found[b[1]] = value
    return dict(sorted(found.items()))


def extract_blanks(text: str, part) -> list[tuple[str, str, list[str]]]:
    found = blanks(text)
    if not found:
        return []
    claim = ", ".join(f"({k}) {v}" for k, v in found.items())
    return [(claim, json.dumps(found), [f"blanks={len(found)}"])]


def patch_edits(text: str) -> list[dict[str, str]]:
    """Code blocks and code-naming edit sentences, in order."""
    code_spans = fences(text)
    edits = []
    for m in re.finditer(r"[^\n]+", text):
        if any(s <= m.start() < e for s, e, _ in code_spans):
            continue
        for sentence in re.split(r"(?<=[.!])\s+", m[0]):
            if _EDIT_VERB.search(sentence) and _CODE_SPAN.search(sentence):
                edits.append((m.start(), {"type": "prose", "text": sentence.strip(" -*")}))
    for start, _, body in code_spans or headed_blocks(text):
        body = re.sub(r"^\s*(?:python|Python|Copy code)\s*$", "", body, flags=re.M).strip("\n")
        if body.strip():
            edits.append((start, {"type": "code", "text": body}))
    return [e for _, e in sorted(edits, key=lambda t: t[0])]


_LANGUAGE_HEADER = re.compile(r"(?im)^[ \t]*(?:python|py)[ \t]*(?:\n[ \t]*copy(?: code)?[ \t]*)?\n")
_MAX_BLOCK_LINES = 80


def headed_blocks(text: str) -> list[tuple[int, int, str]]:
    """Code blocks without fences, as a PDF or a copied chat page prints them: a "python"
    header line, then the longest run of following lines that parses as Python (long lines
    the PDF wrapped joined back first)."""
    import ast
    import textwrap

    out = []
    for m in _LANGUAGE_HEADER.finditer(text):
        raw = text[m.end():].split("\n")[:_MAX_BLOCK_LINES]
        lines = _join_wrapped(raw)
        block, end = "", m.end()
        for n in range(1, len(lines) + 1):
            candidate = textwrap.dedent("\n".join(line for line, _ in lines[:n])).strip("\n")
            if not candidate.strip() or not lines[n - 1][0].strip():
                continue
            try:
                ast.parse(candidate)
            except SyntaxError:
                continue
            used = sum(count for _, count in lines[:n])
            block, end = candidate, m.end() + len("\n".join(raw[:used]))
        if block:
            out.append((m.start(), end, block))
    return out


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _join_wrapped(lines: list[str]) -> list[tuple[str, int]]:
    """Undo a PDF's wrapping of long code lines: a line that starts left of the line above it,
    while the next line goes back to a deeper indent, continues the line above
    ("    b, s, d = x.size()  # d can be" / "d_model or 2*d_model" / "    head_dim = ...").
    Each joined line comes with the number of printed lines it took."""
    out: list[tuple[str, int]] = []
    for i, line in enumerate(lines):
        following = next((x for x in lines[i + 1:] if x.strip()), "")
        if (out and line.strip() and out[-1][0].strip() and _indent(line) < _indent(out[-1][0])
                and not line.rstrip().endswith(":") and _indent(following) > _indent(line)):
            out[-1] = (out[-1][0] + " " + line.strip(), out[-1][1] + 1)
        else:
            out.append((line, 1))
    return out


def extract_patch(text: str, part) -> list[tuple[str, str, list[str]]]:
    edits = patch_edits(text)
    if not edits:
        return []
    code = "\n\n".join(e["text"] for e in edits if e["type"] == "code")
    claim = code or "\n".join(e["text"] for e in edits)
    return [(claim, json.dumps(edits), [f"edits={len(edits)}"])]
