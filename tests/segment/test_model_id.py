"""identify_model: which model a transcript used, with the evidence that decided it."""

import json
from pathlib import Path

import pytest

from tractor.ingest.html import read_chat_page
from tractor.records import Annotation, Document, Message, Turn
from tractor.segment.model_id import canonical_name, identify_model

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"
ANNOUNCEMENT = next(line for line in (CORPUS / "001_c77c6757d0383bc8.txt").read_text().splitlines()
                    if "submissions using ChatGPT 5" in line)


def _text_doc(stem: str) -> Document:
    return Document(source=f"{stem}.txt", format="text", text=(CORPUS / f"{stem}.txt").read_text())


# The sample posts as plain text, before segmentation: what evidence each one offers.
@pytest.mark.parametrize("stem, model, evidence", [
    # no statement or label; "Thought for 12s" alone is ambiguous, ChatGPT's file citations decide
    ("000_c66c20e44076dd47", "chatgpt", "interface artefact: 'Thought for 12s' (thinking-time header: "
                                        "chatgpt/claude/grok), '2:file1†' (ChatGPT's file-search citation: chatgpt)"),
    # the summary says so; the pasted announcement's "using ChatGPT 5" must not win
    ("001_c77c6757d0383bc8", "chatgpt-5.1-thinking", "student statement: 'I used ChatGPT's 5.1 Thinking'"),
    # only the model's own answers name models ("models like Llama 2/3, Mistral"): no evidence
    ("002_dae959164a571601", "unknown", "no evidence: no export metadata, student statement, "
                                        "speaker label or unique interface artefact"),
])
def test_samples_as_text(stem, model, evidence):
    assert identify_model(_text_doc(stem), [], "", []) == (model, evidence)


# Saved chat pages: the page's model picker and its title are metadata.
@pytest.mark.parametrize("path, model, evidence", [
    ("corpus/html/001_c77c6757d0383bc8.html", "chatgpt-5.1-thinking", "page metadata: model=ChatGPT 5.1 Thinking"),
    ("tests/fixtures/bad-inputs/saved_page_named_pdf.pdf", "grok",
     "page metadata: title='Kernelized attention homework help - Grok'"),
])
def test_saved_pages(path, model, evidence):
    doc = read_chat_page((REPO / path).read_bytes(), path)[0]
    messages = [Message(t.role, t.content) for t in doc.turns]
    assert identify_model(doc, messages, "", []) == (model, evidence)


# Gold: a transcript's model must contain the gold family (null: not checked).
@pytest.mark.parametrize("gold", sorted((REPO / "data" / "gold").glob("dev_*.json")), ids=lambda p: p.stem)
def test_gold_model_family(gold):
    expected = json.loads(gold.read_text())
    model, _ = identify_model(_text_doc(expected["stem"]), [], "", [])
    assert expected["model_family"] is None or expected["model_family"] in model


def _user(text):
    return Message("user", text)


def _assistant(text):
    return Message("assistant", text)


# Sources in order of strength, one row each; the first that decides wins.
@pytest.mark.parametrize("doc, messages, summary, annotations, model, evidence", [
    # export slugs beat everything, even a student statement naming another model
    (Document("x.json", "chatgpt-export", turns=[Turn("user", "hi"), Turn("assistant", "a", "gpt-5-1-thinking"),
                                                 Turn("assistant", "b", "gpt-5-1-thinking")]),
     [], "I used Claude for this.", [], "chatgpt-5.1-thinking", "export metadata: model_slug=gpt-5-1-thinking"),
    (Document("x.json", "claude-export", turns=[Turn("assistant", "a", "claude-sonnet-4-5-20250929")]),
     [], "", [], "claude-sonnet-4.5", "export metadata: model_slug=claude-sonnet-4-5-20250929"),
    # an unrecognised slug is not evidence: the next source decides
    (Document("x.json", "chatgpt-export", text="Me: hi\nChatGPT: hello", turns=[Turn("assistant", "a", "auto")]),
     [], "", [], "chatgpt", "speaker label: 'ChatGPT:' (1 line)"),
    # student statements, in the summary, an annotation or a user turn
    (Document("x.txt", "text"), [_user("solve 1")], "In this post I solved HW9 using Gemini 2.5 Pro.", [],
     "gemini-2.5-pro", "student statement: 'using Gemini 2.5 Pro'"),
    (Document("x.txt", "text"), [_user("solve 1")], "", [Annotation("Here I tested Claude Sonnet 4.5 on Q1.", 0)],
     "claude-sonnet-4.5", "student statement: 'I tested Claude Sonnet 4.5'"),
    (Document("x.txt", "text"), [_user("Model: Grok 4\nPlease solve question 2.")], "", [],
     "grok-4", "student statement: 'Model: Grok 4'"),
    (Document("x.txt", "text"), [_user("go")], "My model was DeepSeek R1 with DeepThink on.", [],
     "deepseek-r1", "student statement: 'My model was DeepSeek R1'"),
    # a pasted announcement listing models, and models named in answers, are not statements
    (Document("x.txt", "text"), [_user(ANNOUNCEMENT), _assistant("models like Llama 2/3, Mistral use GQA")], "", [],
     "unknown", "no evidence: no export metadata, student statement, speaker label or unique interface artefact"),
    # speaker labels, bold or plain; the most frequent model label wins
    (Document("x.txt", "text", text="Me: q1\n**Gemini:** a1\nMe: q2\nGemini: a2\nClaude: x"), [], "", [],
     "gemini", "speaker label: 'Gemini:' (2 lines)"),
    # "ChatGPT said:" is ChatGPT's own speaker label
    (Document("x.txt", "text", text="solve 1\nChatGPT said:\nSure."), [], "", [],
     "chatgpt", "speaker label: 'ChatGPT:' (1 line)"),
    # artefacts: one unique artefact decides; an ambiguous one alone does not
    (Document("x.txt", "text", text="solve 1\nSure.\nChatGPT can make mistakes. Check important info."),
     [], "", [], "chatgpt", "interface artefact: 'ChatGPT can make mistakes' (ChatGPT's footer: chatgpt)"),
    (Document("x.txt", "text", text="solve 1\nThought for 8s\nSure."), [], "", [],
     "unknown", "no evidence: no export metadata, student statement, speaker label or unique interface "
                "artefact; interface artefacts 'Thought for 8s' (thinking-time header: chatgpt/claude/grok) "
                "do not single out one family"),
    # a family-only source (page title) takes the version from a weaker source of the same family,
    # never from another family
    (Document("x.pdf", "pdf", title="ChatGPT - Deep learning HW9"), [_user("solve 1")],
     "I used ChatGPT's 5.1 Thinking Model to do all the questions.", [], "chatgpt-5.1-thinking",
     "export metadata: title='ChatGPT - Deep learning HW9'; version from student statement: 'I used ChatGPT's 5.1 Thinking'"),
    (Document("x.pdf", "pdf", title="ChatGPT - Deep learning HW9"), [_user("solve 1")],
     "I used Gemini 2.5 Pro for comparison.", [], "chatgpt", "export metadata: title='ChatGPT - Deep learning HW9'"),
    # self-identification by the assistant, and a mere mention that is not one
    (Document("x.txt", "text"), [_user("who are you?"), _assistant("I'm Claude, an AI assistant.")], "", [],
     "claude", "self-identification: 'I'm Claude'"),
    (Document("x.txt", "text"), [_user("who?"), _assistant("I am a large language model trained by OpenAI.")],
     "", [], "chatgpt", "self-identification: 'I am a large language model trained by OpenAI'"),
    (Document("x.txt", "text"), [_user("compare"), _assistant("Claude and Gemini also use attention.")], "", [],
     "unknown", "no evidence: no export metadata, student statement, speaker label or unique interface artefact"),
    # a later answer introduces itself (curly apostrophe, line break); earlier answers name no one
    (Document("x.txt", "text"), [_user("hi"), _assistant("Sure, Claude can help."), _user("who?"),
                                 _assistant("Good question. I’m\nGemini, made for this.")], "", [],
     "gemini", "self-identification: 'I’m Gemini'"),
])
def test_sources(doc, messages, summary, annotations, model, evidence):
    assert identify_model(doc, messages, summary, annotations) == (model, evidence)


# Aliases: the most specific model named; a version is never cut short.
@pytest.mark.parametrize("text, name", [
    ("ChatGPT's 5.1 Thinking Model", "chatgpt-5.1-thinking"),
    ("gpt-5.1", "chatgpt-5.1"),
    ("GPT-5", "chatgpt-5"),
    ("gpt-4o", "gpt-4o"),
    ("o3", "o3"),
    ("Gemini 2.5 Pro", "gemini-2.5-pro"),
    ("Claude Opus 4.1", "claude-opus-4.1"),
    ("Llama 3.1 70B Instruct", "llama-3.1-70b"),
    ("Qwen3-Max", "qwen"),
    ("Microsoft Copilot", "copilot"),
    ("the model", None),
])
def test_canonical_name(text, name):
    assert canonical_name(text) == name


# Names as people write them, matched as whole names with their versions: a name never matches
# the front of a longer one ("gpt-4o" is not "gpt-4o-mini", "o1" is not "o1-preview").
@pytest.mark.parametrize("text, name", [
    ("gpt-4o", "gpt-4o"), ("gpt-4o-mini", "gpt-4o-mini"), ("GPT-4o mini", "gpt-4o-mini"),
    ("o1", "o1"), ("o1-preview", "o1-preview"), ("o1-mini", "o1-mini"), ("o3", "o3"), ("o3-mini", "o3-mini"),
    ("GPT-3.5", "gpt-3.5"), ("gpt-3.5-turbo", "gpt-3.5"), ("GPT 4", "gpt-4"),
    ("ChatGPT model 4", "gpt-4"), ("gpt-4.1", "gpt-4.1"), ("gpt-5", "chatgpt-5"),
    ("Claude 3.5 Sonnet", "claude-3.5-sonnet"), ("claude-3-opus", "claude-3-opus"),
    ("Claude Sonnet 4.5", "claude-sonnet-4.5"), ("Claude Opus 4", "claude-opus-4"),
    ("Gemini 2.5 Pro", "gemini-2.5-pro"), ("gemini-2.5-flash", "gemini-2.5-flash"),
    ("Gemini 2.0 Flash", "gemini-2.0-flash"),
    ("DeepSeek-V3", "deepseek-v3"), ("DeepSeek R1", "deepseek-r1"), ("deepseek-reasoner", "deepseek-r1"),
    ("Llama 3.1", "llama-3.1"), ("llama-3.3-70b-instruct", "llama-3.3"), ("Llama 3", "llama-3"),
    ("Qwen2.5-Coder", "qwen"), ("Le Chat", "mistral"), ("Mistral Large", "mistral-large"),
    ("Grok 3", "grok-3"), ("grok-4", "grok-4"), ("Grok 3 mini", "grok-3-mini"),
])
def test_whole_names(text, name):
    assert canonical_name(text, whole=True) == name


def _plain(text: str, title: str = "") -> Document:
    return Document("x.md", "markdown", text=text, title=title)


# Declared forms in the student's own text (header lines, notes, summary), a short title line
# naming one model, and a stated name the model table lacks, reported as written (normalised).
@pytest.mark.parametrize("doc, summary, annotations, model, evidence", [
    (_plain("Model: DeepSeek-V3\n\nMe: hi\nAI: hello"), "", [], "deepseek-v3", "declared: 'Model: DeepSeek-V3'"),
    (_plain("**LLM used:** Gemini 2.5 Pro\n\nhi"), "", [], "gemini-2.5-pro", "declared: '**LLM used:** Gemini 2.5 Pro'"),
    (_plain("Model: Kimi-K2 Turbo\n\nhi"), "", [], "kimi", "declared: 'Model: Kimi-K2 Turbo'"),
    (_plain("Model: Zephyr 7B Beta\n\nhi"), "", [], "zephyr-7b-beta", "declared: 'Model: Zephyr 7B Beta'"),
    (_plain("hi"), "## Notes\n\n(GPT-4)", [], "gpt-4", "declared: '(GPT-4)'"),
    (_plain("hi"), "", [Annotation("[Claude 3.5 Sonnet]", 0)], "claude-3.5-sonnet", "declared: '[Claude 3.5 Sonnet]'"),
    (_plain("hi"), "Uso de ChatGPT en el ejercicio 1", [], "chatgpt", "title: 'Uso de ChatGPT en el ejercicio 1'"),
    (_plain("hi"), "# Chat with Gemini 2.5 Pro", [], "gemini-2.5-pro", "title: 'Chat with Gemini 2.5 Pro'"),
    # a title naming two models, or a sentence comparing them, declares nothing
    (_plain("hi"), "# ChatGPT vs Claude", [], "unknown", "no evidence"),
    (_plain("hi"), "Claude and Gemini both use attention, as the answer says.", [], "unknown", "no evidence"),
])
def test_declarations(doc, summary, annotations, model, evidence):
    found, why = identify_model(doc, [Message("user", "hi"), Message("assistant", "hello")], summary, annotations)
    assert found == model and why.startswith(evidence)


# Export and page slugs: known ones canonical, unknown ones as written, non-models ignored.
@pytest.mark.parametrize("slug, model", [
    ("gpt-4o-mini", "gpt-4o-mini"), ("o1-preview", "o1-preview"), ("text-davinci-002-render-sha", "chatgpt"),
    ("gpt-4-gizmo", "gpt-4"), ("gpt-4-code-interpreter", "gpt-4"), ("nova-pro-v1", "nova-pro-v1"), ("auto", "unknown"),
])
def test_export_slugs(slug, model):
    doc = Document("c.json#1", "chatgpt-export", turns=[Turn("user", "hi"), Turn("assistant", "hello", slug)])
    assert identify_model(doc, [], "", [])[0] == model


# A print's footer names the app it was printed from.
def test_print_furniture():
    doc = Document("x.pdf", "pdf", text="hi\n\nhello", metadata={"print_furniture": "Printed using ChatGPT to PDF"})
    assert identify_model(doc, [Message("user", "hi"), Message("assistant", "hello")], "", [])[0] == "chatgpt"


# A note between turns that names a model is no title: only the summary or a note above the
# first message can be one.
@pytest.mark.parametrize("after_message, model", [(-1, "claude"), (0, "unknown"), (1, "unknown")])
def test_title_only_at_the_top(after_message, model):
    found, _ = identify_model(_plain("hi"), [Message("user", "hi"), Message("assistant", "hello")], "",
                              [Annotation("Claude would phrase this better", after_message)])
    assert found == model
