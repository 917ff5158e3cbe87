"""Reader for saved chat pages (ChatGPT, Claude and look-alike share pages).

A saved page states who spoke in its markup, so the reader returns turns directly instead of
leaving segmentation to guess from text. Each turn's HTML is rendered to markdown-ish text with
the two things later steps depend on kept exact: the LaTeX source of every formula (taken from
KaTeX's ``application/x-tex`` annotation, not from the rendered glyphs, which lose structure)
and the indentation of code blocks.
"""

from __future__ import annotations

import re

from lxml import etree

from tractor.errors import IngestError
from tractor.ingest.exports import append_turn
from tractor.ingest.text import decode_text
from tractor.records import ASSISTANT, USER, Document, Turn


def _has_class(name: str) -> str:
    """XPath predicates for "has class ``name``": the cheap substring test first, so the
    normalised class list is built only for the few elements that may match."""
    return f"[contains(@class, '{name}')][contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"


# Turn containers and the role each marks. ChatGPT uses an explicit role attribute; Claude marks
# user messages by test id and assistant responses by class or the streaming flag.
_TURN_MARKERS = [
    ("//*[@data-message-author-role]", None),
    ("//*[@data-testid='user-message']", USER),
    (f"//*{_has_class('font-claude-message')}", ASSISTANT),
    (f"//*{_has_class('font-claude-response')}", ASSISTANT),
    ("//*[@data-is-streaming]", ASSISTANT),
]
_ROLE_NAMES = {"user": USER, "human": USER, "assistant": ASSISTANT}
# Roles that are machinery, not people: their blocks are neither turns nor notes.
_MACHINE_ROLES = {"system", "tool", "function", "developer"}

# Elements that never carry conversation text: page machinery and UI controls.
_SKIPPED_TAGS = {
    "script", "style", "noscript", "nav", "header", "footer", "button", "svg", "template",
    "iframe", "form", "input", "textarea", "select", "head", "title", "meta", "link",
}
# Class or test-id words marking reasoning panes ("Thought for 12s") and screen-reader labels.
_CHROME_WORDS = re.compile(r"thought|thinking|reasoning|sr-only", re.IGNORECASE)
_BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "aside", "figure", "figcaption", "details",
    "summary", "dl", "dt", "dd", "address", "center",
}
_CHAT_URL = re.compile(
    r"https?://(?:www\.)?(?:chatgpt\.com|chat\.openai\.com|claude\.ai|grok\.com|gemini\.google\.com"
    r"|g\.co/gemini|poe\.com|perplexity\.ai|chat\.deepseek\.com)/(?:share|c|chat|s|g|app)/[\w\-/]+",
    re.ASCII,  # a link ends where CJK text or full-width punctuation starts
)
# Page-level model picker (ChatGPT's switcher button, or a bare "model" label in simpler saves).
_MODEL_LABEL = (
    "//*[contains(@data-testid, 'model-switcher')]"
    f" | //*{_has_class('model')}"
)

# lxml's plain HTML parser, set up as ``lxml.html``'s but without its element classes: those are
# chosen by a Python call for every element the reader touches, most of a page's reading time.
_HTML_PARSER = etree.HTMLParser()
# An element's text with its descendants' (what ``lxml.html``'s ``text_content`` computes).
_TEXT_CONTENT = etree.XPath("string()", smart_strings=False)

# Placeholders that survive whitespace normalisation: a pre block's index, and an indent unit.
_PRE_SLOT = "\x00{}\x00"
_INDENT = "\x01"


def read_chat_page(data: bytes, source: str) -> list[Document]:
    """Read a saved chat page into one Document with ``turns``.

    Consecutive turns of the same role are merged (a page may split one answer around tool
    calls). Blocks with a non-chat author role (e.g. a student's ``note``) are kept, in page
    order, in ``metadata["notes"]``; the page's model picker, when present, goes to
    ``metadata["model"]`` and to assistant turns that carry no per-turn model slug.
    """
    tree = _parse(data)
    embedded = _embedded_conversation(tree, source)
    if embedded is not None:
        return [embedded]
    turns: list[Turn] = []
    notes: list[str] = []
    page_model = _page_model(tree)
    for element, role in _turn_elements(tree):
        content = render_text(element)
        if role in (USER, ASSISTANT):
            model = _turn_model(element) or (page_model if role == ASSISTANT else "")
            if content:
                append_turn(turns, Turn(role, content, model))
        elif role not in _MACHINE_ROLES and content:
            notes.append(content)
    if not any(turn.role == USER for turn in turns) or not any(
        turn.role == ASSISTANT for turn in turns
    ):
        raise IngestError(
            "HTML page without chat turns (no user and assistant messages marked in the markup)",
            stage="html",
        )
    metadata = {}
    if notes:
        metadata["notes"] = "\n\n".join(notes)
    if page_model:
        metadata["model"] = page_model
    title = (tree.findtext(".//title") or "").strip()
    return [
        Document(
            source=source,
            format="html",
            turns=turns,
            title=title,
            metadata=metadata,
            identities=_chat_urls(tree),
        )
    ]


def render_fragment(html: str) -> str:
    """Text of an HTML snippet (an export's answer stored as HTML), rendered as page turns are."""
    tree = etree.fromstring(f"<html><body><div>{html}</div></body></html>", _HTML_PARSER)
    return render_text(tree.find(".//body/div")) if tree is not None else ""


def _embedded_conversation(tree: etree._Element, source: str) -> Document | None:
    """The conversation an older ChatGPT share page embeds as JSON (Next.js ``__NEXT_DATA__``):
    the same message tree as a data export, with each answer's model slug and the exact text
    of every message (line breaks of pasted code, the code interpreter's code and output) that
    the rendered page loses. None when the page embeds no conversation."""
    import json

    from tractor.ingest.exports import chatgpt_conversation

    scripts = tree.xpath("//script[@id='__NEXT_DATA__']/text()")
    if not scripts:
        return None
    try:
        props = json.loads(str(scripts[0])).get("props", {}).get("pageProps", {})
    except (json.JSONDecodeError, AttributeError):
        return None
    if not isinstance(props, dict):
        return None
    if props.get("statusCode") == 404:
        raise IngestError("share page 'not found' (404): the chat was deleted or never shared", stage="html")
    response = props.get("serverResponse")
    data = response.get("data") if isinstance(response, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("mapping"), dict):
        return None
    page_model = (data.get("model") or {}).get("slug") if isinstance(data.get("model"), dict) else None
    document = chatgpt_conversation(data, source, "html", page_model)
    if isinstance(document, IngestError):
        raise IngestError(str(document).removeprefix(f"{source}: "), stage="html")
    document.source = source
    author = data.get("author_name")
    document.identities = [*_chat_urls(tree), *document.identities,
                           *([author] if isinstance(author, str) and author.strip() else [])]
    return document


def _parse(data: bytes) -> etree._Element:
    """Decode with the text reader's rules (BOM, strict UTF-8, then detection) so pages saved
    without a charset declaration are not read as Windows-1252 by libxml2's default."""
    text = decode_text(data)
    try:
        tree = etree.fromstring(text, _HTML_PARSER)
    except (etree.ParserError, ValueError) as error:
        raise IngestError(f"unparseable HTML page: {error}", stage="html") from error
    if tree is None:
        raise IngestError("unparseable HTML page: Document is empty", stage="html")
    return tree


def _turn_elements(tree: etree._Element) -> list[tuple[etree._Element, str]]:
    """Marked turn containers in document order (one XPath union gives that order, without
    visiting every element); a marker nested in another marker (Claude's response class inside
    its streaming wrapper) belongs to the outer turn. An element matching several markers takes
    the role of the first."""
    roles: dict[etree._Element, str] = {}
    for element in tree.xpath(" | ".join(xpath for xpath, _ in _TURN_MARKERS)):
        role = next(role for xpath, role in _TURN_MARKERS if element.xpath("self::*" + xpath[3:]))
        marked = role or element.get("data-message-author-role", "").strip().lower()
        roles[element] = _ROLE_NAMES.get(marked, marked)
    return [(element, role) for element, role in roles.items()
            if not any(a in roles for a in element.iterancestors())]


def _turn_model(element: etree._Element) -> str:
    slugs = element.xpath("descendant-or-self::*/@data-message-model-slug")
    return str(slugs[0]).strip() if slugs else ""


def _page_model(tree: etree._Element) -> str:
    for label in tree.xpath(_MODEL_LABEL):
        text = re.sub(r"[^\w)]+$", "", " ".join(_TEXT_CONTENT(label).split()))
        if text:
            return text
    return ""


def _chat_urls(tree: etree._Element) -> list[str]:
    """Share/conversation links anywhere in the page (attributes, text, the "saved from"
    comment), plus the canonical and og:url addresses, which name the conversation itself."""
    found: list[str] = []
    for value in tree.xpath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content"):
        found.append(str(value).strip())
    chunks: list[str] = []
    for node in [*tree.itersiblings(preceding=True), *tree.iter()]:
        chunks += [node.text or "", node.tail or ""]
        if isinstance(node.tag, str):
            chunks.extend(node.attrib.values())
    # One scan of all chunks: a link cannot span the line break between two (no \s in it).
    found.extend(match.rstrip("/") for match in _CHAT_URL.findall("\n".join(chunks)))
    return list(dict.fromkeys(url for url in found if url))


def render_text(element: etree._Element) -> str:
    """Markdown-ish text of one element: blank lines between blocks, ``- `` and ``1. `` list
    items, ``#`` headings, ``$..$``/``$$..$$`` LaTeX, fenced code blocks with exact text."""
    code_blocks: list[str] = []
    text = _normalise(_render(element, code_blocks))
    text = text.replace(_INDENT, "  ")
    for index, block in enumerate(code_blocks):
        text = text.replace(_PRE_SLOT.format(index), block)
    return text


def _normalise(text: str) -> str:
    """Trim each line and keep at most one blank line between blocks."""
    lines = [line.strip(" \t") for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def _is_chrome(element: etree._Element) -> bool:
    if element.tag in _SKIPPED_TAGS or element.get("aria-hidden") == "true":
        return True
    marks = f"{element.get('class', '')} {element.get('data-testid', '')}"
    return bool(_CHROME_WORDS.search(marks))


def _render(element: etree._Element, code_blocks: list[str]) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    classes = element.get("class", "").split() if tag else []
    if not tag or _is_chrome(element):
        return ""
    if "katex-display" in classes:
        return f"\n\n$${_latex(element)}$$\n\n"
    if "katex" in classes or "katex-error" in classes or tag == "math":
        display = tag == "math" and element.get("display") == "block"
        return f"$${_latex(element)}$$" if display else f"${_latex(element)}$"
    if "whitespace-pre-wrap" in classes and all(child.tag == "br" for child in element):
        return _render_pre_wrap(element, code_blocks)
    if tag == "pre":
        code_blocks.append(_fenced_code(element))
        return f"\n\n{_PRE_SLOT.format(len(code_blocks) - 1)}\n\n"
    if tag == "br":
        return "\n"
    if tag == "hr":
        return "\n\n---\n\n"
    if tag == "img":
        alt = element.get("alt", "")
        return alt if "emoji" in classes and alt else "[image]"
    if tag in ("ul", "ol"):
        return f"\n\n{_render_list(element, code_blocks)}\n\n"
    if tag == "table":
        return f"\n\n{_render_table(element, code_blocks)}\n\n"
    inner = _render_children(element, code_blocks)
    if tag == "code":
        return f"`{inner.strip()}`"
    if tag in ("strong", "b") and inner.strip():
        return f"**{inner.strip()}**"
    if tag in ("em", "i") and inner.strip():
        return f"*{inner.strip()}*"
    if re.fullmatch(r"h[1-6]", tag):
        return f"\n\n{'#' * int(tag[1])} {_normalise(inner)}\n\n"
    if tag == "blockquote":
        quoted = "\n".join(f"> {line}" for line in _normalise(inner).split("\n"))
        return f"\n\n{quoted}\n\n"
    if tag in _BLOCK_TAGS:
        return f"\n\n{inner}\n\n"
    return inner


def _pre_wrap_text(element: etree._Element) -> str:
    parts = [element.text or ""]
    for child in element:
        parts += ["\n", child.tail or ""]
    return "".join(parts)


def _render_pre_wrap(element: etree._Element, code_blocks: list[str]) -> str:
    """A ``whitespace-pre-wrap`` element (how chat pages show what the user typed): its line
    breaks are the user's, so they are kept, in a slot that whitespace normalisation skips."""
    code_blocks.append("\n".join(line.rstrip() for line in _pre_wrap_text(element).strip("\n").split("\n")))
    return f"\n\n{_PRE_SLOT.format(len(code_blocks) - 1)}\n\n"


def _render_children(element: etree._Element, code_blocks: list[str]) -> str:
    parts = [_inline_text(element.text)]
    for child in element:
        parts.append(_render(child, code_blocks))
        parts.append(_inline_text(child.tail))
    return "".join(parts)


def _inline_text(text: str | None) -> str:
    return re.sub(r"\s+", " ", text) if text else ""


def _latex(element: etree._Element) -> str:
    """The formula's source: KaTeX's TeX annotation, or the raw source KaTeX shows when it
    failed to parse (``katex-error``), or the MathML text as a last resort."""
    annotation = element.xpath(".//*[local-name()='annotation'][@encoding='application/x-tex']")
    if annotation:
        return (annotation[0].text or "").strip()
    mathml = element.xpath(".//*[contains(@class, 'katex-mathml')]") or [element]
    return " ".join(_TEXT_CONTENT(mathml[0]).split())


def _fenced_code(pre: etree._Element) -> str:
    code = pre.find(".//code")
    source = code if code is not None else pre
    language = re.search(r"language-([\w+#-]+)", source.get("class", "")) if code is not None else None
    body = _TEXT_CONTENT(source).strip("\n")
    return f"```{language.group(1) if language else ''}\n{body}\n```"


def _render_list(listing: etree._Element, code_blocks: list[str]) -> str:
    start = listing.get("start", "1").strip()
    number = (int(start) if start.isdigit() else 1) if listing.tag == "ol" else None
    items = []
    for item in listing:
        if item.tag != "li":
            continue
        marker = f"{number}. " if number is not None else "- "
        body = re.sub(r"\n{2,}", "\n", _normalise(_render_children(item, code_blocks)))
        items.append(marker + body.replace("\n", "\n" + _INDENT))
        if number is not None:
            number += 1
    return "\n".join(items)


def _render_table(table: etree._Element, code_blocks: list[str]) -> str:
    """Pipe-table rows; a row of header cells gets the markdown separator line under it."""
    rows = []
    for row in table.iter("tr"):
        cells = [cell for cell in row if cell.tag in ("td", "th")]
        texts = [_normalise(_render_children(cell, code_blocks)).replace("\n", " ") for cell in cells]
        rows.append("| " + " | ".join(texts) + " |")
        if cells and all(cell.tag == "th" for cell in cells):
            rows.append("|" + " --- |" * len(cells))
    return "\n".join(rows)
