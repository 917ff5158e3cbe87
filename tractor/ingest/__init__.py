"""Load step: a file becomes documents (one per conversation) or a recorded failure.

The reader is chosen by content, not by name: a saved chat page named ``.pdf`` is read as the
HTML it is, a ``.txt`` holding PNG bytes is refused as binary. Every failure is an
:class:`~tractor.errors.IngestError` with a message specific to the file."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..errors import IngestError
from ..records import Document

SUPPORTED_SUFFIXES = {".txt", ".md", ".markdown", ".pdf", ".html", ".htm", ".json"}
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta)\b", re.I | re.S)
# A fragment of a chat page saved without its <html> wrapper (a copied DOM subtree): it starts
# with an element and carries the markup that marks turns.
_FRAGMENT_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(div|section|article|main|span|ol|ul)\b", re.I | re.S)
_TURN_MARKUP = re.compile(rb"data-message-author-role=|data-testid=[\"']user-message|font-claude-message")


def sniff(data: bytes) -> str:
    """The format the bytes hold: ``pdf``, ``html``, ``json`` or ``text``."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf")
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if _HTML_START.match(head) or (_FRAGMENT_START.match(head) and _TURN_MARKUP.search(data)):
        return "html"
    if head.lstrip()[:1] in (b"{", b"["):
        return "json"
    return "text"


def load_file(path: Path, source: str) -> list[Document | IngestError]:
    """Read one file. Returns its documents; conversations of a multi-conversation export that
    fail on their own come back as :class:`IngestError` items beside the good ones. A failure of
    the whole file raises :class:`IngestError`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror}", stage="read") from exc
    return load_bytes(data, source, path.suffix)


def load_bytes(data: bytes, source: str, suffix: str) -> list[Document | IngestError]:
    """:func:`load_file` for bytes already read; ``suffix`` only breaks ties the content leaves."""
    if not data:
        raise IngestError("empty file", stage="read")
    kind = sniff(data)
    if kind == "pdf":
        from .pdf import read_pdf

        return [read_pdf(data, source)]
    if kind == "html":
        from .html import read_chat_page

        return list(read_chat_page(data, source))
    if kind == "json" and (docs := _load_json(data, source, strict=suffix.lower() == ".json")):
        return docs
    if suffix.lower() == ".pdf":
        raise IngestError("not a PDF: no %PDF- signature (damaged or mislabelled file)", stage="read")
    from .text import read_text

    fmt = "markdown" if suffix.lower() in (".md", ".markdown") else "text"
    return [read_text(data, source, fmt)]


def _load_json(data: bytes, source: str, strict: bool) -> list[Document | IngestError]:
    """Export conversations; an empty list when a non-``.json`` file only looked like JSON (a
    text post may start with ``[Homework 9](#)``) so that it is read as text instead."""
    from .app_exports import read_gemini_takeout, read_grok_export, sniff_app_export
    from .exports import read_chatgpt_export, read_claude_export, read_deepseek_export, sniff_export
    from .text import decode_text

    try:
        obj = json.loads(decode_text(data))
    except json.JSONDecodeError as exc:
        if not strict:
            return []
        raise IngestError(f"invalid JSON: {exc.msg} at line {exc.lineno}", stage="read") from exc
    readers = {"chatgpt-export": read_chatgpt_export, "claude-export": read_claude_export,
               "deepseek-export": read_deepseek_export, "grok-export": read_grok_export,
               "gemini-takeout": read_gemini_takeout}
    kind = sniff_export(obj) or sniff_app_export(obj)
    if kind:
        return readers[kind](obj, source)
    if not strict:
        return []
    raise IngestError("JSON file is no chat export this tool reads (ChatGPT, Claude, DeepSeek, Grok "
                      "or Gemini Takeout conversations)", stage="read")
