"""Numeric features of each block, for the learned user/assistant/annotation/summary classifier.

The features are the cues a reader uses: who the text talks about (a student's commentary says
"I prompted the LLM", "it derived", past tense; a prompt says "you", "solve", asks a question;
an answer is long, has math, code, lists and headings), where it sits (after a "Thought for"
marker, under a speaker label, first in the post), and what its neighbours look like (a short
question between an answer's sign-off and the next answer's "Great question" is a prompt).
PDF prints lose the markdown that marks an answer (headings, ``$$`` blocks, tables), so the
layout-free cues count too: a formula line is mostly symbols, a table row is tab-separated, and a
note's pronouns and past tenses are counted with its inline math left out.
Tokens come from spaCy's blank English tokenizer, which needs no model download.
"""

from __future__ import annotations

import math
import re

from tractor.records import ASSISTANT, USER
from tractor.segment.blocks import Block
from tractor.english import english
from tractor.segment.labels import is_explicit_note

FIRST_PERSON = {"i", "my", "me", "mine", "myself", "i'm", "i've", "i'd"}
SECOND_PERSON = {"you", "your", "yours", "yourself", "you're", "you've", "you'll", "you'd"}
FIRST_PLURAL = {"we", "our", "us", "let's", "ours"}
MODEL_WORDS = {"llm", "model", "chatgpt", "gpt", "claude", "gemini", "grok", "deepseek", "ai",
               "it", "its", "it's", "they", "them", "their", "bot", "copilot", "llama", "qwen"}
EVALUATION_WORDS = {"official", "solution", "solutions", "sols", "correct", "correctly",
                    "incorrect", "wrong", "matched", "matches", "match", "mistake", "mistakes",
                    "aligned", "right", "accurate", "hallucinated", "refused", "struggled"}
IMPERATIVES = {"solve", "now", "do", "please", "can", "could", "explain", "try", "continue",
               "proceed", "move", "next", "redo", "check", "give", "show", "write", "compute",
               "derive", "answer", "what", "how", "why", "is", "are", "does", "reconsider",
               "revisit", "thanks", "thank", "ok", "okay", "yes", "great", "for", "remembering"}
OPENERS = ("sure", "great", "yes", "here", "short answer", "you're right", "good", "got it",
           "alright", "okay", "certainly", "absolutely", "excellent", "nice", "perfect",
           "revised", "let's", "to answer", "you're asking")
CLOSINGS = ("let me know", "if you want", "if you'd like", "hope", "ready", "you're all set",
            "you're now", "you've now", "next", "full credit", "good to go", "happy to")
# Irregular past forms that open a student's shorthand note ("went back to ...", "got 6e wrong").
IRREGULAR_PAST = {"went", "got", "made", "gave", "took", "wrote", "rewrote", "found", "split",
                  "said", "thought", "knew", "began", "chose", "did", "forgot", "understood",
                  "saw", "missed", "kept", "left", "ran", "brought", "felt", "became", "told"}
MATH_CHARS = set("∑∏∫√∈∉⊤⊗⊙→←≈≤≥≠∀∃∞αβγδεθλμσφϕψωΣΦΩ′")
# "Compared with", "Based on": an -ed word opening such a phrase is no past-tense note.
PARTICIPLE_PREPOSITIONS = {"with", "to", "on", "by", "as", "in", "over", "against", "from", "for"}
# Verbs a student uses for what they did to the model ("When I prompted the LLM ...").
ASKING_VERBS = ("prompted", "asked", "gave", "fed", "told", "pasted", "sent", "uploaded",
                "provided", "instructed", "followed up", "reprompted", "re-prompted", "pushed")
MODEL_SUBJECTS = ("it", "they", "the llm", "the model", "the ai", "the chatbot", "the assistant",
                  "chatgpt", "claude", "gemini", "grok", "deepseek", "copilot", r"gpt[\w.\-]*")
KIND_KEYS = ("paragraph", "heading", "fence", "math", "list", "table", "blockquote")
CONTEXT_KEYS = ("ends_question", "log_tokens", "math", "first_person", "second_person",
                "past_ed", "imperative_start", "opener", "closing", "kind_heading", "narrative",
                "past_start", "symbolic", "narration")

_LATEX_RE = re.compile(r"\\[A-Za-z]+|\$|\^|_\{")
# Inline math and LaTeX commands, left out of the word counts: a note that quotes formulas is
# still a note, and its pronouns and past tenses should not be diluted by symbols.
_MATH_SPAN_RE = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$|\\\(.*?\\\)|\\[A-Za-z]+", re.DOTALL)
# Characters that are not prose (digits, operators, brackets): they make a formula line
# ("O(d^2 + bd)"). Prose is letters and ``[\s.,;:'"!?-–—]``; counting the complement builds
# a short list for the usual, mostly-prose block.
_NON_PROSE_CHAR_RE = re.compile(r"(?![\s.,;:'\"!?\-–—])[\W\d_]")
# A past-tense clause about the model ("the LLM derived", "it then picked", "Claude got").
_NARRATION_RE = re.compile(
    rf"\b(?:{'|'.join(MODEL_SUBJECTS)})(?:'s)?\s+(?:\w+ly\s+|then\s+|also\s+|again\s+)?"
    rf"(?:\w{{3,}}ed|{'|'.join(sorted(IRREGULAR_PAST))})\b")
_ASKED_RE = re.compile(rf"\bi\s+(?:\w+ly\s+|then\s+|first\s+)?(?:{'|'.join(ASKING_VERBS)})\b")


def block_features(blocks: list[Block]) -> list[dict[str, float]]:
    """One feature dict per block: its own cues, its position, and its neighbours' cues."""
    own = [_own_features(block) for block in blocks]
    has_labels = float(any(block.turn_role for block in blocks))
    has_markers = float(any(block.after_marker for block in blocks))
    rows = []
    for index, (block, features) in enumerate(zip(blocks, own)):
        row = dict(features)
        row["position"] = index / max(1, len(blocks) - 1)
        row["is_first"] = float(index == 0)
        row["is_last"] = float(index == len(blocks) - 1)
        row["doc_has_labels"] = has_labels
        row["doc_has_markers"] = has_markers
        row["turn_user"] = float(block.turn_role == USER)
        row["turn_assistant"] = float(block.turn_role == ASSISTANT)
        row["before_first_label"] = float(bool(has_labels) and not block.turn_role)
        row["opens_turn"] = float(block.opens_turn)
        row["after_marker"] = float(block.after_marker)
        row["before_marker"] = float(block.before_marker)
        for prefix, neighbour in (("prev_", index - 1), ("next_", index + 1)):
            present = 0 <= neighbour < len(blocks)
            row[prefix + "present"] = float(present)
            for key in CONTEXT_KEYS:
                row[prefix + key] = own[neighbour][key] if present else 0.0
        rows.append(row)
    return rows


def _own_features(block: Block) -> dict[str, float]:
    text = block.text.strip()
    tokens = [token for token in english().make_doc(text) if not token.is_space]
    prose = _MATH_SPAN_RE.sub(" ", text)
    prose_tokens = english().make_doc(prose) if prose != text else tokens
    words = [token.lower_ for token in prose_tokens if token.is_alpha or "'" in token.text]
    count = max(1, len(words))
    lowered = text.lower()
    first_word = words[0] if words else ""
    features = {
        "log_tokens": math.log1p(len(tokens)),
        "log_lines": math.log1p(text.count("\n")),
        "starts_lower": float(text[:1].islower()),
        "first_person": sum(map(FIRST_PERSON.__contains__, words)) / count,
        "second_person": sum(map(SECOND_PERSON.__contains__, words)) / count,
        "first_plural": sum(map(FIRST_PLURAL.__contains__, words)) / count,
        "past_ed": sum(len(word) > 4 and word.endswith("ed") for word in words) / count,
        "model_words": sum(map(MODEL_WORDS.__contains__, words)) / count,
        "the_llm": float(bool(re.search(r"\bthe (?:llm|model|ai|chatbot)\b", lowered))),
        "evaluation": sum(map(EVALUATION_WORDS.__contains__, words)) / count,
        "imperative_start": float(first_word in IMPERATIVES),
        "past_start": float(_past_start(words)),
        "ends_question": float(text.rstrip("*_ )").endswith("?")),
        "questions": min(3, text.count("?")) / 3,
        "ends_exclamation": float(text.rstrip("*_ )").endswith("!")),
        "opener": float(lowered.lstrip("*#> ").startswith(OPENERS)),
        "closing": float(any(phrase in lowered for phrase in CLOSINGS)),
        "math": min(1.0, (len(_LATEX_RE.findall(text)) + sum(map(MATH_CHARS.__contains__, text)))
                    / max(1, len(text)) * 10),
        "code": min(1.0, text.count("`") / 10),
        "digits": sum(map(str.isdigit, text)) / max(1, len(text)),
        "bold": float(text.startswith("**")),
        "note_prefix": float(is_explicit_note(text)),
        "bracketed": float(text.startswith(("[", "(")) and text.endswith(("]", ")"))
                           and len(words) >= 4),
        "italic": float(len(text) > 20 and text[:1] in "*_" and text[:2] != "**"
                        and text.rstrip()[-1:] in "*_"),
        "narrative": float(bool(re.search(
            r"\b(?:i|it|they|the (?:llm|model))\s+(?:\w+ly\s+)?\w+ed\b", lowered))),
        "narration": min(3, len(_NARRATION_RE.findall(lowered))) / 3,
        "asked_model": float(bool(_ASKED_RE.search(lowered))),
        "symbolic": 1 - (len(text) - len(_NON_PROSE_CHAR_RE.findall(text))) / max(1, len(text)),
        "tabular": _tabular_share(text),
    }
    kind = "table" if block.kind == "paragraph" and features["tabular"] == 1 else block.kind
    features.update({"kind_" + key: float(_kind_key(kind) == key) for key in KIND_KEYS})
    return features


def _past_start(words: list[str]) -> bool:
    """A note's shorthand opens with a past tense ("went back to", "missed the bias term");
    a participle opening a prepositional phrase ("Compared with", "Based on") is an answer's."""
    first, second = (words + ["", ""])[:2]
    if first in IRREGULAR_PAST:
        return True
    return len(first) > 4 and first.endswith("ed") and second not in PARTICIPLE_PREPOSITIONS


def _tabular_share(text: str) -> float:
    """Share of lines that are table rows: cells split by tabs (how PDF prints and pasted
    spreadsheets give tables) or by pipes (markdown)."""
    lines = [line for line in text.splitlines() if line.strip()]
    rows = sum(1 for line in lines if "\t" in line.strip() or line.count("|") >= 2)
    return rows / max(1, len(lines))


def _kind_key(kind: str) -> str:
    if kind == "math_block":
        return "math"
    if kind in ("bullet_list", "ordered_list"):
        return "list"
    if kind in ("fence", "code_block"):
        return "fence"
    return kind if kind in KIND_KEYS else "paragraph"
