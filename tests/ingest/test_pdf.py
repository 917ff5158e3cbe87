"""PDF reader: the sample posts' PDFs and the damaged files, each paired with what must come out."""

import re
from functools import lru_cache
from pathlib import Path

import pytest

from tractor.errors import IngestError
from tractor.ingest.pdf import read_pdf

REPO = Path(__file__).resolve().parents[2]
PDFS = REPO / "corpus" / "pdf"
BAD = REPO / "tests" / "fixtures" / "bad-inputs"


@lru_cache(maxsize=None)
def read(path: Path):
    return read_pdf(path.read_bytes(), path.name)


# Known sentences of each post survive, including the TeX-source ("rawtex") prints.
@pytest.mark.parametrize("name, sentence", [
    ("000_c66c20e44076dd47.pdf", "can you please solve problem 1 in this PDF?"),
    ("000_c66c20e44076dd47.pdf", "Problem 1 — Justifying Scaled-Dot Product Attention"),
    ("001_c77c6757d0383bc8.pdf", "I used ChatGPT's 5.1 Thinking Model to do all the non-coding questions on HW9."),
    ("002_dae959164a571601.pdf", "Problem 6 – Kernelized Linear Attention (Part I)"),
    ("000_c66c20e44076dd47.rawtex.pdf", r"Suppose $q, k \in \mathbb{R}^d$ are two random vectors with"),
    ("002_dae959164a571601.rawtex.pdf", "Problem 6 – Kernelized Linear Attention (Part I)"),
])
def test_known_sentences(name, sentence):
    assert sentence in read(PDFS / name).text


# A user's turn printed as a right-aligned bubble is a paragraph of its own, even with no
# vertical gap and across a page break.
@pytest.mark.parametrize("name, paragraph", [
    ("002_dae959164a571601.pdf", "What if M and D were distinct values?"),
    ("002_dae959164a571601.pdf", "Does the similarity function strictly have to be positive?"),
    ("002_dae959164a571601.pdf", "For 6c), do we know the relative scale between n, D, and M?"),
])
def test_bubble_is_own_paragraph(name, paragraph):
    assert f"\n\n{paragraph}\n\n" in read(PDFS / name).text


# Inline math stays between the words around it (corpus/*.txt holds the same sentences as
# LaTeX), superscripts and subscripts come back as ^ and _, fractions and radicals are rebuilt.
@pytest.mark.parametrize("name, expected", [
    ("000_c66c20e44076dd47.pdf", "Suppose q, k ∈ R^d are two random vectors with"),
    ("000_c66c20e44076dd47.pdf", "vectors in R^d with mean μ and variance σ^2 . For part (a), the LLM derived E[q^T k] by summing E[q_i k_i]"),
    ("000_c66c20e44076dd47.pdf", "define Var(q^T k) in terms of d ."),
    ("000_c66c20e44076dd47.pdf", "Suppose we want E[(q^T k)/s] = 0 and"),
    ("000_c66c20e44076dd47.pdf", "leading to s = √d . The official solution"),
    ("002_dae959164a571601.pdf", "sim(q, k) = (q^T k + 1)^2"),
    ("002_dae959164a571601.pdf", "sim(q, k) = exp(q^T k/√D) → always positive"),
    ("001_c77c6757d0383bc8.pdf", "s = √d (taking s > 0)"),
])
def test_inline_math_in_place(name, expected):
    assert expected in read(PDFS / name).text


# Code keeps its indentation, relative to the block's left edge, across a page break too.
@pytest.mark.parametrize("line", [
    "class MultiHeadAttention(nn.Module):",
    "    def __init__(self, d_model, num_heads):",
    "        self.d_model = d_model",
    "        self.d_k = d_model // num_heads",
    "            attn_scores = attn_scores.masked_fill(mask == 0, -1e9)",  # first line on page 6
    "                  ____(g)____, self.d_k).transpose(1, 2)",
])
def test_code_indentation(line):
    assert line in read(PDFS / "000_c66c20e44076dd47.pdf").text.splitlines()


# Browser-print headers and footers are gone; the conversation URL becomes an identity.
@pytest.mark.parametrize("name, pages, url", [
    ("000_c66c20e44076dd47.pdf", 18, "https://chatgpt.com/c/6a0b7c1e-2f4d-4e8a-9b1c-3d5e7f901234"),
    ("001_c77c6757d0383bc8.pdf", 23, "https://chatgpt.com/c/69f1d2a3-8b7c-4d6e-a5f4-0e1d2c3b4a59"),
])
def test_print_furniture_stripped(name, pages, url):
    doc = read(PDFS / name)
    assert "chatgpt.com/c/" not in doc.text
    assert not re.search(rf"(^|\s)\d{{1,2}}/{pages}$", doc.text, re.M)
    assert not re.search(r"\d{1,2}/\d{1,2}/\d{2}, \d{1,2}:\d{2} [AP]M", doc.text)
    assert doc.identities == [url]


# Title from the PDF metadata; math_lost marks KaTeX prints, not the TeX-source ones.
@pytest.mark.parametrize("name, title, math_lost", [
    ("000_c66c20e44076dd47.pdf", "ChatGPT - HW9 attention questions", "1"),
    ("000_c66c20e44076dd47.rawtex.pdf", "ChatGPT - HW9 attention questions", None),
    ("002_dae959164a571601.pdf", "Kernelized attention homework help - Grok", "1"),
    ("002_dae959164a571601.rawtex.pdf", "Kernelized attention homework help - Grok", None),
])
def test_title_and_math_flag(name, title, math_lost):
    doc = read(PDFS / name)
    assert (doc.format, doc.title, doc.metadata.get("math_lost"), doc.partial) == ("pdf", title, math_lost, False)


# Damaged and unreadable files: the outcome bad-inputs/README.md asks for.
@pytest.mark.parametrize("name, message", [
    ("empty.pdf", "empty file"),
    ("encrypted_user_password.pdf", "encrypted PDF, password required"),
    ("scanned_no_text_layer.pdf", "no text layer (scanned image?)"),
    ("truncated_half.pdf", "truncated PDF: no pages recoverable, cross-reference table and trailer missing"),
    ("saved_page_named_pdf.pdf", "not a PDF: no %PDF- signature"),
])
def test_bad_inputs_refused(name, message):
    with pytest.raises(IngestError) as caught:
        read_pdf((BAD / name).read_bytes(), name)
    assert (str(caught.value), caught.value.stage) == (message, "pdf")


@pytest.mark.parametrize("name, partial, sentence", [
    ("encrypted_owner_only_nocopy.pdf", "", "can you please solve problem 1 in this PDF?"),
    ("truncated_no_trailer.pdf", "truncated PDF: recovered 23 of 23 pages, cross-reference table and trailer missing",
     "I used ChatGPT's 5.1 Thinking Model to do all the non-coding questions on HW9."),
])
def test_bad_inputs_recovered(name, partial, sentence):
    doc = read(BAD / name)
    assert (doc.partial, doc.damage, sentence in doc.text) == (bool(partial), partial, True)


# A bare page number at a page's top or bottom edge is furniture (its own number or the next:
# a cover page may go unnumbered); the same digits mid-page, or far from the number, are text.
@pytest.mark.parametrize("text, bottom, page, dropped", [
    ("1", 40.0, 1, True), ("2", 40.0, 1, True), ("- 3 -", 750.0, 3, True), ("12", 30.0, 12, True),
    ("1", 400.0, 1, False), ("7", 40.0, 2, False), ("2.", 40.0, 2, False), ("x = 2", 40.0, 2, False),
])
def test_bare_page_numbers(text, bottom, page, dropped):
    from types import SimpleNamespace

    from tractor.ingest.pdf import _is_page_number

    line = SimpleNamespace(text=text, bottom=bottom, top=bottom + 10)
    assert _is_page_number(line, SimpleNamespace(height=792.0), page) is dropped


# A link ends where non-link text starts, with no space needed: CJK text, full-width
# punctuation, a closing bracket; the text after it is never part of it.
@pytest.mark.parametrize("text, link", [
    ("資料集(https://www.kaggle.com/c/GiveMeSomeCredit/)進行分析", "https://www.kaggle.com/c/GiveMeSomeCredit/"),
    ("見 https://chatgpt.com/share/abc123-def456）。好", "https://chatgpt.com/share/abc123-def456"),
    ("https://chat.openai.com/c/1234567890abc，然後", "https://chat.openai.com/c/1234567890abc"),
    ("see https://claude.ai/chat/0a1b2c3d-4e5f. Next", "https://claude.ai/chat/0a1b2c3d-4e5f"),
    ("(https://x.org/share/abcdef12)", "https://x.org/share/abcdef12"),
])
def test_links_end_before_text(text, link):
    from tractor.ingest.pdf import _CHAT_LINK, _URL

    assert _URL.findall(text) == [link]
    assert _CHAT_LINK.findall(text) == [link]
