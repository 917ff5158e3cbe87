"""Grok and Google Takeout (Gemini) exports, and DeepSeek's fragment trees: synthetic exports
written for these tests (tests/fixtures/exports), each paired with what must come out."""

import json
from pathlib import Path

import pytest

from tractor.errors import IngestError
from tractor.ingest import load_bytes
from tractor.ingest.app_exports import sniff_app_export
from tractor.ingest.exports import sniff_export

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "exports"


def load(name):
    return load_bytes((FIXTURES / name).read_bytes(), name, ".json")


def turns(document):
    return [(t.role, t.content, t.model) for t in document.turns]


# Format from the JSON shape alone, whatever the file is called.
@pytest.mark.parametrize(("name", "kind"), [
    ("grok_export.json", "grok-export"),
    ("gemini_takeout.json", "gemini-takeout"),
    ("deepseek_conversations.json", "deepseek-export"),
])
def test_sniff(name, kind):
    obj = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    assert (sniff_export(obj) or sniff_app_export(obj)) == kind


# Grok: the human's messages and the replies, in order; widget markup stripped, reasoning
# (thinking_trace) left out, the model from each response or a model-named sender.
@pytest.mark.parametrize(("index", "expected"), [
    (0, [("user", "What does the temperature do in softmax?", ""),
         ("assistant", "Dividing the logits by $T$ flattens the distribution as $T$ grows.", "grok-3"),
         ("user", "And as T goes to zero?", ""),
         ("assistant", "It approaches the argmax: all mass on the largest logit.", "grok-3")]),
    (1, [("user", "Why normalise over features, not the batch?", ""),
         ("assistant", "Layer norm does not depend on the batch size.", "grok-4")]),
])
def test_grok_turns(index, expected):
    assert turns(load("grok_export.json")[index]) == expected


# A Grok conversation nobody answered is an error in place; the others are still read.
def test_grok_unanswered_in_place():
    third = load("grok_export.json")[2]
    assert isinstance(third, IngestError)
    assert str(third) == "grok_export.json#3: conversation has no user and assistant turns"


# Takeout: one event per exchange; events of one conversation link are one conversation,
# oldest first; an event without a link stands alone; events without a prompt are skipped.
@pytest.mark.parametrize(("index", "expected"), [
    (0, [("user", "What is the SGD update rule?", ""),
         ("assistant", "The update is:\n\n- **Step:** w = w - lr * g", "gemini"),
         ("user", "And with weight decay?", ""),
         ("assistant", "With weight decay the update becomes `w -= lr * (g + lam * w)`.", "gemini")]),
    (1, [("user", "Define overfitting in one sentence", ""),
         ("assistant", "Overfitting is fitting noise in the training data instead of the signal.", "gemini")]),
])
def test_gemini_takeout_turns(index, expected):
    assert turns(load("gemini_takeout.json")[index]) == expected


def test_gemini_takeout_conversations_and_identity():
    documents = load("gemini_takeout.json")
    assert [d.source for d in documents] == ["gemini_takeout.json#1", "gemini_takeout.json#2"]
    assert documents[0].identities == ["https://gemini.google.com/app/a1b2c3d4e5f6"]
    assert documents[0].metadata == {"model": "gemini"}


# DeepSeek: REQUEST and RESPONSE fragments are the turns; THINK and SEARCH are not.
@pytest.mark.parametrize(("index", "expected"), [
    (0, [("user", "What is the derivative of ReLU at 0?", ""),
         ("assistant", "It is undefined; any value in [0, 1] is a subgradient.", "deepseek-reasoner"),
         ("user", "Which value do frameworks use?", ""),
         ("assistant", "PyTorch uses 0.", "deepseek-reasoner")]),
    (1, [("user", "Define a tensor.", ""), ("assistant", "A multi-dimensional array.", "deepseek-chat")]),
])
def test_deepseek_turns(index, expected):
    assert turns(load("deepseek_conversations.json")[index]) == expected


# A JSON file of none of these formats is refused with one line naming what is read.
@pytest.mark.parametrize("obj", [{"conversations": [{"id": 1}]}, [{"title": "x", "products": ["Maps"]}],
                                 {"export_manifest": ["conversations-000.json"]}])
def test_other_json_refused(obj):
    with pytest.raises(IngestError, match="no chat export this tool reads"):
        load_bytes(json.dumps(obj).encode(), "x.json", ".json")
