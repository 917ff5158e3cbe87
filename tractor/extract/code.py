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


def _blank_value(rest: str) -> str:
    rest = html.unescape(rest)
    if m := _CODE_SPAN.search(rest):
        return (m[1] or m[2]).strip()
    cell = re.split(r"\||\t", rest)[0]
    cell = _REMARK.sub(" ", cell).strip(" *")
    return cell if cell and len(cell.split()) <= 2 else ""


def blanks(text: str) -> dict[str, str]:
    """Blank letter -> code, last statement winning."""
    code_spans = fences(text)
    found: dict[str, str] = {}
    for m in re.finditer(r"[^\n]+", text):
        if any(s <= m.start() < e for s, e, _ in code_spans):
            continue
        for b in _BLANK.finditer(m[0]):
            value = _REMARK.sub("", _blank_value(b[2])).strip()
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
    for start, _, body in code_spans:
        body = re.sub(r"^\s*(?:python|Python|Copy code)\s*$", "", body, flags=re.M).strip("\n")
        if body.strip():
            edits.append((start, {"type": "code", "text": body}))
    return [e for _, e in sorted(edits, key=lambda t: t[0])]


def extract_patch(text: str, part) -> list[tuple[str, str, list[str]]]:
    edits = patch_edits(text)
    if not edits:
        return []
    code = "\n\n".join(e["text"] for e in edits if e["type"] == "code")
    claim = code or "\n".join(e["text"] for e in edits)
    return [(claim, json.dumps(edits), [f"edits={len(edits)}"])]
