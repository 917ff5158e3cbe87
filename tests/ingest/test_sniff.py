"""Readers are chosen by content, not by the file's name."""

import json

import pytest

from testdata import BAD_INPUTS, CORPUS
from tractor.errors import IngestError
from tractor.ingest import load_file, sniff


# Real files and what they hold, whatever their names say.
@pytest.mark.parametrize("path, kind", [
    (CORPUS / "pdf" / "000_c66c20e44076dd47.pdf", "pdf"),
    (CORPUS / "html" / "001_c77c6757d0383bc8.html", "html"),
    (BAD_INPUTS / "saved_page_named_pdf.pdf", "html"),
    (BAD_INPUTS / "transcript_latin1.txt", "text"),
    (CORPUS / "001_c77c6757d0383bc8.txt", "text"),
])
def test_sniff_by_content(path, kind):
    assert sniff(path.read_bytes()) == kind


# A text post that starts like JSON ("[Homework 09 ...](#)") is read as text, not refused.
def test_text_post_starting_with_bracket_is_text():
    path = CORPUS / "000_c66c20e44076dd47.txt"
    assert path.read_text().lstrip().startswith("[")
    (doc,) = load_file(path, "000.txt")
    assert doc.format == "text" and "Problem 1" in doc.text


# Files that must fail as a whole, with the message for each.
@pytest.mark.parametrize("name, content, message", [
    ("empty.pdf", b"", "empty file"),
    ("notes.pdf", b"just some text named pdf", "not a PDF"),
    ("conversations.json", b"{not json", "invalid JSON"),
    ("conversations.json", json.dumps({"hello": 1}).encode(), "no chat export this tool reads"),
])
def test_whole_file_failures(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError, match=message):
        load_file(path, name)


# Page fragments saved without <html>: HTML when they carry chat-turn markup, text otherwise
# (a markdown post may start with a <div> of its own).
@pytest.mark.parametrize("data, kind", [
    (b'<div class="c">\n <div data-message-author-role="user">hi</div></div>', "html"),
    (b'  <section><div data-testid="user-message">hi</div></section>', "html"),
    (b'<!-- saved --><article><div class="font-claude-message">ok</div></article>', "html"),
    (b'<div align="center">My HW9 chat</div>\n\nMe: hi\nChatGPT: hello', "text"),
    (b'<span>note</span> User: hi', "text"),
])
def test_sniff_fragments(data, kind):
    assert sniff(data) == kind
