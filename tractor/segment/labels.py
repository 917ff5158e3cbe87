"""Certain signals in a post's text: speaker labels, "Thought for Ns" markers, UI chrome.

These are the rules segmentation trusts over the learned classifier. A speaker label is a line
that *starts* with a speaker name followed by a colon ("Me:", "**User:**", "ChatGPT said:",
"GPT-4o:", "Claude 3.5 Sonnet:") or is a heading holding only a speaker name ("## Gemini").
A line such as "ChatGPT is great" names a model but is not a label, because nothing marks it as
one; requiring the colon (or the heading form) is what keeps prose out.

Labels the tables cannot know (a user's handle, "# _Question_", "Pregunta") are found per
document by :func:`discover_labels`: short label-shaped lines, in whatever decoration (heading,
bold, italics, emoji, blockquote, colon), whose two keys recur and alternate.
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
_SAID_RE = re.compile(rf"^\s*{_DECOR}(?P<name>{_NAME}) said{_DECOR}\s*:?\s*$", re.MULTILINE)
_THOUGHT_RE = re.compile(
    r"^\s*(?:Thought|Thinking|Reasoned|Worked)\s+for\s+(?:\d+\s*m(?:in(?:utes?)?)?\s*)?"
    r"(?:\d+\s*(?:s|sec|secs|seconds?)\b)?\s*[>›»]?\s*$|^\s*(?:Show|Hide) thinking\s*$",
    re.IGNORECASE,
)
# Buttons and widgets that page saves and prints leave in the text; they belong to no speaker.
_CHROME_RE = re.compile(
    r"^\s*(?:\w+\s+)?Copy code\s*$|^\s*↳\s|^\s*(?:Copy|Edit|Share|Retry|Regenerate)\s*$"
    r"|^.*⌄\s*Share\s*$|^\s*[\w.\- ]{1,30} can make mistakes\b.{0,80}$"
    r"|^\s*(?:Skip to (?:main )?content|Open sidebar|Close sidebar|New chat|Temporary chat)\s*$"
    r"|^\s*(?:No file chosen\s*)+$|^\s*Printed (?:using|with) ChatGPT to PDF\b.*$",
    re.IGNORECASE,
)
# Browser print headers ("11/23/26, 8:49 AM  ChatGPT - title") and footers ("https://... 1/18").
_PRINT_HEADER_RE = re.compile(r"^\s*\d{1,2}/\d{1,2}/\d{2,4},\s+\d{1,2}:\d{2}\s*(?:[AP]M)?\b")
_PRINT_FOOTER_RE = re.compile(r"^\s*(?:https?://\S+\s+)?\d+\s*/\s*\d+\s*$")
_EXPLICIT_NOTE_RE = re.compile(
    r"^\s*[\[(]?\s*[*_]{0,2}(?:notes?|my notes?|comments?|my comments?|annotations?|observations?|"
    r"commentary|my take|analysis)[*_]{0,2}\s*[:\-–—]", re.IGNORECASE)


@dataclass(frozen=True)
class SpeakerLabel:
    role: str
    name: str  # the label as written, e.g. "ChatGPT" or "GPT-4o"
    rest: str  # text after the label on the same line
    note: str = ""  # a parenthesised remark inside the label: "Me (pasted the wrong headings):"


# Words that name the asking and the answering side in question/answer layouts ("# _Question_",
# "Pregunta" / "Respuesta"). They are not speaker names everywhere ("Answer:" opens lines inside
# answers), only when a document's label lines alternate between the two sides.
QUESTION_WORDS = {"question", "prompt", "query", "ask", "pregunta", "frage", "domanda",
                  "pergunta", "vraag", "soru", "질문", "質問", "问题", "問題", "提问", "вопрос"}
ANSWER_WORDS = {"answer", "response", "reply", "respuesta", "réponse", "reponse", "antwort",
                "risposta", "resposta", "antwoord", "cevap", "답변", "回答", "答案", "回复", "ответ"}
# A line shaped like a speaker label: decoration (heading marks, quote marks, bold/italic marks,
# emoji), a short name, an optional parenthesised remark, an optional "said", an optional colon
# (ASCII or full-width), and after a colon the rest of the line.
_SHAPE_RE = re.compile(
    r"^(?P<pre>(?:[\s#>*_`~]|[^\w\s(\[])*)(?P<name>[^\W\d_](?:\w|[.'’\-])*(?:[ \-](?:\w|[.'’\-])+){0,3}?)"
    r"\s*(?:\((?P<note>[^()]{1,300})\))?(?P<said>\s+said)?(?P<post>[\s*_`~]*)"
    r"(?:(?P<colon>[:：])(?P<after>[\s*_`~]*)(?P<rest>.*))?$"
)

def _decorated(pre: str, post: str) -> bool:
    """Heading or quote marks, emphasis around the name, or an emoji before it (a bullet is no
    decoration: list items are not labels)."""
    import unicodedata

    return ("#" in pre or ">" in pre or (bool(set(pre) & set("*_")) and bool(set(post) & set("*_")))
            or any(unicodedata.category(ch) == "So" for ch in pre))


def label_shape(line: str) -> tuple[str, str, str, bool] | None:
    """``(key, rest, note, decorated)`` for a line shaped like a speaker label, else None. The
    key is the name lower-cased; a line without a colon must be decorated or end in "said"
    to count (a bare word on its own line is usually a heading or a list item)."""
    if len(line) > 400:
        return None
    match = _SHAPE_RE.match(line)
    if not match:
        return None
    raw = match.group("name")
    name = raw.rstrip("_").strip(" .-")  # "_Question_": the closing underscore is emphasis
    if not name or len(name) > 40:
        return None
    decorated = _decorated(match.group("pre"), "_" * (len(raw) - len(raw.rstrip("_")))
                           + match.group("post") + (match.group("after") or ""))
    rest = (match.group("rest") or "").strip().strip("*_`").strip()
    if not match.group("colon") and not decorated and not match.group("said"):
        return name.lower(), "", match.group("note") or "", False
    return name.lower(), rest, (match.group("note") or "").strip(), decorated or bool(match.group("said"))


def discover_labels(lines: list[str], skip: set[int] = frozenset()) -> dict[str, str]:
    """The speaker labels of this document, by key, with their roles: label-shaped lines whose
    keys recur and alternate (``## kekyo`` / ``## chatgpt``, ``# _Question_`` / ``# _Answer_``,
    ``Pregunta`` / ``Respuesta``). The side that names a model or answers is the assistant; with
    no such hint the side that speaks first is the user. Lines in ``skip`` (code) are ignored."""
    found: list[tuple[str, bool, bool, int]] = []  # key, standalone, decorated, line number
    for number, line in enumerate(lines):
        if number in skip or not line.strip():
            continue
        shape = label_shape(line)
        if shape:
            key, rest, _, decorated = shape
            found.append((key, not rest, decorated, number))
    counts: dict[str, int] = {}
    plain: set[str] = set()  # keys seen on an undecorated line
    for key, standalone, decorated, _ in found:
        if standalone and (decorated or _hint(key)):
            counts[key] = counts.get(key, 0) + 1
            if not decorated:
                plain.add(key)
    best: tuple[float, str, str] | None = None
    keys = sorted(counts, key=lambda k: (-counts[k], k))[:12]
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            hints = [bool(_hint(a)), bool(_hint(b))]
            if not all(hints) and (a in plain or b in plain):
                continue  # an undecorated line is a label only when it names its side
            if not any(hints) and min(counts[a], counts[b]) < 3:
                continue
            if abs(counts[a] - counts[b]) > max(1, 0.2 * max(counts[a], counts[b])):
                continue
            sequence = [key for key, standalone, _, _ in found if standalone and key in (a, b)]
            switches = sum(x != y for x, y in zip(sequence, sequence[1:]))
            ratio = switches / max(len(sequence) - 1, 1)
            if ratio < 0.8:
                continue
            if not any(hints) and not _spans_document(found, a, b, len(lines)):
                continue
            score = (sum(hints), ratio, len(sequence))
            if best is None or score > best[0]:
                best = (score, sequence[0], b if sequence[0] == a else a)
    if best is None:
        return {}
    _, first, second = best
    roles = {first: _hint(first), second: _hint(second)}
    if roles[first] == roles[second]:
        roles = {first: USER, second: ASSISTANT} if not roles[first] else {}
    elif not roles[first]:
        roles[first] = USER if roles[second] == ASSISTANT else ASSISTANT
    elif not roles[second]:
        roles[second] = USER if roles[first] == ASSISTANT else ASSISTANT
    return roles


def _spans_document(found: list[tuple[str, bool, bool, int]], a: str, b: str, total: int) -> bool:
    """Labels that name neither side must frame the whole chat: the first comes early and the
    labels reach the second half (sections of one answer, "**Pros:**" / "**Cons:**", do not)."""
    positions = [number for key, standalone, _, number in found if standalone and key in (a, b)]
    return positions[0] <= 0.25 * total and positions[-1] >= 0.5 * total


def _hint(key: str) -> str:
    """The role a key names by itself: a speaker name, a model, or a question/answer word."""
    role = speaker_role(key)
    if role:
        return role
    words = key.split()
    numbered = len(words) == 2 and words[1].rstrip(".").isdigit()  # "Pregunta 2"
    if words and words[0] in QUESTION_WORDS and (len(words) == 1 or numbered):
        return USER
    if words and words[0] in ANSWER_WORDS and (len(words) == 1 or numbered):
        return ASSISTANT
    if key.endswith(" said"):
        return speaker_role(key[:-5]) or ""
    return ""


def speaker_role(name: str) -> str | None:
    """The role a speaker name stands for, or None when it is no speaker name."""
    key = re.sub(r"\s+", " ", name.strip().strip("*_`").lower())
    if key in USER_NAMES:
        return USER
    if key in ASSISTANT_NAMES:
        return ASSISTANT
    for family in MODEL_FAMILIES:
        if key == family or re.match(rf"{re.escape(family)}(?:[ \-]?[\w.]+){{1,3}}$", key):
            if _looks_like_version(key[len(family):]):
                return ASSISTANT
            break
    from .model_names import canonical_name  # a name data/models.toml knows ("Le Chat", "Mistral Large")

    return ASSISTANT if canonical_name(key, whole=True) else None


def _looks_like_version(tail: str) -> bool:
    """'-4o', ' 3.5 sonnet', ' 2.5 pro', '-r1', ' 5.1 thinking': a version, not a sentence."""
    words = tail.replace("-", " ").split()
    return len(words) <= 3 and (not words or any(ch.isdigit() for ch in words[0])
                                or words[0] in {"pro", "flash", "sonnet", "opus", "haiku",
                                                "thinking", "plus", "chat", "coder", "mini",
                                                "advanced", "ultra", "turbo", "max", "instant",
                                                "reasoning", "nano", "heavy", "expert"})


def parse_label(line: str, known: dict[str, str] | None = None) -> SpeakerLabel | None:
    """The speaker label that opens ``line``, if any (see the module docstring). ``known``
    adds the labels :func:`discover_labels` found in this document, in any decoration."""
    shape = label_shape(line)
    if shape and _is_declaration(shape[0], shape[1]):
        return None
    if shape:
        key, rest, note, decorated = shape
        role = (known or {}).get(key)
        if role is None and (decorated or rest or note) and not _is_declaration(key, rest):
            role = speaker_role(key)
        if role and (decorated or rest or note or (known or {}).get(key)) \
                and (":" in line or "：" in line or decorated or key in (known or {})):
            name = _SHAPE_RE.match(line).group("name").rstrip("_").strip()
            return SpeakerLabel(role, name, rest, note)
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


def _is_declaration(key: str, rest: str) -> bool:
    """"Model: DeepSeek-V3" states which model was used; it opens no turn."""
    return key in {"model", "llm", "ai", "chatbot"} and 0 < len(rest) <= 40 \
        and speaker_role(rest.strip("*_` ")) == ASSISTANT


def is_thought_marker(line: str) -> bool:
    """'Thought for 12s >': a reasoning model's fold, always between a prompt and its answer."""
    return bool(_THOUGHT_RE.match(line))


def is_chrome(line: str) -> bool:
    """Copy buttons, follow-up suggestions ("↳ ..."), print headers and footers."""
    return bool(_CHROME_RE.match(line) or _PRINT_HEADER_RE.match(line)
                or _PRINT_FOOTER_RE.match(line))


def is_page_copy(text: str) -> bool:
    """Text copied from a chat page: both sides labelled the way the page itself labels them
    ("You said:" and "ChatGPT said:" lines)."""
    roles = {speaker_role(m.group("name")) for m in _SAID_RE.finditer(text)}
    return {USER, ASSISTANT} <= roles


def is_explicit_note(text: str) -> bool:
    """A paragraph the student marked as commentary ("Note: ...", "[Comment: ...]")."""
    return bool(_EXPLICIT_NOTE_RE.match(text))
