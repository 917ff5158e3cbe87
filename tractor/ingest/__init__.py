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


def sniff(data: bytes) -> str:
    """The format the bytes hold: ``pdf``, ``html``, ``json`` or ``text``."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf")
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if _HTML_START.match(head):
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
    from .exports import read_chatgpt_export, read_claude_export, sniff_export
    from .text import decode_text

    try:
        obj = json.loads(decode_text(data))
    except json.JSONDecodeError as exc:
        if not strict:
            return []
        raise IngestError(f"invalid JSON: {exc.msg} at line {exc.lineno}", stage="read") from exc
    kind = sniff_export(obj)
    if kind == "chatgpt-export":
        return read_chatgpt_export(obj, source)
    if kind == "claude-export":
        return read_claude_export(obj, source)
    if not strict:
        return []
    raise IngestError("JSON file is neither a ChatGPT nor a Claude conversations export", stage="read")
