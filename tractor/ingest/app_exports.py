"""Readers for the exports of chat apps whose files are not conversation trees: Grok's
``prod-grok-backend.json`` and Google Takeout's Gemini activity ("My Activity → Gemini Apps").

Both are lists of records that have to be regrouped into conversations: Grok keeps each
conversation with its list of responses; Takeout keeps one event per exchange (the prompt in the
title, the answer as HTML), which are grouped by the conversation link an event carries when it
has one, and otherwise each stand alone (rebuilding whole chats from loose events is guesswork).
"""

from __future__ import annotations

import re

from tractor.errors import IngestError
from tractor.ingest.exports import append_turn, document_or_error
from tractor.records import ASSISTANT, USER, Document, Turn

GROK_EXPORT = "grok-export"
GEMINI_TAKEOUT = "gemini-takeout"
# Grok marks the person as "human"; the reply's sender is "ASSISTANT" or a model name.
_GROK_HUMAN = {"human", "user"}
# Inline widgets (citation cards) Grok writes into the answer text.
_GROK_MARKUP = re.compile(r"<grok:render\b[^>]*>.*?</grok:render>|<grok:[^>]*/?>", re.S)
_GEMINI_PRODUCTS = {"gemini apps", "bard"}
# Takeout titles an exchange by what the person did: "Prompted <the prompt>".
_GEMINI_PROMPT = re.compile(r"^\s*(?:Prompted|Asked)\s+(?P<prompt>.+)$", re.S)
_GEMINI_FAMILY = "gemini"
_CONVERSATION_LINK = re.compile(r"/app/(?P<id>[\w\-]+)")


def sniff_app_export(obj: object) -> str | None:
    """``"grok-export"``, ``"gemini-takeout"`` or None, from the parsed JSON's shape."""
    if isinstance(obj, dict) and isinstance(obj.get("conversations"), list) and any(
            isinstance(c, dict) and isinstance(c.get("responses"), list) for c in obj["conversations"][:5]):
        return GROK_EXPORT
    if isinstance(obj, list) and any(_is_gemini_event(e) for e in obj[:20]):
        return GEMINI_TAKEOUT
    return None


def read_grok_export(obj: dict, source: str) -> list[Document | IngestError]:
    """One Document per Grok conversation, sources ``#n`` in file order. Reasoning
    (``thinking_trace``) and search results are not turns; the model is each response's
    ``model`` (or a model-named sender)."""
    results: list[Document | IngestError] = []
    for n, entry in enumerate(obj["conversations"], start=1):
        where = f"{source}#{n}"
        responses = entry.get("responses") if isinstance(entry, dict) else None
        if not isinstance(responses, list):
            results.append(IngestError(f"{where}: conversation without responses", "export"))
            continue
        conversation = entry.get("conversation") if isinstance(entry.get("conversation"), dict) else {}
        turns: list[Turn] = []
        for item in responses:
            response = item.get("response") if isinstance(item, dict) else None
            if not isinstance(response, dict) or not isinstance(response.get("message"), str):
                continue
            sender = str(response.get("sender", "")).strip()
            text = _GROK_MARKUP.sub("", response["message"]).strip()
            if not text:
                continue
            if sender.lower() in _GROK_HUMAN:
                append_turn(turns, Turn(USER, text))
            else:
                model = response.get("model") if isinstance(response.get("model"), str) else ""
                append_turn(turns, Turn(ASSISTANT, text, model or (sender if sender.lower() != "assistant" else "")))
        results.append(document_or_error(where, GROK_EXPORT, turns, conversation.get("title"),
                                         conversation.get("id"), None))
    return results


def read_gemini_takeout(obj: list, source: str) -> list[Document | IngestError]:
    """Gemini activity events regrouped into conversations (see the module docstring), oldest
    exchange first; the family ``gemini`` comes from the format itself."""
    from tractor.ingest.html import render_fragment

    groups: dict[str, list[dict]] = {}
    prompted = (e for e in obj if _is_gemini_event(e) and _GEMINI_PROMPT.match(e["title"]))
    for number, event in enumerate(prompted):
        link = _CONVERSATION_LINK.search(str(event.get("titleUrl", "")))
        groups.setdefault(link.group("id") if link else f"\0{number}", []).append(event)
    results: list[Document | IngestError] = []
    for n, (key, events) in enumerate(groups.items(), start=1):
        where = f"{source}#{n}"
        turns: list[Turn] = []
        for event in sorted(events, key=lambda e: str(e.get("time", ""))):
            prompt = _GEMINI_PROMPT.match(str(event.get("title", "")))
            if not prompt:
                continue
            append_turn(turns, Turn(USER, prompt.group("prompt").strip()))
            answer = "\n\n".join(
                render_fragment(item["html"]) for item in event.get("safeHtmlItem") or []
                if isinstance(item, dict) and isinstance(item.get("html"), str))
            if answer.strip():
                append_turn(turns, Turn(ASSISTANT, answer.strip(), _GEMINI_FAMILY))
        identities = [str(events[0]["titleUrl"])] if not key.startswith("\0") else []
        result = document_or_error(where, GEMINI_TAKEOUT, turns, "", None, _GEMINI_FAMILY)
        if isinstance(result, Document):
            result.identities = identities
        results.append(result)
    if not results:
        raise IngestError("Gemini activity export without prompts", stage="export")
    return results


def _is_gemini_event(event: object) -> bool:
    if not isinstance(event, dict) or not isinstance(event.get("title"), str):
        return False
    products = {str(p).lower() for p in event.get("products") or []}
    return bool(products & _GEMINI_PRODUCTS) or str(event.get("header", "")).lower() in _GEMINI_PRODUCTS
