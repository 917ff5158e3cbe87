import copy
import json
from pathlib import Path

import pytest

from tractor.errors import IngestError
from tractor.ingest.exports import read_chatgpt_export, read_claude_export, sniff_export

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
CHATGPT = json.loads((FIXTURES / "chatgpt_conversations.json").read_text(encoding="utf-8"))
CLAUDE = json.loads((FIXTURES / "claude_conversations.json").read_text(encoding="utf-8"))


def chatgpt(obj=CHATGPT):
    return read_chatgpt_export(obj, "conversations.json")


def claude(obj=CLAUDE):
    return read_claude_export(obj, "conversations.json")


def texts(document):
    return "\n\n".join(turn.content for turn in document.turns)


# Export kind from the JSON shape alone.
@pytest.mark.parametrize(
    ("obj", "kind"),
    [
        (CHATGPT, "chatgpt-export"),
        (CLAUDE, "claude-export"),
        (CHATGPT[1], "chatgpt-export"),  # a single conversation object
        (CLAUDE[0], "claude-export"),
        ([], None),
        ({"messages": []}, None),
        (["not", "conversations"], None),
        ("text", None),
    ],
)
def test_sniff_export(obj, kind):
    assert sniff_export(obj) == kind


# ChatGPT: one document per conversation, roles and per-turn model slugs along the current
# branch (the o3 answer split around a python tool call is one turn).
@pytest.mark.parametrize(
    ("index", "source", "title", "roles", "models"),
    [
        (0, "conversations.json#1", "Scaling dot-product attention",
         ["user", "assistant", "user", "assistant"], ["", "gpt-4o", "", "o3"]),
        (1, "conversations.json#2", "Quadratic kernel feature map",
         ["user", "assistant", "user", "assistant"], ["", "gpt-4o", "", "gpt-4o"]),
    ],
)
def test_chatgpt_conversations(index, source, title, roles, models):
    document = chatgpt()[index]
    assert (document.source, document.format, document.title) == (source, "chatgpt-export", title)
    assert [t.role for t in document.turns] == roles
    assert [t.model for t in document.turns] == models


# Content that must (or must not) survive: side branches, hidden system/context nodes and
# reasoning ("thoughts", "reasoning_recap") are dropped; the code interpreter's code and output
# stay in the answer as fenced blocks; images are noted.
@pytest.mark.parametrize(
    ("index", "text", "present"),
    [
        (0, "The variance grows linearly with $d$: $\\mathrm{Var}(q^\\top k) = d$", True),
        (0, "The variance is $d^2$, so divide by $d$.", False),  # regenerated answer
        (0, "I am a student in a deep learning course.", False),  # user_editable_context
        (0, "The user wants a numeric check", False),  # thoughts
        (0, "Thought for 12 seconds", False),  # reasoning_recap
        (0, "```python\nimport torch\nq = torch.randn(100000, 64)", True),  # code sent to the python tool
        (0, "```\ntensor(63.9120)\n```", True),  # its execution_output
        (0, "[image]\n\nHere is my derivation for 1(c).", True),
        (0, "Let me check it numerically.\n\n```python\nimport torch", True),
        (0, "print((q * k).sum(-1).var())\n```\n\n```\ntensor(63.9120)\n```\n\nThe simulation gives", True),
        (1, "What feature map phi gives sim(q, k) = (q^T k)^2?", True),  # edited prompt
        (1, "what is phi for the quadratic kernel", False),  # the prompt before the edit
        (1, "phi(x) = x.", False),
    ],
)
def test_chatgpt_content(index, text, present):
    assert (text in texts(chatgpt()[index])) is present


# Code inside a message keeps its indentation.
def test_chatgpt_code_indentation():
    assert ("def scaled_scores(q, k):\n    d = q.shape[-1]\n    if d == 0:\n"
            "        raise ValueError(\"empty vectors\")\n") in texts(chatgpt()[0])


# Branch choice: current_node decides; without it, the newest child at every fork.
@pytest.mark.parametrize(
    ("index", "current_node", "first_answer"),
    [
        (0, "a1-old", "The variance is $d^2$, so divide by $d$."),
        (0, None, "The variance grows linearly with $d$"),
        (1, None, "Use all pairwise products"),
        (1, "b-first", "phi(x) = x."),
    ],
)
def test_chatgpt_branch_choice(index, current_node, first_answer):
    export = copy.deepcopy(CHATGPT)
    export[index]["current_node"] = current_node
    document = chatgpt(export)[index]
    assert document.turns[1].content.startswith(first_answer)


# Conversations that yield no user+assistant exchange come back in place as errors naming
# their #n source; the other conversations are still read.
@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ({"title": "Only system", "current_node": "s", "mapping": {
            "s": {"message": {"author": {"role": "system"}, "content": {"content_type": "text", "parts": ["x"]},
                              "metadata": {}}, "parent": None, "children": []}}},
         "conversations.json#1: conversation has no user and assistant turns"),
        ({"title": "No tree"}, "conversations.json#1: conversation without a message tree"),
        ("garbage", "conversations.json#1: conversation without a message tree"),
    ],
)
def test_chatgpt_errors_in_place(broken, message):
    first, second = chatgpt([broken, CHATGPT[1]])
    assert isinstance(first, IngestError) and str(first) == message
    assert second.source == "conversations.json#2" and len(second.turns) == 4


# Claude: content text blocks preferred (thinking and tool blocks dropped), `text` as fallback.
@pytest.mark.parametrize(
    ("index", "text", "present"),
    [
        (0, "caching makes each step cost $O(n d)$", True),
        (0, "def step(x, cache):\n    k, v = x @ W_k, x @ W_v\n    cache.append((k, v))", True),
        (0, "each new token attends to n cached keys", False),  # thinking block
        (0, "print(64 // 8)", False),  # tool_use
        (0, "With one shared key/value head the cache read drops to $O(n d / h)$.", True),
        (1, "Argmax has zero gradient almost everywhere", True),  # `text` only, no content
    ],
)
def test_claude_content(index, text, present):
    assert (text in texts(claude()[index])) is present


@pytest.mark.parametrize(
    ("index", "source", "title", "roles", "identities"),
    [
        (0, "conversations.json#1", "KV cache cost per step",
         ["user", "assistant", "user", "assistant"], ["4f1c2b3a-9d8e-4c7b-a6f5-0e1d2c3b4a59"]),
        (1, "conversations.json#2", "Softmax vs argmax", ["user", "assistant"],
         ["7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e"]),
    ],
)
def test_claude_conversations(index, source, title, roles, identities):
    document = claude()[index]
    assert (document.source, document.format, document.title) == (source, "claude-export", title)
    assert [t.role for t in document.turns] == roles
    assert document.identities == identities


# Claude conversations without an exchange are errors in place, too.
@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ({"uuid": "u", "name": "Unanswered", "chat_messages": [{"sender": "human", "text": "Hello?"}]},
         "conversations.json#2: conversation has no user and assistant turns"),
        ({"uuid": "u", "name": "Empty"}, "conversations.json#2: conversation without chat_messages"),
    ],
)
def test_claude_errors_in_place(broken, message):
    first, second = claude([CLAUDE[1], broken])
    assert first.source == "conversations.json#1" and len(first.turns) == 2
    assert isinstance(second, IngestError) and str(second) == message


# Files that are no export at all raise.
@pytest.mark.parametrize("reader", [read_chatgpt_export, read_claude_export])
@pytest.mark.parametrize("obj", [[], "text", 42])
def test_not_an_export(reader, obj):
    with pytest.raises(IngestError, match="no conversations found"):
        reader(obj, "conversations.json")


CANVAS = json.loads((FIXTURES / "chatgpt_canvas.json").read_text(encoding="utf-8"))


# Canvas documents are shown in the answer (created, then rewritten by an update's regex);
# hidden context (custom instructions), the system node and browsing traffic are not.
@pytest.mark.parametrize(("text", "present"), [
    ("# Dropout\n\nDropout zeroes each unit with probability p during training.\n\nI wrote the note", True),
    ("during training; inverted dropout scales the kept units by 1/(1-p).\n\nUpdated the note.", True),
    ("I am a second-year student; answer briefly.", False),
    ("search(\"dropout paper\")", False),
    ("Srivastava et al. 2014", False),
])
def test_chatgpt_canvas_and_hidden(text, present):
    assert (text in texts(chatgpt(CANVAS)[0])) is present


def test_chatgpt_canvas_turns():
    assert [t.role for t in chatgpt(CANVAS)[0].turns] == ["user", "assistant", "user", "assistant"]


# Claude exports name no model, but the format itself is Claude's: family "claude", unless a
# conversation states its model.
@pytest.mark.parametrize(("model", "expected"), [(None, "claude"), ("claude-sonnet-4-5-20250929",
                                                                     "claude-sonnet-4-5-20250929")])
def test_claude_family_from_format(model, expected):
    export = copy.deepcopy(CLAUDE)
    if model:
        export[0]["model"] = model
    document = claude(export)[0]
    assert document.metadata == {"model": expected}
    assert {t.model for t in document.turns if t.role == "assistant"} == {expected}
