from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from tractor.errors import IngestError
from tractor.ingest.html import read_chat_page

REPO = Path(__file__).resolve().parents[2]
SAMPLE_001 = REPO / "corpus" / "html" / "001_c77c6757d0383bc8.html"
PAGE_NAMED_PDF = REPO / "tests" / "fixtures" / "bad-inputs" / "saved_page_named_pdf.pdf"
CHATGPT_SHARE = REPO / "tests" / "fixtures" / "exports" / "chatgpt_share_page.html"
CLAUDE_CHAT = REPO / "tests" / "fixtures" / "exports" / "claude_chat_page.html"


@cache  # each page is parsed once per test session; the tests only read the result
def read(path: Path):
    (document,) = read_chat_page(path.read_bytes(), str(path))
    return document


def assistant_text(path: Path) -> str:
    return "\n\n".join(t.content for t in read(path).turns if t.role == "assistant")


def all_text(path: Path) -> str:
    return "\n\n".join(t.content for t in read(path).turns)


# Turn counts and the speaker of the first turn, against the gold counts.
@pytest.mark.parametrize(
    ("path", "users", "assistants", "first_role"),
    [
        (SAMPLE_001, 9, 9, "user"),
        (PAGE_NAMED_PDF, 8, 9, "assistant"),  # starts mid-conversation
        (CHATGPT_SHARE, 2, 2, "user"),
        (CLAUDE_CHAT, 2, 2, "user"),
    ],
)
def test_turn_counts(path, users, assistants, first_role):
    document = read(path)
    assert Counter(t.role for t in document.turns) == {"user": users, "assistant": assistants}
    assert document.turns[0].role == first_role
    assert document.format == "html"


# Model: the per-turn slug when the page has one, else the page's model picker.
@pytest.mark.parametrize(
    ("path", "assistant_models", "page_model"),
    [
        (SAMPLE_001, ["ChatGPT 5.1 Thinking"] * 9, "ChatGPT 5.1 Thinking"),
        (CHATGPT_SHARE, ["o3", "gpt-4o"], "ChatGPT o3"),
        (CLAUDE_CHAT, ["", ""], None),
    ],
)
def test_models(path, assistant_models, page_model):
    document = read(path)
    assert [t.model for t in document.turns if t.role == "assistant"] == assistant_models
    assert all(t.model == "" for t in document.turns if t.role == "user")
    assert document.metadata.get("model") == page_model


# KaTeX spans become their exact TeX annotation ($..$ inline, $$..$$ display); a formula
# KaTeX failed to parse keeps its raw source.
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (SAMPLE_001, "\n\n$$\\boxed{s = \\sqrt{d}}$$\n\n"),
        (SAMPLE_001, "since $\\mathbb{E}[X^2] = \\mathbb{E}[Y^2] = 1$ for standard normals."),
        (SAMPLE_001, "$$\\frac{d}{s^2} = 1 \\quad \\rightarrow \\quad s^2 = d \\quad \\rightarrow"
                     " \\quad s = \\sqrt{d} \\quad (\\text{taking } s > 0).$$"),
        (SAMPLE_001, "$\\text{prev_K}: [b, n, k]$ with"),  # katex-error
        (PAGE_NAMED_PDF, "$$K(q, k) = (q^T k)^2$$"),
        (PAGE_NAMED_PDF, "| (f) | $O(b d^2 + b n d)$ |"),
        (CHATGPT_SHARE, "value of size $d/h$, so after $n$ steps"),
        (CHATGPT_SHARE, "\n\n$$2 b n \\frac{d}{h}$$\n\n"),
        (CLAUDE_CHAT, "- form $\\sum_j \\phi(K_j) V_j^\\top$ once,"),
    ],
)
def test_latex_kept_exactly(path, expected):
    assert expected in assistant_text(path)


# The rendered KaTeX glyphs (duplicates of the annotation) never reach the text.
@pytest.mark.parametrize("path", [SAMPLE_001, PAGE_NAMED_PDF])
def test_no_rendered_math_glyphs(path):
    text = all_text(path)
    assert "∑" not in text and "𝔼" not in text and "​" not in text


# Code blocks are fenced and keep their exact lines and indentation.
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (SAMPLE_001, "```\nclass MultiHeadAttention(nn.Module):\n    def __init__(self, d_model,"
                     " num_heads):\n        super(MultiHeadAttention, self).__init__()\n"),
        (SAMPLE_001, "    return x.transpose(1, 2).contiguous().view(batch_size,\n"
                     "                                                seq_length, d)\n```"),
        (CHATGPT_SHARE, "```python\ndef cache_bytes(b, n, d, h, bytes_per=2):\n"
                        "    per_step = 2 * d // h\n    if n <= 0:\n        return 0\n"),
        (CLAUDE_CHAT, "    kv = phi_k.T @ v            # (M, D)\n    z = phi_k.sum(0)\n"),
    ],
)
def test_code_blocks(path, expected):
    assert expected in assistant_text(path)


# Block structure: headings, numbered and nested lists, tables, emphasis, emoji images.
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (CHATGPT_SHARE, "### Cache size\n\nEach step"),
        (CHATGPT_SHARE, "1. keys: `[b, h, n, d/h]`\n2. values: `[b, h, n, d/h]`\n  - one tensor per layer"),
        (CHATGPT_SHARE, "| Variant | Cache |\n| --- | --- |\n| MHA | $2bnd$ |"),
        (CHATGPT_SHARE, "compared with **multi-head** attention, which stores *h* times more:"),
        (CHATGPT_SHARE, "Thanks! 🙏 And grouped-query?"),
        (SAMPLE_001, "3. We repeat for 1(b), 1(c), etc.\n4. We skip Q5 like you requested."),
        (SAMPLE_001, "Here's how we can do it:\n\n- You'll send me the questions **one at a time**"),
    ],
)
def test_block_structure(path, expected):
    assert expected in all_text(path)


# UI chrome recognisable by markup stays out of the turns: reasoning panes, buttons,
# screen-reader labels, navigation, footers, scripts, avatars.
@pytest.mark.parametrize(
    ("path", "chrome"),
    [
        (CHATGPT_SHARE, "Thought for 12s"),
        (CHATGPT_SHARE, "Copy code"),
        (CHATGPT_SHARE, "You said"),
        (CHATGPT_SHARE, "Good response"),
        (CHATGPT_SHARE, "Earlier chat"),
        (CHATGPT_SHARE, "__reactRouterContext"),
        (CLAUDE_CHAT, "Thought process"),
        (CLAUDE_CHAT, "the phi features dominate"),
        (CLAUDE_CHAT, "Retry"),
        (CLAUDE_CHAT, "JS"),
        (SAMPLE_001, "ChatGPT can make mistakes"),
        (SAMPLE_001, "Share"),
    ],
)
def test_chrome_dropped(path, chrome):
    assert chrome not in all_text(path)


# Identity-bearing chat links (saved-from comment, canonical, og:url, links) and the title.
@pytest.mark.parametrize(
    ("path", "identities", "title"),
    [
        (CHATGPT_SHARE, ["https://chatgpt.com/share/67a1b2c3-d4e5-8000-9f0a-1b2c3d4e5f60",
                         "https://chatgpt.com/c/0000aaaa-bbbb-cccc-dddd-eeeeffff0000"],
         "ChatGPT - Multi-query attention"),
        (CLAUDE_CHAT, ["https://claude.ai/chat/3f2e1d0c-9b8a-4765-a4b3-c2d1e0f9a8b7"],
         "Linear attention cost - Claude"),
        (SAMPLE_001, [], "ChatGPT - Deep learning HW9"),
    ],
)
def test_identities_and_title(path, identities, title):
    document = read(path)
    assert document.identities == identities
    assert document.title == title


# A block with a non-chat author role (the student's summary) is kept aside as a note.
def test_note_role_kept_out_of_turns():
    document = read(SAMPLE_001)
    assert document.metadata["notes"].startswith("Summary\n\nI used ChatGPT's 5.1 Thinking Model")
    assert all("I used ChatGPT's 5.1 Thinking Model" not in t.content for t in document.turns)
    assert document.turns[0].content.startswith("Me: I am completing an assignment")


# Pages that are not chats fail with a reason, never with an empty document.
@pytest.mark.parametrize(
    ("data", "message", "stage"),
    [
        (b"<html><head><title>Notes</title></head><body><p>Hello</p></body></html>",
         "HTML page without chat turns", "html"),
        (b'<div data-message-author-role="user"><p>Only a question?</p></div>',
         "HTML page without chat turns", "html"),
        (b"<!-- saved page -->", "unparseable HTML page", "html"),
        (b"   \n", "empty file", "decode"),
    ],
)
def test_unusable_pages(data, message, stage):
    with pytest.raises(IngestError, match=message) as raised:
        read_chat_page(data, "page.html")
    assert raised.value.stage == stage


# Encoding: a page without a charset declaration is still read as UTF-8, or as UTF-16 by BOM.
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_encodings(encoding):
    page = ('<div data-message-author-role="user">Prüfe σ²</div>'
            '<div data-message-author-role="assistant">Größe: 3 µm</div>')
    (document,) = read_chat_page(page.encode(encoding), "page.html")
    assert [t.content for t in document.turns] == ["Prüfe σ²", "Größe: 3 µm"]


# Turn markers: turns come in page order whichever marker found them, a marker nested in
# another belongs to the outer turn, an element carrying two markers takes the first one's role,
# and a class marker matches a whole class name only ("model", not "models" or "remodel").
@pytest.mark.parametrize(
    ("page", "turns", "page_model"),
    [
        ('<div data-testid="user-message">Q1</div><div data-is-streaming="false">A1</div>'
         '<div data-testid="user-message">Q2</div><div class="x font-claude-message">A2</div>',
         [("user", "Q1"), ("assistant", "A1"), ("user", "Q2"), ("assistant", "A2")], ""),
        ('<div data-testid="user-message">Q</div>'
         '<div data-is-streaming="false"><div class="font-claude-message"><p>A</p></div></div>',
         [("user", "Q"), ("assistant", "A")], ""),
        ('<div data-message-author-role="user" data-is-streaming="false">Q</div>'
         '<div data-message-author-role="assistant">A</div>',
         [("user", "Q"), ("assistant", "A")], ""),
        ('<span class="remodel">Old</span><span class="models">Many</span><span class=" model ">GPT-5</span>'
         '<div data-message-author-role="user">Q</div><div data-message-author-role="assistant">A</div>',
         [("user", "Q"), ("assistant", "A")], "GPT-5"),
        ('<div data-message-author-role="user">Q</div><div data-message-author-role="assistant">'
         '<span class="katex"><span class="katex-mathml">x <b>+</b> 1</span></span></div>',
         [("user", "Q"), ("assistant", "$x + 1$")], ""),
    ],
)
def test_turn_markers(page, turns, page_model):
    (document,) = read_chat_page(f"<html><body>{page}</body></html>".encode(), "page.html")
    assert [(t.role, t.content) for t in document.turns] == turns
    assert document.metadata.get("model", "") == page_model


EXPORTS = REPO / "tests" / "fixtures" / "exports"


def _page(name: str):
    from tractor.ingest import load_bytes

    return load_bytes((EXPORTS / name).read_bytes(), name, Path(name).suffix)


# An older share page embeds its conversation as JSON (__NEXT_DATA__): read from there, the
# user's line breaks, the code interpreter's code and output and each answer's model survive,
# and the author's name is an identity to scrub.
@pytest.mark.parametrize(("check", "expected"), [
    (lambda d: [t.role for t in d.turns], ["user", "assistant"]),
    (lambda d: d.turns[0].content, "Fix my loop:\n\nfor i in range(3):\nprint(i)\n\nit fails"),
    (lambda d: "```python\nfor i in range(3):\n    print(i)\n```\n\n```\n0\n1\n2\n```" in d.turns[1].content, True),
    (lambda d: d.turns[1].model, "gpt-4"),
    (lambda d: d.metadata.get("model"), "gpt-4"),
    (lambda d: (d.source, d.format, d.title), ("chatgpt_share_embedded.html", "html", "Loop fix")),
    (lambda d: "Robin Quill" in d.identities, True),
])
def test_embedded_share_conversation(check, expected):
    [document] = _page("chatgpt_share_embedded.html")
    assert check(document) == expected


# A DOM fragment saved without <html> is still a chat page, recognised by its turn markup; the
# user's pre-wrapped line breaks are kept.
@pytest.mark.parametrize(("check", "expected"), [
    (lambda d: d.format, "html"),
    (lambda d: [t.role for t in d.turns], ["user", "assistant"]),
    (lambda d: d.turns[0].content, "Sort this list:\n[3, 1, 2]\ndescending please"),
    (lambda d: d.turns[1].model, "gpt-4o-mini"),
])
def test_saved_fragment(check, expected):
    [document] = _page("chatgpt_fragment.html")
    assert check(document) == expected


# A share page whose chat is gone says so in one line.
def test_share_page_404():
    with pytest.raises(IngestError, match=r"^share page 'not found' \(404\)"):
        _page("chatgpt_share_404.html")
