"""Which model a transcript used, and the evidence for that answer.

Every answer names its evidence, because a wrong model name silently corrupts every statistic
grouped by model. Sources are tried strongest first and the first that decides wins:

1. metadata the format recorded (per-turn model slugs of an export, a saved page's model picker
   or its title "... - Grok");
2. the student's own statement in the summary, annotations or their turns ("I used ChatGPT's
   5.1 Thinking Model"), found with spaCy ``Matcher`` cues so that a pasted course announcement
   that merely lists models ("submissions using ChatGPT 5") is not read as one;
3. speaker labels ("ChatGPT:" at the start of a line);
4. interface artefacts ("Thought for 12s", ChatGPT's "2:file1†L29" citations); an artefact that
   several interfaces print only counts when a unique one narrows it down;
5. the assistant identifying itself ("I'm Claude", "I am ... developed by OpenAI").

Names mentioned inside the model's answers ("models like Llama 2/3 use GQA") are never
evidence. Aliases and artefacts live in ``data/models.toml``; this module knows no model by name.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from tractor.records import ASSISTANT, USER, Annotation, Document, Message
from tractor.segment.model_names import Artefact, _aliases, _artefacts, canonical_name, find_mentions

UNKNOWN = "unknown"
# A mention must not stop short of a version ("gpt-5" inside "gpt-5.1"), but a date suffix of
# an API slug ("claude-sonnet-4-5-20250929") may follow.
# A mention is a whole name: "gpt-4o" does not match inside "gpt-4o-mini" or "gpt-4o mini"
# (smaller or preview variants are other models).
_LABEL_LINE = re.compile(r"^[ \t>#*_]*([^:\n*_]{2,40}?)[*_ \t]*:", re.MULTILINE)
_HTML_TAG = re.compile(r"<[^>]+>")
_TITLE_SEPARATOR = re.compile(r"\s+[-|–—]\s+")
# What every self-introduction and maker statement contains: texts without it are not scanned.
_SELF_REFERENCE = re.compile(r"I(?:\s+am|['’]m)")
_SELF_INTRO = re.compile(r"\bI(?:\s+am|['’]m)\s+(?:an?\s+|the\s+)?$")
_MADE_BY = re.compile(
    r"\bI(?:\s+am|['’]m)\b[^.\n]{0,80}?\b(?:developed|made|created|trained|built)\s+by\s+([A-Z][\w ]{1,20})"
)
_QUOTE_LIMIT = 160
# What a model slug looks like ("gpt-4o-2024-08-06", "grok-3"), and slugs that name no model.
_SLUG = re.compile(r"^[a-z][\w.\-]{1,60}$", re.IGNORECASE)
_NO_MODEL_SLUGS = {"auto", "default", "unknown", "none", "null"}
# How far (characters) after its cue a statement may name the model.
_CUE_REACH = 80
# Statement cues: who did the choosing ("I", "we", "my model") and a verb of using or asking.
_CUE_SUBJECTS = ["i", "we"]
_CUE_FILLERS = ["have", "had", "'ve", "’ve", "was", "were", "am", "'m", "’m", "'d", "did", "also",
                "then", "first", "initially", "mainly", "mostly", "primarily", "just", "only",
                "decided", "chose", "to", "will", "be"]
_CUE_VERBS = ["use", "used", "using", "test", "tested", "testing", "ask", "asked", "asking",
              "prompt", "prompted", "prompting", "try", "tried", "trying", "chose", "choose",
              "picked", "selected", "engaged", "interacted", "worked", "queried", "evaluated",
              "gave", "fed", "went", "ran"]
_MODEL_WORDS = ["model", "llm", "chatbot", "assistant", "ai"]


def identify_model(doc: Document, messages: list[Message], summary: str,
                   annotations: list[Annotation]) -> tuple[str, str]:
    """``(canonical model, evidence)``; ``("unknown", why)`` when no source decides."""
    notes: list[str] = []
    sources = (
        lambda: _from_metadata(doc),
        lambda: _from_declarations(doc, summary, annotations),
        lambda: _from_statements(doc, messages, summary, annotations),
        lambda: _from_labels(doc.text),
        lambda: _from_artefacts(_all_texts(doc, messages), notes),
        lambda: _from_self_identification(doc, messages),
    )
    results = (source() for source in sources)  # lazy: a weaker source runs only when needed
    found = next(filter(None, results), None)
    if found:
        return _refined(found, results)
    why = "no export metadata, student statement, speaker label or unique interface artefact"
    return UNKNOWN, "; ".join([f"no evidence: {why}", *notes])


def _refined(found: tuple[str, str], weaker) -> tuple[str, str]:
    """A source that names only the family (a page title "ChatGPT - ...") is made precise by a
    weaker source naming a version of that same family ("I used ChatGPT's 5.1 Thinking").
    ``weaker`` yields the results of the sources after the one that found ``found``."""
    families = {a.name: a.family for a in _aliases()}
    name, evidence = found
    if families.get(name) != name:
        return found
    for other in filter(None, weaker):
        if other[0] != name and families.get(other[0]) == name:
            return other[0], f"{evidence}; version from {other[1]}"
    return found


def _from_metadata(doc: Document) -> tuple[str, str] | None:
    origin = "page" if doc.format == "html" else "export"
    page_model = doc.metadata.get("model", "")
    slugs = Counter(t.model for t in doc.turns or () if t.role == ASSISTANT and t.model)
    for slug, _ in slugs.most_common():
        name = canonical_name(slug)
        if name:
            field = "model" if slug == page_model else "model_slug"
            return name, f"{origin} metadata: {field}={slug}"
    if page_model and (name := canonical_name(page_model)):
        return name, f"{origin} metadata: model={page_model}"
    # A slug the table does not know is still the format's statement: reported as written.
    for slug, _ in slugs.most_common():
        if _SLUG.match(slug) and slug.lower() not in _NO_MODEL_SLUGS:
            return _normalised_name(slug), f"{origin} metadata: model_slug={slug} (not in the model table)"
    for segment in _TITLE_SEPARATOR.split(doc.title):
        if name := canonical_name(segment, whole=True):
            return name, f"{origin} metadata: title='{doc.title}'"
    return None


# "Model: DeepSeek-V3", "LLM used: Kimi K2", "(GPT-4)": a line that only declares the model.
_DECLARED = re.compile(
    r"^[\s#>*_`\-•(\[]*(?:(?:the\s+)?(?:model|llm|chatbot)(?:\s+used)?|used|using)"
    r"[*_`\s]*[:：][*_`\s]*(?P<name>[^\s:：][^:：\n]{0,40}?)[\s*_`.)\]]*$"
    r"|^[\s#>*_`]*[(\[](?P<bare>[^()\[\]\n]{2,40})[)\]][\s*_`]*$",
    re.IGNORECASE | re.MULTILINE)
_HEADER_LINES = 5
_TITLE_WORDS = 12


def _from_declarations(doc: Document, summary: str,
                       annotations: list[Annotation]) -> tuple[str, str] | None:
    """A line of the student's own text (summary, notes, the post's first lines) that declares
    the model ("Model: DeepSeek-V3", "(GPT-4)"), or a short title line naming exactly one
    ("Uso de ChatGPT en el ejercicio 1"). A declared name the model table does not know is
    reported as written (normalised), not as unknown."""
    header = "\n".join([line for line in doc.text.split("\n") if line.strip()][:_HEADER_LINES])
    texts = [summary, *(a.text for a in annotations), header]
    for text in filter(str.strip, texts):
        for match in _DECLARED.finditer(text):
            stated = (match.group("name") or match.group("bare") or "").strip()
            name = canonical_name(stated, whole=True) or canonical_name(stated)
            if not name and match.group("name") and _looks_like_model_name(stated):
                name = _normalised_name(stated)
            if name:
                return name, f"declared: '{_quote(match.group(0))}'"
    # only text at the top can be a title: the summary, a note before the first message
    for text in filter(str.strip, [summary, *(a.text for a in annotations if a.after_message < 0)]):
        first = text.strip().split("\n")[0]
        words = first.split()
        if len(words) <= _TITLE_WORDS and not first.rstrip().endswith((".", "?", "!")):
            names = {m.alias.name for m in find_mentions(first)}
            if len(names) == 1:
                return names.pop(), f"title: '{_quote(first.strip('# '))}'"
    return None


def _looks_like_model_name(text: str) -> bool:
    """A product name, not a sentence: a few words, one of them with a digit or a capital."""
    words = text.split()
    return 0 < len(words) <= 4 and any(any(ch.isdigit() or ch.isupper() for ch in w) for w in words)


def _normalised_name(text: str) -> str:
    return re.sub(r"[\s_]+", "-", text.strip().lower())


def _from_statements(doc: Document, messages: list[Message], summary: str,
                     annotations: list[Annotation]) -> tuple[str, str] | None:
    """The first sentence in which the student says which model they used."""
    texts = [summary, *(a.text for a in annotations), *(m.content for m in messages if m.role == USER)]
    if not messages and not summary and not annotations:
        texts = [doc.text]  # nothing segmented: the raw post is all there is
    nlp, matcher = _statement_matcher()
    for parsed in nlp.pipe(t for t in texts if t.strip()):
        for match_id, start, end in sorted(matcher(parsed), key=lambda m: m[1]):
            cue = parsed[start:end]
            if parsed.vocab.strings[match_id] == "USING" and not _said_by_me(cue):
                continue
            tail = parsed.text[cue.start_char:cue.sent.end_char]
            mentions = find_mentions(tail)
            if mentions and mentions[0].start - len(cue.text) <= _CUE_REACH:
                return mentions[0].alias.name, f"student statement: '{_quote(tail[:mentions[0].end])}'"
    return None


@cache
def _statement_matcher():
    from spacy.matcher import Matcher

    from tractor.english import english

    nlp = english()
    matcher = Matcher(nlp.vocab)
    matcher.add("USED", [[{"LOWER": {"IN": _CUE_SUBJECTS}}, {"LOWER": {"IN": _CUE_FILLERS}, "OP": "*"},
                          {"LOWER": {"IN": _CUE_VERBS}}]])
    matcher.add("MY_MODEL", [[{"LOWER": "my"},
                              {"LOWER": {"IN": ["chosen", "assigned", "selected"]}, "OP": "?"},
                              {"LOWER": {"IN": _MODEL_WORDS}}]])
    matcher.add("USING", [[{"LOWER": {"IN": ["using", "via"]}}]])
    matcher.add("HEADER", [[{"LOWER": {"IN": ["model", "llm", "chatbot"]}},
                            {"LOWER": "used", "OP": "?"}, {"ORTH": ":"}]])
    return nlp, matcher


def _said_by_me(cue) -> bool:
    """A bare "using X" is a statement only in a sentence the student wrote in the first
    person singular ("I solved HW9 using X"); course text says "we" and "you"."""
    return any(t.text == "I" or t.lower_ in ("my", "me") for t in cue.sent if t.i < cue.start)


def _from_labels(text: str) -> tuple[str, str] | None:
    """The most frequent speaker label naming a model, in any decoration ("GPT 4:",
    "**🤖 ChatGPT:**", "## Gemini")."""
    from tractor.segment.labels import discover_labels, parse_label

    lines = text.split("\n")
    known = discover_labels(lines)
    labels = Counter()
    names: dict[str, str] = {}
    for line in lines:
        parsed = parse_label(line, known)
        candidates = [parsed.name] if parsed and parsed.role == ASSISTANT else []
        if not parsed and (match := _LABEL_LINE.match(line)):
            candidates.append(match.group(1).strip())
        for label in candidates:
            if name := names.get(label) or canonical_name(label, whole=True):
                names[label] = name
                labels[label] += 1
    if not labels:
        return None
    label, count = labels.most_common(1)[0]
    return names[label], f"speaker label: '{label}:' ({count} line{'s' * (count != 1)})"


def _from_artefacts(texts: list[str], notes: list[str]) -> tuple[str, str] | None:
    """The one family every artefact found agrees on; ambiguity goes into ``notes``."""
    found: list[tuple[Artefact, str]] = []
    for artefact in _artefacts():
        match = next((m for t in texts if (m := artefact.pattern.search(t))), None)
        if match:
            found.append((artefact, _quote(_HTML_TAG.sub("", match.group(0)))))
    if not found:
        return None
    common = frozenset.intersection(*(a.families for a, _ in found))
    described = ", ".join(f"'{q}' ({a.what}: {'/'.join(sorted(a.families))})" for a, q in found)
    if len(common) != 1:
        notes.append(f"interface artefacts {described} do not single out one family")
        return None
    return next(iter(common)), f"interface artefact: {described}"


def _from_self_identification(doc: Document, messages: list[Message]) -> tuple[str, str] | None:
    texts = [m.content for m in messages if m.role == ASSISTANT]
    texts += [t.content for t in doc.turns or () if t.role == ASSISTANT]
    makers = {maker.lower(): a.name for a in _aliases() if a.name == a.family for maker in a.makers}
    for text in filter(_SELF_REFERENCE.search, texts):
        for mention in find_mentions(text):
            intro = _SELF_INTRO.search(text[max(0, mention.start - 12):mention.start])
            if intro:
                said = intro.group(0) + text[mention.start:mention.end]
                return mention.alias.name, f"self-identification: '{_quote(said)}'"
        for match in _MADE_BY.finditer(text):
            maker = next((m for m in makers if re.match(rf"{re.escape(m)}\b", match.group(1), re.I)), None)
            if maker:
                return makers[maker], f"self-identification: '{_quote(match.group(0))}'"
    return None


def _all_texts(doc: Document, messages: list[Message]) -> list[str]:
    return [doc.text, doc.metadata.get("print_furniture", ""), *(t.content for t in doc.turns or ()),
            *(m.content for m in messages)]


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _QUOTE_LIMIT else text[:_QUOTE_LIMIT - 1] + "…"
