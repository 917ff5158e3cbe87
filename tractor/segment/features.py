"""Numeric features of each block, for the learned user/assistant/annotation/summary classifier.

The features are the cues a reader uses: who the text talks about (a student's commentary says
"I prompted the LLM", "it derived", past tense; a prompt says "you", "solve", asks a question;
an answer is long, has math, code, lists and headings), where it sits (after a "Thought for"
marker, under a speaker label, first in the post), and what its neighbours look like (a short
question between an answer's sign-off and the next answer's "Great question" is a prompt).
Tokens come from spaCy's blank English tokenizer, which needs no model download.
"""

from __future__ import annotations

import math
import re

from tractor.records import ASSISTANT, USER
from tractor.segment.blocks import Block
from tractor.segment.english import english
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
KIND_KEYS = ("paragraph", "heading", "fence", "math", "list", "table", "blockquote")
CONTEXT_KEYS = ("ends_question", "log_tokens", "math", "first_person", "second_person",
                "past_ed", "imperative_start", "opener", "closing", "kind_heading", "narrative",
                "past_start")

_LATEX_RE = re.compile(r"\\[A-Za-z]+|\$")


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
    words = [token.lower_ for token in tokens if token.is_alpha or "'" in token.text]
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
        "past_start": float(first_word in IRREGULAR_PAST
                            or (len(first_word) > 4 and first_word.endswith("ed"))),
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
    }
    features.update({"kind_" + key: float(_kind_key(block.kind) == key) for key in KIND_KEYS})
    return features


def _kind_key(kind: str) -> str:
    if kind == "math_block":
        return "math"
    if kind in ("bullet_list", "ordered_list"):
        return "list"
    if kind in ("fence", "code_block"):
        return "fence"
    return kind if kind in KIND_KEYS else "paragraph"
