"""Plain text and markdown posts, in whatever encoding the student's machine wrote.

Byte-order marks decide first (UTF-8/16/32), then strict UTF-8, then charset-normalizer's
detection for the legacy code pages (latin-1, cp1252...). Binary data named ``.txt`` is refused
with a specific message instead of being decoded into mojibake."""

from __future__ import annotations

import codecs

from ..errors import IngestError
from ..records import Document

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters that never occur in a text post (tab, newline, carriage return, form feed
# are fine). A few stray ones survive copy-paste; many mean the file is binary.
_CONTROL = set(range(0, 32)) - {9, 10, 12, 13}
# Counted by deleting them (bytes.translate / str.translate run in C, a loop per character not).
_CONTROL_BYTES = bytes(sorted(_CONTROL))
_CONTROL_CHARS = dict.fromkeys(_CONTROL)
_MAX_CONTROL_RATIO = 0.01


def decode_text(data: bytes) -> str:
    """Bytes to str; raises :class:`IngestError` for empty, binary or undecodable input."""
    if not data.strip():
        raise IngestError("empty file", stage="decode")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(encoding))
            except UnicodeDecodeError as exc:
                raise IngestError(f"invalid {encoding} text after its byte-order mark: {exc.reason}",
                                  stage="decode") from exc
    if b"\x00" in data[:4096] or _control_ratio(data[:65536]) > _MAX_CONTROL_RATIO:
        raise IngestError("binary data, not text", stage="decode")
    try:
        return _checked(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    return _checked(_legacy_decode(data))


# When several code pages fit the bytes equally well (they agree on ASCII and differ only in the
# accented letters), the Western European ones win: English-language courses write in them.
_PREFERRED = ("cp1252", "latin_1", "iso8859_15")


def _legacy_decode(data: bytes) -> str:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise IngestError("binary data, not text (no text encoding fits)", stage="decode")
    best = min((m.chaos, -m.coherence) for m in matches)
    tied = [m for m in matches if (m.chaos, -m.coherence) == best]
    rank = {name: i for i, name in enumerate(_PREFERRED)}
    chosen = min(tied, key=lambda m: (rank.get(m.encoding, len(rank)), m.encoding))
    return str(chosen)


def _control_ratio(sample: bytes) -> float:
    return (len(sample) - len(sample.translate(None, _CONTROL_BYTES))) / max(len(sample), 1)


def _checked(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    head = text[:65536]
    if len(head) - len(head.translate(_CONTROL_CHARS)) > _MAX_CONTROL_RATIO * min(len(text), 65536):
        raise IngestError("binary data, not text", stage="decode")
    if not text.strip():
        raise IngestError("empty file (only whitespace)", stage="decode")
    return text


def read_text(data: bytes, source: str, fmt: str = "text") -> Document:
    return Document(source=source, format=fmt, text=decode_text(data))
