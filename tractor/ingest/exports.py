"""Readers for the account data exports of ChatGPT, Claude and DeepSeek (``conversations.json``).

An export holds many conversations, so one file yields many Documents. One broken or empty
conversation must not cost the others, which is why the readers return the failure *in place*
(an :class:`IngestError` in the list) instead of raising: the caller turns each into an
``errors`` row and keeps the rest.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from tractor.errors import IngestError
from tractor.records import ASSISTANT, USER, Document, Turn

CHATGPT_EXPORT = "chatgpt-export"
CLAUDE_EXPORT = "claude-export"
DEEPSEEK_EXPORT = "deepseek-export"

# ChatGPT content types that hold what a person saw in the chat. Everything else is machinery:
# "thoughts" and "reasoning_recap" (hidden reasoning), "user_editable_context" and
# "model_editable_context" (custom instructions, memory), browsing displays, system errors...
_VISIBLE_CONTENT_TYPES = {"text", "multimodal_text"}
# The code interpreter's code and output are shown in the chat as part of the answer (the
# student saw them, and claims may rest on them), so they are kept as the reply's content.
_CODE_TOOLS = {"python", "jupyter"}
_CANVAS_CREATE = "canmore.create_textdoc"
_CANVAS_UPDATE = "canmore.update_textdoc"
_CLAUDE_SENDERS = {"human": USER, "user": USER, "assistant": ASSISTANT}
# The Claude export never names the model, but the format itself says the family.
_CLAUDE_FAMILY = "claude"
# DeepSeek fragments: what the user asked and what the model answered; THINK (reasoning) and
# SEARCH (web results) are machinery.
_DEEPSEEK_FRAGMENTS = {"REQUEST": USER, "RESPONSE": ASSISTANT}


def sniff_export(obj: object) -> str | None:
    """``"chatgpt-export"``, ``"claude-export"``, ``"deepseek-export"`` or None, judged from the
    parsed JSON's shape: ChatGPT conversations carry a ``mapping`` tree of messages with an
    ``author``, DeepSeek ones the same tree of messages made of ``fragments``, Claude ones a
    ``chat_messages`` list."""
    for conversation in _conversations(obj)[:5]:
        if not isinstance(conversation, dict):
            continue
        if isinstance(conversation.get("mapping"), dict):
            messages = [node.get("message") for node in conversation["mapping"].values()
                        if isinstance(node, dict)]
            if any(isinstance(m, dict) and isinstance(m.get("fragments"), list) for m in messages):
                return DEEPSEEK_EXPORT
            return CHATGPT_EXPORT
        if isinstance(conversation.get("chat_messages"), list):
            return CLAUDE_EXPORT
    return None


def read_chatgpt_export(obj: object, source: str) -> list[Document | IngestError]:
    """One Document per conversation, in file order, with source ``f"{source}#{n}"`` (n from 1).

    The conversation is the branch ending at ``current_node`` (what the user last saw):
    regenerated answers and edited prompts on side branches are dropped. A conversation
    without both a user and an assistant turn comes back as an IngestError whose message starts
    with its ``#n`` source. Raises IngestError only when the file is not an export at all.
    """
    results: list[Document | IngestError] = []
    for n, conversation in enumerate(_require_list(obj, CHATGPT_EXPORT), start=1):
        where = f"{source}#{n}"
        if not isinstance(conversation, dict) or not isinstance(conversation.get("mapping"), dict):
            results.append(IngestError(f"{where}: conversation without a message tree", "export"))
            continue
        results.append(chatgpt_conversation(conversation, where, CHATGPT_EXPORT))
    return results


def chatgpt_conversation(conversation: dict, where: str, format_name: str,
                         model: object = None) -> Document | IngestError:
    """One ChatGPT conversation (an export's entry, or the one a share page embeds) as a
    Document, or an IngestError naming ``where``."""
    turns: list[Turn] = []
    try:
        canvas: dict[str, str] = {}
        for message in _current_branch(conversation):
            turn = _chatgpt_turn(message, canvas)
            if turn is not None:
                append_turn(turns, turn)
    except (AttributeError, TypeError, KeyError, ValueError) as exc:
        # a field of the wrong type (hand-edited or damaged export) spoils only this conversation
        return IngestError(f"{where}: malformed message tree ({type(exc).__name__}: {exc})", "export")
    conversation_id = conversation.get("conversation_id") or conversation.get("id")
    return document_or_error(
        where, format_name, turns, conversation.get("title"), conversation_id,
        model or conversation.get("default_model_slug"),
    )


def read_deepseek_export(obj: object, source: str) -> list[Document | IngestError]:
    """DeepSeek's export: ChatGPT's ``mapping`` tree, but each message is a list of typed
    ``fragments`` (REQUEST, THINK, SEARCH, RESPONSE) and names its ``model``."""
    results: list[Document | IngestError] = []
    for n, conversation in enumerate(_require_list(obj, DEEPSEEK_EXPORT), start=1):
        where = f"{source}#{n}"
        if not isinstance(conversation, dict) or not isinstance(conversation.get("mapping"), dict):
            results.append(IngestError(f"{where}: conversation without a message tree", "export"))
            continue
        turns: list[Turn] = []
        try:
            for message in _current_branch(conversation):
                for fragment in message.get("fragments") or []:
                    role = _DEEPSEEK_FRAGMENTS.get(str(fragment.get("type", "")).upper())
                    text = fragment.get("content")
                    if role and isinstance(text, str) and text.strip():
                        model = message.get("model") if role == ASSISTANT else ""
                        append_turn(turns, Turn(role, _trim(text), model if isinstance(model, str) else ""))
        except (AttributeError, TypeError, KeyError, ValueError) as exc:
            results.append(IngestError(f"{where}: malformed message tree ({type(exc).__name__}: {exc})", "export"))
            continue
        results.append(document_or_error(
            where, DEEPSEEK_EXPORT, turns, conversation.get("title"), conversation.get("id"), None,
        ))
    return results


def read_claude_export(obj: object, source: str) -> list[Document | IngestError]:
    """One Document per conversation, same ``#n`` sources and in-place errors as
    :func:`read_chatgpt_export`. A message's text comes from its ``text`` content blocks
    (thinking, tool-use and tool-result blocks are dropped), falling back to its ``text`` field.
    """
    results: list[Document | IngestError] = []
    for n, conversation in enumerate(_require_list(obj, CLAUDE_EXPORT), start=1):
        where = f"{source}#{n}"
        messages = conversation.get("chat_messages") if isinstance(conversation, dict) else None
        if not isinstance(messages, list):
            results.append(IngestError(f"{where}: conversation without chat_messages", "export"))
            continue
        model = conversation.get("model") if isinstance(conversation.get("model"), str) else ""
        model = model or _CLAUDE_FAMILY
        turns: list[Turn] = []
        try:
            for message in messages:
                role = _CLAUDE_SENDERS.get(str(message.get("sender"))) if isinstance(message, dict) else None
                text = _claude_text(message) if role else ""
                if text:
                    append_turn(turns, Turn(role, text, model if role == ASSISTANT else ""))
        except (AttributeError, TypeError, KeyError, ValueError) as exc:
            results.append(IngestError(f"{where}: malformed messages ({type(exc).__name__}: {exc})", "export"))
            continue
        results.append(document_or_error(
            where, CLAUDE_EXPORT, turns, conversation.get("name"), conversation.get("uuid"), model,
        ))
    return results


def _conversations(obj: object) -> list:
    """An export is a list of conversations; a single conversation object is accepted too."""
    if isinstance(obj, list):
        return obj
    return [obj] if isinstance(obj, dict) else []


def _require_list(obj: object, format_name: str) -> list:
    conversations = _conversations(obj)
    if not conversations:
        raise IngestError(f"not a {format_name} file: no conversations found", stage="export")
    return conversations


def _current_branch(conversation: dict) -> Iterator[dict]:
    """Messages from the root to ``current_node``, found by walking parent links upwards.
    Without a usable ``current_node`` the newest leaf (last child at every step) is taken."""
    mapping = conversation["mapping"]
    node_id = _link(conversation.get("current_node"))
    if node_id not in mapping:
        node_id = _newest_leaf(mapping)
    path: list[dict] = []
    seen: set[str] = set()
    while node_id in mapping and node_id not in seen:
        seen.add(node_id)
        node = mapping[node_id] if isinstance(mapping[node_id], dict) else {}
        if isinstance(node.get("message"), dict):
            path.append(node["message"])
        node_id = _link(node.get("parent"))
    return reversed(path)


def _link(value: object) -> str | None:
    """A node id as the export links it; JSON object keys are strings, so anything else (a
    damaged or hand-edited file) links nowhere."""
    return value if isinstance(value, str) else None


def _newest_leaf(mapping: dict) -> str | None:
    roots = [key for key, node in mapping.items()
             if isinstance(node, dict) and _link(node.get("parent")) not in mapping]
    node_id = roots[0] if roots else None
    seen: set[str] = set()
    while node_id in mapping and node_id not in seen:
        seen.add(node_id)
        node = mapping[node_id] if isinstance(mapping[node_id], dict) else {}
        children = [child for child in node.get("children") or [] if _link(child) in mapping]
        if not children:
            break
        node_id = children[-1]
    return node_id


def _chatgpt_turn(message: dict, canvas: dict[str, str]) -> Turn | None:
    """The message as a visible turn, or None for hidden, system, reasoning and non-code tool
    nodes. Code-interpreter calls and their output, and canvas documents, become assistant
    turns (merged into the reply around them); ``canvas["last"]`` holds the latest canvas
    document, which an update rewrites."""
    role = (message.get("author") or {}).get("role")
    metadata = message.get("metadata") or {}
    content = message.get("content") or {}
    recipient = message.get("recipient") or "all"
    if metadata.get("is_visually_hidden_from_conversation"):
        return None
    model = metadata.get("model_slug") if role == ASSISTANT else ""
    model = model if isinstance(model, str) else ""
    text = ""
    if role in (USER, ASSISTANT) and recipient == "all" \
            and content.get("content_type") in _VISIBLE_CONTENT_TYPES:
        text = "\n\n".join(filter(None, (_part_text(part) for part in content.get("parts") or [])))
    elif role == ASSISTANT and recipient in _CODE_TOOLS and content.get("content_type") == "code":
        text = _fence(content.get("text"), "python")
    elif role == "tool" and content.get("content_type") == "execution_output":
        text = _fence(content.get("text"), "")
    elif role == ASSISTANT and recipient in (_CANVAS_CREATE, _CANVAS_UPDATE):
        text = _canvas_text(recipient, content, canvas)
    if not text.strip():
        return None
    return Turn(USER if role == USER else ASSISTANT, _trim(text), model)


def _fence(text: object, language: str) -> str:
    if not isinstance(text, str) or not text.strip():
        return ""
    body = text.replace("\r\n", "\n").strip("\n")
    return f"```{language}\n{body}\n```"


def _canvas_text(recipient: str, content: dict, canvas: dict[str, str]) -> str:
    """A canvas document as the student saw it after this message: the created text, or the
    last document with the update's regex replacements applied."""
    try:
        body = json.loads(content.get("text") or "")
    except (json.JSONDecodeError, TypeError):
        return ""
    if not isinstance(body, dict):
        return ""
    if recipient == _CANVAS_CREATE:
        text = body.get("content")
        if not isinstance(text, str):
            return ""
        canvas["last"] = text
        return text
    document = canvas.get("last", "")
    for update in body.get("updates") or []:
        if not isinstance(update, dict) or not isinstance(update.get("replacement"), str):
            continue
        try:
            document = re.sub(str(update.get("pattern", "")), lambda _: update["replacement"], document,
                              count=0 if update.get("multiple") else 1, flags=re.DOTALL)
        except re.error:
            continue
    if not document or document == canvas.get("last"):
        return ""
    canvas["last"] = document
    return document


def _part_text(part: object) -> str:
    """Strings are text; image pointers become ``[image]`` so a reader knows one was there;
    other objects count only for the text they carry (e.g. audio transcriptions)."""
    if isinstance(part, str):
        return part
    if isinstance(part, dict):
        if part.get("content_type") == "image_asset_pointer":
            return "[image]"
        if isinstance(part.get("text"), str):
            return part["text"]
    return ""


def _claude_text(message: dict) -> str:
    blocks = message.get("content")
    if isinstance(blocks, list):
        texts = [block.get("text", "") for block in blocks
                 if isinstance(block, dict) and block.get("type") == "text"]
        joined = "\n\n".join(_trim(text) for text in texts if isinstance(text, str) and text.strip())
        if joined:
            return joined
    text = message.get("text")
    return _trim(text) if isinstance(text, str) else ""


def _trim(text: str) -> str:
    """Drop surrounding blank lines but keep a first line's indentation (it may be code)."""
    return text.strip("\n").rstrip()


def append_turn(turns: list[Turn], turn: Turn) -> None:
    """Add ``turn``, merging it into the last one when the role repeats: consecutive messages
    of one role are one turn (an answer split around a tool call, a page's split bubbles)."""
    if turns and turns[-1].role == turn.role:
        previous = turns[-1]
        turns[-1] = Turn(turn.role, f"{previous.content}\n\n{turn.content}",
                         previous.model or turn.model)
    else:
        turns.append(turn)


def document_or_error(
    where: str, format_name: str, turns: list[Turn], title: object, conversation_id: object,
    model: object,
) -> Document | IngestError:
    roles = {turn.role for turn in turns}
    if roles != {USER, ASSISTANT}:
        return IngestError(f"{where}: conversation has no user and assistant turns", "export")
    return Document(
        source=where,
        format=format_name,
        turns=turns,
        title=title if isinstance(title, str) else "",
        metadata={"model": model} if isinstance(model, str) and model else {},
        # The conversation id is the key of the account's chat URL, so it is identity-bearing.
        identities=[conversation_id] if isinstance(conversation_id, str) and conversation_id else [],
    )
