"""Text posts in every common encoding, and the bytes that must be refused."""

import codecs

import pytest

from testdata import BAD_INPUTS, CORPUS
from tractor.errors import IngestError
from tractor.ingest.text import decode_text

SAMPLE_001 = (CORPUS / "001_c77c6757d0383bc8.txt").read_text(encoding="utf-8")
FIRST_SENTENCE = "I used ChatGPT's 5.1 Thinking Model to do all the non-coding questions on HW9."


# The bad-inputs that must load, each with text it must contain after decoding.
@pytest.mark.parametrize("name, expected", [
    ("transcript_latin1.txt", "Résumé of my chat"),
    ("transcript_latin1.txt", "naïve café test, Müller, señor, 50 °C, ½, ±"),
    ("transcript_latin1.txt", FIRST_SENTENCE),
    ("transcript_utf16.txt", FIRST_SENTENCE),
])
def test_legacy_and_utf16_files_decode(name, expected):
    assert expected in decode_text((BAD_INPUTS / name).read_bytes())


# The same post re-encoded in every encoding a student's machine might write.
@pytest.mark.parametrize("encoding, bom", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-32-le", codecs.BOM_UTF32_LE),
])
def test_unicode_encodings_round_trip(encoding, bom):
    assert decode_text(bom + SAMPLE_001.encode(encoding)) == SAMPLE_001


# Windows line endings are normalised, nothing else changes.
def test_crlf_normalised():
    assert decode_text(b"Me: hi\r\nChatGPT: hello\r\n") == "Me: hi\nChatGPT: hello\n"


# Bytes that are not a text post, with the specific message each must give.
@pytest.mark.parametrize("data, message", [
    (b"", "empty file"),
    (b"  \n\t\n", "empty file"),
    ((BAD_INPUTS / "binary_junk.txt").read_bytes(), "binary data, not text"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "binary data, not text"),
])
def test_refused_with_specific_message(data, message):
    with pytest.raises(IngestError, match=message):
        decode_text(data)


# Control characters are counted exactly: a stray one survives, more than 1% means binary (on
# the bytes, and after a byte-order mark on the decoded text).
@pytest.mark.parametrize("data, loads", [
    (b"hello \x07 world" + b"a" * 200, True),
    (b"\x01\x02" * 10 + b"a" * 100, False),
    (b"\x1b" * 2 + b"a" * 198, True),
    (b"\x1b" * 3 + b"a" * 197, False),
    (codecs.BOM_UTF8 + b"\x01" * 5 + b"a" * 100, False),
    (codecs.BOM_UTF8 + b"\x01" + b"a" * 200, True),
])
def test_control_character_share(data, loads):
    if loads:
        assert "a" * 100 in decode_text(data)
    else:
        with pytest.raises(IngestError, match="binary data, not text"):
            decode_text(data)
