"""Certain signals in a post's text: speaker labels, "Thought for Ns" markers, UI chrome.

These are the rules segmentation trusts over the learned classifier. A speaker label is a line
that *starts* with a speaker name followed by a colon ("Me:", "**User:**", "ChatGPT said:",
"GPT-4o:", "Claude 3.5 Sonnet:") or is a heading holding only a speaker name ("## Gemini").
A line such as "ChatGPT is great" names a model but is not a label, because nothing marks it as
one; requiring the colon (or the heading form) is what keeps prose out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tractor.records import ASSISTANT, USER

# Generic names that answers themselves rarely open a line with ("Answer:", "Output:" and
# "Question:" do occur inside answers and pasted prompts, so they are left out).
USER_NAMES = ("me", "user", "you", "prompt", "my prompt", "q", "human", "student")
ASSISTANT_NAMES = ("assistant", "ai", "a", "model", "response", "bot", "chatbot", "llm")
# Model families that posts use as speaker names; a version tail ("GPT-4o", "Claude 3.5 Sonnet",
# "Gemini 2.5 Pro", "DeepSeek-R1") may follow the family name.
MODEL_FAMILIES = ("chatgpt", "gpt", "claude", "gemini", "grok", "llama", "qwen", "deepseek",
                  "mistral", "mixtral", "copilot", "perplexity", "bard", "kimi", "o1", "o3",
                  "o4", "gemma")

_NAME = r"[A-Za-z][\w.\-]*(?:[ \-][\w.\-]+){0,3}"
_DECOR = r"[*_`]{0,3}"
_LABEL_RE = re.compile(
    rf"^\s*(?:#{{1,6}}\s*|>\s*)?{_DECOR}\s*(?P<name>{_NAME}?)\s*(?P<said>\s+said)?\s*{_DECOR}"
    rf"\s*:\s*{_DECOR}\s*(?P<rest>.*)$"
)
_HEADING_LABEL_RE = re.compile(rf"^\s*#{{1,6}}\s*{_DECOR}\s*(?P<name>{_NAME})\s*{_DECOR}\s*$")
# ChatGPT/Gemini page saves print "You said:" / "ChatGPT said:" with or without the colon.
_SAID_RE = re.compile(rf"^\s*{_DECOR}(?P<name>{_NAME}) said{_DECOR}\s*:?\s*$")
_THOUGHT_RE = re.compile(
    r"^\s*(?:Thought|Thinking|Reasoned|Worked)\s+for\s+(?:\d+\s*m(?:in(?:utes?)?)?\s*)?"
    r"(?:\d+\s*(?:s|sec|secs|seconds?)\b)?\s*[>›»]?\s*$|^\s*(?:Show|Hide) thinking\s*$",
    re.IGNORECASE,
)
# Buttons and widgets that page saves and prints leave in the text; they belong to no speaker.
_CHROME_RE = re.compile(
    r"^\s*(?:\w+\s+)?Copy code\s*$|^\s*↳\s|^\s*(?:Copy|Edit|Share|Retry|Regenerate)\s*$"
    r"|^.*⌄\s*Share\s*$|^\s*[\w.\- ]{1,30} can make mistakes\b.{0,60}$",
    re.IGNORECASE,
)
# Browser print headers ("11/23/26, 8:49 AM  ChatGPT - title") and footers ("https://... 1/18").
_PRINT_HEADER_RE = re.compile(r"^\s*\d{1,2}/\d{1,2}/\d{2,4},\s+\d{1,2}:\d{2}\s*(?:[AP]M)?\b")
_PRINT_FOOTER_RE = re.compile(r"^\s*(?:https?://\S+\s+)?\d+\s*/\s*\d+\s*$")
_EXPLICIT_NOTE_RE = re.compile(
    r"^\s*[\[(]?\s*[*_]{0,2}(?:note|my note|comment|my comment|annotation|observation|"
    r"commentary|my take|analysis)[*_]{0,2}\s*[:\-–—]", re.IGNORECASE)


@dataclass(frozen=True)
class SpeakerLabel:
    role: str
    name: str  # the label as written, e.g. "ChatGPT" or "GPT-4o"
    rest: str  # text after the label on the same line


def speaker_role(name: str) -> str | None:
    """The role a speaker name stands for, or None when it is no speaker name."""
    key = re.sub(r"\s+", " ", name.strip().strip("*_`").lower())
    if key in USER_NAMES:
        return USER
    if key in ASSISTANT_NAMES:
        return ASSISTANT
    for family in MODEL_FAMILIES:
        if key == family or re.match(rf"{re.escape(family)}(?:[ \-]?[\w.]+){{1,3}}$", key):
            return ASSISTANT if _looks_like_version(key[len(family):]) else None
    return None


def _looks_like_version(tail: str) -> bool:
    """'-4o', ' 3.5 sonnet', ' 2.5 pro', '-r1', ' 5.1 thinking': a version, not a sentence."""
    words = tail.replace("-", " ").split()
    return len(words) <= 3 and (not words or any(ch.isdigit() for ch in words[0])
                                or words[0] in {"pro", "flash", "sonnet", "opus", "haiku",
                                                "thinking", "plus", "chat", "coder", "mini",
                                                "advanced", "ultra", "turbo", "max", "instant",
                                                "reasoning", "nano", "heavy", "expert"})


def parse_label(line: str) -> SpeakerLabel | None:
    """The speaker label that opens ``line``, if any (see the module docstring)."""
    for regex in (_SAID_RE, _HEADING_LABEL_RE, _LABEL_RE):
        match = regex.match(line)
        if not match:
            continue
        role = speaker_role(match.group("name"))
        if role is None:
            continue
        rest = match.groupdict().get("rest") or ""
        return SpeakerLabel(role, match.group("name").strip(), rest.strip())
    return None


def is_thought_marker(line: str) -> bool:
    """'Thought for 12s >': a reasoning model's fold, always between a prompt and its answer."""
    return bool(_THOUGHT_RE.match(line))


def is_chrome(line: str) -> bool:
    """Copy buttons, follow-up suggestions ("↳ ..."), print headers and footers."""
    return bool(_CHROME_RE.match(line) or _PRINT_HEADER_RE.match(line)
                or _PRINT_FOOTER_RE.match(line))


def is_explicit_note(text: str) -> bool:
    """A paragraph the student marked as commentary ("Note: ...", "[Comment: ...]")."""
    return bool(_EXPLICIT_NOTE_RE.match(text))
