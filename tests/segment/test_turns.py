"""segment(): a post's text becomes messages, the student's annotations and the summary."""

import json
import sys
from pathlib import Path

import pytest

from tractor.errors import IngestError
from tractor.records import Document, Turn
from tractor.segment.labels import parse_label
from tractor.segment.turns import segment

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"
GOLD = sorted((REPO / "data" / "gold").glob("*.json"))
ANSWER = ("Sure! Here is the solution.\n\n$$s = \\sqrt{d}$$\n\n"
          "The variance of the scaled dot product is then 1.")


def _roles(text: str) -> list[str]:
    return [message.role for message in segment(Document("post.txt", "text", text)).messages]


def _sample(stem: str, kind: str = "txt"):
    if kind == "txt":
        path = next(folder / f"{stem}.txt" for folder in (CORPUS, REPO / "data" / "gold" / "posts")
                    if (folder / f"{stem}.txt").exists())
        return segment(Document(path.name, "text", path.read_text(encoding="utf-8")))
    from tractor.ingest.pdf import read_pdf

    path = CORPUS / "pdf" / f"{stem}.{kind}"
    return segment(read_pdf(path.read_bytes(), str(path)))


# Every speaker-label spelling: a user label, then an assistant label, gives user -> assistant.
@pytest.mark.parametrize("user_label, assistant_label", [
    ("Me:", "ChatGPT:"),
    ("User:", "Assistant:"),
    ("You:", "GPT-4o:"),
    ("**User:**", "**Assistant:**"),
    ("## User:", "## Claude:"),
    ("Prompt:", "Response:"),
    ("Q:", "A:"),
    ("Human:", "Claude:"),
    ("User:", "Gemini:"),
    ("User:", "Grok:"),
    ("User:", "Model:"),
    ("Me:", "Llama 3:"),
    ("Me:", "Qwen2.5:"),
    ("Me:", "DeepSeek-R1:"),
    ("Me:", "Mistral:"),
    ("Me:", "Copilot:"),
    ("Me:", "Perplexity:"),
    ("Me:", "Claude 3.5 Sonnet:"),
    ("Me:", "ChatGPT 5.1 Thinking:"),
])
def test_labelled_layouts(user_label, assistant_label):
    text = (f"{user_label} Solve problem 1 please.\n\n{assistant_label}\n\n{ANSWER}\n\n"
            f"{user_label} now problem 2\n\n{assistant_label} {ANSWER}")
    assert _roles(text) == ["user", "assistant", "user", "assistant"]


# Label-only lines ("You said:", headings holding a speaker name) open turns too.
@pytest.mark.parametrize("text", [
    f"You said:\n\nSolve problem 1.\n\nChatGPT said:\n\n{ANSWER}",
    f"## User\n\nSolve problem 1.\n\n## Gemini\n\n{ANSWER}",
    f"### Human\n\nSolve problem 1.\n\n### Assistant\n\n{ANSWER}",
])
def test_label_only_lines(text):
    assert _roles(text) == ["user", "assistant"]


# Near misses: a model named in prose, a sub-question, a code line - none is a speaker label.
@pytest.mark.parametrize("line", [
    "ChatGPT is great at algebra",
    "ChatGPT is great: it solved everything",
    "Answer (1a):",
    "Question 2(a): Argmax attention mechanics",
    "W_q: ____A____",
    "The model: a transformer",
    "## Solution",
    "Note: the kernel is homogeneous",
])
def test_not_a_label(line):
    assert parse_label(line) is None


# A near miss inside an answer does not open a turn.
def test_model_named_in_prose_stays_in_the_answer():
    text = (f"Me: Solve problem 1.\n\nChatGPT:\n\n{ANSWER}\n\nChatGPT is great at this kind of "
            "derivation, but check the constant.\n\nMe: thanks")
    assert _roles(text) == ["user", "assistant", "user"]


# "Thought for Ns >" separates a prompt (before) from its answer (after), labels or not.
def test_thought_markers_split_unlabelled_turns():
    text = (f"solve problem 1\n\nThought for 12s >\n\n{ANSWER}\n\nnow solve 2\n\n"
            f"Thought for 3s >\n\n{ANSWER}")
    assert _roles(text) == ["user", "assistant", "user", "assistant"]


# The real posts (text and PDF prints) and the gold variant posts, against the gold turn counts.
CASES = [(gold, kind) for gold in (json.loads(path.read_text()) for path in GOLD)
         for kind in ("txt", "pdf", "rawtex.pdf")
         if kind == "txt" or (CORPUS / "pdf" / f"{gold['stem']}.{kind}").exists()]


@pytest.mark.parametrize("gold, kind", [pytest.param(gold, kind, id=f"{gold['stem'][:3]}-{kind}")
                                        for gold, kind in CASES])
def test_turn_counts_match_gold(gold, kind):
    result = _sample(gold["stem"], kind)
    users = sum(message.role == "user" for message in result.messages)
    assistants = len(result.messages) - users
    tolerance = gold["turns"]["tolerance"]
    assert abs(users - gold["turns"]["user"]) <= tolerance, (users, assistants)
    assert abs(assistants - gold["turns"]["assistant"]) <= tolerance, (users, assistants)


# Facts about the real posts that later steps rely on.
def test_001_labelled_post():
    result = _sample("001_c77c6757d0383bc8")
    assert result.messages[0].role == "user"
    assert result.messages[0].content.startswith("I am completing an assignment")
    assert result.summary.startswith("I used ChatGPT's 5.1 Thinking Model")
    note = "acknowledged the assignment here"
    assert any(a.text.startswith(note) for a in result.annotations)
    assert not any(note in m.content for m in result.messages if m.role == "assistant")
    # the pasted course announcement stays inside the user's turn
    assert "Dear students," in result.messages[8].content and result.messages[8].role == "user"


def test_000_unlabelled_post_with_commentary():
    result = _sample("000_c66c20e44076dd47")
    first = next(a for a in result.annotations if "When I prompted the LLM with Question 1" in a.text)
    assert result.messages[first.after_message].role in ("user", "assistant")
    assert not any("When I prompted the LLM" in m.content for m in result.messages)
    assert any(m.role == "user" and m.content.strip() == "now solve 2" for m in result.messages)


def test_002_starts_mid_answer():
    result = _sample("002_dae959164a571601")
    assert result.messages[0].role == "assistant"
    assert result.messages[0].content.startswith("Part\tAnswer")
    assert result.messages[1].role == "user"
    assert not result.annotations  # the post has no student commentary


# Documents whose format states the turns keep them; only marked commentary is lifted out.
def test_stated_turns_are_kept_and_marked_commentary_lifted():
    turns = [Turn("user", "solve 1"), Turn("user", "all parts"),
             Turn("assistant", "The answer is 3.\n\n[Comment: this one was right]"),
             Turn("user", "next")]
    result = segment(Document("chat.json", "export", turns=turns))
    assert [(m.role, m.content) for m in result.messages] == [
        ("user", "solve 1\n\nall parts"), ("assistant", "The answer is 3."), ("user", "next")]
    assert [(a.text, a.after_message) for a in result.annotations] == [
        ("[Comment: this one was right]", 1)]


@pytest.mark.parametrize("text", ["", "   \n\n  "])
def test_empty_text_is_an_ingest_error(text):
    with pytest.raises(IngestError) as error:
        segment(Document("empty.txt", "text", text))
    assert error.value.stage == "segment"


# The shipped model is exactly what scripts/train_segmenter.py makes from data/segment/.
def test_shipped_model_matches_training_script():
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import train_segmenter
    finally:
        sys.path.pop(0)
    shipped = json.loads((REPO / "data" / "models" / "segmenter.json").read_text())
    assert _close(json.loads(train_segmenter.train()), shipped)


def _close(a, b, tolerance=1e-6) -> bool:
    """Equal up to float noise from another BLAS build (the file stores 8 decimals)."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], tolerance) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_close(x, y, tolerance) for x, y in zip(a, b))
    if isinstance(a, float):
        return abs(a - b) <= tolerance
    return a == b
