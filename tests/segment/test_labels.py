"""Speaker labels in any decoration, found per document: label lines that recur and alternate.
Inputs are synthetic posts written for these tests (tests/fixtures/exports/pasted) and lines."""

from pathlib import Path

import pytest

from tractor.ingest import load_file
from tractor.segment.labels import discover_labels, is_chrome, is_page_copy, label_shape, parse_label
from tractor.segment.model_id import identify_model
from tractor.segment.turns import segment

PASTED = Path(__file__).resolve().parents[1] / "fixtures" / "exports" / "pasted"


def _segmented(name: str):
    (document,) = load_file(PASTED / name, name)
    return document, segment(document)


# Whole posts: user / assistant turn counts, whether commentary was found, and the model with
# the kind of evidence that named it.
@pytest.mark.parametrize(("name", "users", "assistants", "model", "evidence"), [
    ("headings_gemini.md", 2, 2, "gemini-2.5-pro", "title:"),  # ## User / ## Gemini
    ("bold_emoji.md", 3, 3, "chatgpt", "speaker label:"),  # **👤 You:** / **🤖 ChatGPT:**, open fence
    ("me_gpt4_quoted.md", 2, 2, "gpt-4", "title:"),  # Me: / GPT 4:, quoted turns, a remark in a label
    ("question_answer_italic.md", 3, 3, "unknown", "no evidence"),  # # _Question_ / # _Answer_
    ("prompt_response.md", 2, 2, "unknown", "no evidence"),  # ### Prompt / ### Response
    ("page_copy_said.txt", 2, 2, "chatgpt", "speaker label:"),  # You said: / ChatGPT said:
    ("handle_vs_model.md", 2, 2, "claude-3.5-sonnet", "declared:"),  # ## quill_r / ## claude
    ("pregunta_respuesta.txt", 2, 2, "claude", "title:"),  # Pregunta / Respuesta, undecorated
    ("quoted_labels.md", 2, 2, "unknown", "no evidence"),  # > **User:** inside a blockquote
    ("frage_antwort.md", 2, 2, "deepseek-v3", "declared:"),  # **Frage:** / **Antwort:**
])
def test_pasted_posts(name, users, assistants, model, evidence):
    document, result = _segmented(name)
    roles = [m.role for m in result.messages]
    assert (roles.count("user"), roles.count("assistant")) == (users, assistants)
    assert roles[0] == "user"
    found, why = identify_model(document, result.messages, result.summary, result.annotations)
    assert found == model and why.startswith(evidence)


# Text that must come out whole (a label's remark is a note, not the prompt; quoting removed;
# a fence the export never closed ends at the next label) and chrome that must not.
@pytest.mark.parametrize(("name", "text", "where"), [
    ("me_gpt4_quoted.md", "All units are kept and the weights are scaled by the keep probability.", "assistant"),
    ("me_gpt4_quoted.md", "(here I pasted the wrong paragraph first)", "annotation"),
    ("bold_emoji.md", "show the backward pass", "user"),
    ("handle_vs_model.md", "for p in model.encoder.parameters():\n    p.requires_grad = False", "assistant"),
    ("page_copy_said.txt", "Step decay", "assistant"),
    ("page_copy_said.txt", "Skip to content", None),
    ("page_copy_said.txt", "No file chosen", None),
    ("page_copy_said.txt", "can make mistakes", None),
])
def test_pasted_text(name, text, where):
    _, result = _segmented(name)
    holders = [m.role for m in result.messages if text in m.content]
    holders += ["annotation" for a in result.annotations if text in a.text]
    holders += ["summary"] if text in result.summary else []
    assert holders == ([where] if where else [])


# Per-document discovery: the two alternating sides and their roles; the side naming a model or
# answering is the assistant, otherwise the first speaker is the user. Nothing is found where
# label-like lines are sections of one answer, list items or a single stray heading.
@pytest.mark.parametrize(("text", "expected"), [
    ("## kekyo\nq1\n## chatgpt\na1\n## kekyo\nq2\n## chatgpt\na2", {"kekyo": "user", "chatgpt": "assistant"}),
    ("# _Question_\nwhat is x?\n# _Answer_\nit is y.\n# _Question_\nwhat is x?\n# _Answer_\nit is y.", {"question": "user", "answer": "assistant"}),
    ("Pregunta\nwhat is x?\nRespuesta\nit is y.\nPregunta\nwhat is x?\nRespuesta\nit is y.", {"pregunta": "user", "respuesta": "assistant"}),
    ("**Domanda:**\nwhat is x?\n**Risposta:**\nit is y.", {"domanda": "user", "risposta": "assistant"}),
    ("### 質問\nwhat is x?\n### 回答\nit is y.\n### 質問\nwhat is x?\n### 回答\nit is y.", {"質問": "user", "回答": "assistant"}),
    ("## alice\nwhat is x?\n## bob\nit is y.\n## alice\nwhat is x?\n## bob\nit is y.\n## alice\nwhat is x?\n## bob\nit is y.", {"alice": "user", "bob": "assistant"}),
    ("**Pros:**\nx\n**Cons:**\ny\n**Pros:**\nx\n**Cons:**\ny", {}),
    ("- Dashboard\n- Calendar\n- Dashboard\n- Calendar", {}),
    ("Dashboard\nCalendar\nDashboard\nCalendar", {}),
    ("## Notes\nsome text\n\nMe: hi\nChatGPT: hello", {}),
])
def test_discover_labels(text, expected):
    assert discover_labels(text.split("\n")) == expected


# Single lines: the label shape (key, same-line rest, remark, decorated) ...
@pytest.mark.parametrize(("line", "shape"), [
    ("**👤 You:**  ", ("you", "", "", True)),
    ("# _Answer_", ("answer", "", "", True)),
    ("> **Gemini:** sure", ("gemini", "sure", "", True)),
    ("Me (pasted twice):", ("me", "", "pasted twice", False)),
    ("Respuesta：", ("respuesta", "", "", False)),
    ("ChatGPT said:", ("chatgpt", "", "", True)),
    ("The model is trained with Adam and a cosine schedule over ten epochs.", None),
])
def test_label_shape(line, shape):
    assert label_shape(line) == shape


# ... and which lines are labels without any document context.
@pytest.mark.parametrize(("line", "role"), [
    ("**🤖 ChatGPT:**", "assistant"),
    ("### Prompt", "user"),
    ("_Student_", "user"),
    ("**Claude 3.5 Sonnet:** hi", "assistant"),
    ("Model: DeepSeek-V3", None),  # a declaration, not a turn
    ("LLM: Gemini 2.5 Pro", None),
    ("ChatGPT is great", None),
    ("Dashboard", None),
    # any name data/models.toml knows is a model's label, whatever the family table says
    ("Le Chat: Understood.", "assistant"),
    ("**Le Chat:**", "assistant"),
    ("Mistral Large: sure", "assistant"),
    ("## Kimi", "assistant"),
    ("Mixtral: here it is", "assistant"),
    ("Le Chat is a product of Mistral", None),
])
def test_parse_label(line, role):
    label = parse_label(line)
    assert (label.role if label else None) == role


# Chrome that page saves and prints leave between turns.
@pytest.mark.parametrize(("line", "chrome"), [
    ("Skip to content", True),
    ("No file chosenNo file chosen", True),
    ("ChatGPT can make mistakes. Check important info. See Cookie Preferences.", True),
    ("Printed using ChatGPT to PDF, powered by PDFCrowd HTML to PDF API.", True),
    ("Open sidebar", True),
    ("Skip to content in the next section, the proof follows.", False),
    ("No file was chosen, so the default config is used.", False),
])
def test_chrome(line, chrome):
    assert is_chrome(line) is chrome


# A page copy labels both sides the way the page does.
@pytest.mark.parametrize(("text", "copy"), [
    ("You said:\nhi\nChatGPT said:\nhello", True),
    ("You said:\nhi\nGemini said:\nhello", True),
    ("Me: hi\nChatGPT: hello", False),
    ("ChatGPT said:\nhello", False),
])
def test_page_copy(text, copy):
    assert is_page_copy(text) is copy
