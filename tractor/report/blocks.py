"""The report as a list of blocks, rendered to HTML or Markdown from the same content.

Sections build blocks from data; the two renderers only decide presentation, so the HTML page
and the forum post cannot drift apart. Every string that came from the dataset is plain text
here and is escaped by the renderer (HTML entities, or Markdown punctuation / fenced blocks).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Link:
    text: str
    href: str  # "#anchor" inside the report


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class Strong:
    text: str


@dataclass(frozen=True)
class Math:
    """A formula as the model or the answer key wrote it (LaTeX). HTML shows it as MathML,
    converted here by latex2mathml so the page needs no script or font from the network, with
    the source on hover and in the copied text; Markdown shows the source as code."""

    latex: str


Inline = str | Link | Code | Strong | Math


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str = ""


@dataclass(frozen=True)
class Para:
    parts: tuple[Inline, ...]


@dataclass(frozen=True)
class Bullets:
    items: tuple[tuple[Inline, ...], ...]


@dataclass(frozen=True)
class Table:
    """``shade`` gives each body cell a 0..1 intensity (None: unshaded) for the HTML heat colouring."""

    header: tuple[str, ...]
    rows: tuple[tuple[Inline, ...], ...]
    anchor: str = ""
    shade: tuple[tuple[float | None, ...], ...] = ()


@dataclass(frozen=True)
class Figure:
    name: str  # file stem for the Markdown image
    svg: str
    png: bytes
    alt: str


@dataclass(frozen=True)
class Verbatim:
    """Text quoted from a transcript, shown as written (LaTeX, code and all)."""

    text: str
    label: str = ""


@dataclass(frozen=True)
class Card:
    """A collapsible transcript card that links can open."""

    anchor: str
    title: str
    blocks: tuple = field(default_factory=tuple)


def para(*parts: Inline) -> Para:
    return Para(tuple(parts))


# ---------------------------------------------------------------- HTML

_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1100px;margin:2em auto;
     padding:0 1em;color:#1d1d1f}
h1{border-bottom:2px solid #333}
h2{border-bottom:1px solid #ccc;margin-top:2em}
table{border-collapse:collapse;margin:1em 0;font-size:13px;max-width:100%}
th,td{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
#matrix td{white-space:nowrap;text-align:right}
.math{font-size:1.05em}
.math math annotation{display:none}
th{background:#f2f2f2}
code{background:#f4f4f4;padding:0 3px;border-radius:3px}
pre{white-space:pre-wrap;word-wrap:break-word;background:#fafafa;border-left:3px solid #bbb;padding:.5em .8em;
    max-height:30em;overflow:auto}
.label{font-size:12px;color:#555;margin:.6em 0 0}
figure{margin:1em 0}
figure svg{max-width:100%;height:auto}
details{border:1px solid #ddd;border-radius:4px;padding:.3em .8em;margin:.6em 0}
summary{cursor:pointer;font-weight:600}
"""

# Opens the card a link points to (closed <details> would hide the target).
_SCRIPT = """
function openTarget(){var id=decodeURIComponent(location.hash.slice(1));if(!id)return;
var el=document.getElementById(id);if(el&&el.tagName==='DETAILS'){el.open=true;el.scrollIntoView();}}
window.addEventListener('hashchange',openTarget);document.addEventListener('DOMContentLoaded',openTarget);
"""


def to_html(title: str, blocks: list) -> str:
    body = "\n".join([f"<h1>{html.escape(title)}</h1>", *(_html_block(b) for b in blocks)])
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{html.escape(title)}</title>\n<link rel=\"icon\" href=\"data:,\">\n"
        f"<style>{_CSS}</style>\n<script>{_SCRIPT}</script>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _html_inline(parts) -> str:
    out = []
    for p in parts:
        if isinstance(p, Link):
            out.append(f'<a href="{html.escape(p.href)}">{html.escape(p.text)}</a>')
        elif isinstance(p, Code):
            out.append(f"<code>{html.escape(p.text)}</code>")
        elif isinstance(p, Strong):
            out.append(f"<strong>{html.escape(p.text)}</strong>")
        elif isinstance(p, Math):
            out.append(_mathml(p.latex))
        else:
            out.append(html.escape(p))
    return "".join(out)


def _mathml(latex: str) -> str:
    """MathML for ``latex`` with the source as its annotation (what a copy takes) and title
    (what a hover shows); the source as code when latex2mathml cannot read it."""
    import latex2mathml.converter

    source = html.escape(latex)
    try:
        mathml = latex2mathml.converter.convert(latex)
    except Exception:  # noqa: BLE001 - any formula it cannot read is shown as its source
        return f'<code class="tex">{source}</code>'
    inner = mathml[mathml.index(">") + 1:mathml.rindex("</math>")]
    return (f'<span class="math" title="{source}"><math><semantics>{inner}'
            f'<annotation encoding="application/x-tex">{source}</annotation></semantics></math></span>')


def _cell(value) -> tuple:
    return value if isinstance(value, tuple) else (value,)


def _html_block(b) -> str:
    if isinstance(b, Heading):
        anchor = f' id="{html.escape(b.anchor)}"' if b.anchor else ""
        return f"<h{b.level}{anchor}>{html.escape(b.text)}</h{b.level}>"
    if isinstance(b, Para):
        return f"<p>{_html_inline(b.parts)}</p>"
    if isinstance(b, Bullets):
        return "<ul>" + "".join(f"<li>{_html_inline(i)}</li>" for i in b.items) + "</ul>"
    if isinstance(b, Table):
        anchor = f' id="{html.escape(b.anchor)}"' if b.anchor else ""
        head = "".join(f"<th>{html.escape(h)}</th>" for h in b.header)
        rows = []
        for r, row in enumerate(b.rows):
            cells = []
            for c, value in enumerate(row):
                level = b.shade[r][c] if b.shade and c < len(b.shade[r]) else None
                style = f' style="background:{_heat(level)}"' if level is not None else ""
                tag = "th" if c == 0 else "td"
                cells.append(f"<{tag}{style}>{_html_inline(_cell(value))}</{tag}>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        return f"<table{anchor}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    if isinstance(b, Figure):
        return f'<figure id="fig-{html.escape(b.name)}" role="img" aria-label="{html.escape(b.alt)}">{b.svg}</figure>'
    if isinstance(b, Verbatim):
        label = f'<p class="label">{html.escape(b.label)}</p>' if b.label else ""
        return f"{label}<pre>{html.escape(b.text)}</pre>"
    if isinstance(b, Card):
        inner = "\n".join(_html_block(x) for x in b.blocks)
        return f'<details id="{html.escape(b.anchor)}"><summary>{html.escape(b.title)}</summary>\n{inner}\n</details>'
    raise TypeError(f"unknown block {type(b).__name__}")


def _heat(level: float) -> str:
    """White to a saturated blue; text stays readable at the darkest level."""
    level = min(max(level, 0.0), 1.0)
    r, g, b = (round(255 - level * (255 - t)) for t in (110, 160, 230))
    return f"#{r:02x}{g:02x}{b:02x}"


# ---------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def to_markdown(title: str, blocks: list, image_dir: str) -> tuple[str, dict[str, bytes]]:
    """The Markdown text and the image files it references (relative to the text file)."""
    images: dict[str, bytes] = {}
    lines = [f"# {md_escape(title)}", ""]
    for b in blocks:
        lines += _md_block(b, image_dir, images)
    return "\n".join(lines).rstrip() + "\n", images


def _md_inline(parts, in_table: bool = False) -> str:
    """``in_table``: GFM splits cells at any ``|``, even inside a code span, unless escaped."""
    out = []
    for p in parts:
        if isinstance(p, Math):
            p = Code(p.latex)
        if isinstance(p, Code) and in_table:
            p = Code(p.text.replace("|", "\\|"))
        if isinstance(p, Link):
            out.append(f"[{md_escape(p.text)}]({p.href})")
        elif isinstance(p, Code):
            fence = "`" * (max((len(m) for m in re.findall(r"`+", p.text)), default=0) + 1)
            pad = " " if p.text.startswith("`") or p.text.endswith("`") else ""
            out.append(f"{fence}{pad}{p.text.replace(chr(10), ' ')}{pad}{fence}")
        elif isinstance(p, Strong):
            out.append(f"**{md_escape(p.text)}**")
        else:
            out.append(md_escape(p))
    return "".join(out)


def _md_block(b, image_dir: str, images: dict[str, bytes]) -> list[str]:
    if isinstance(b, Heading):
        anchor = [f'<a id="{b.anchor}"></a>', ""] if b.anchor else []
        return anchor + [f"{'#' * b.level} {md_escape(b.text)}", ""]
    if isinstance(b, Para):
        return [_md_inline(b.parts), ""]
    if isinstance(b, Bullets):
        return [f"- {_md_inline(i)}" for i in b.items] + [""]
    if isinstance(b, Table):
        anchor = [f'<a id="{b.anchor}"></a>', ""] if b.anchor else []
        head = "| " + " | ".join(md_escape(h) for h in b.header) + " |"
        rule = "|" + "---|" * len(b.header)
        rows = ["| " + " | ".join(_md_inline(_cell(v), in_table=True) for v in row) + " |" for row in b.rows]
        return anchor + [head, rule, *rows, ""]
    if isinstance(b, Figure):
        path = f"{image_dir}/{b.name}.png"
        images[path] = b.png
        return [f"![{md_escape(b.alt)}]({path})", ""]
    if isinstance(b, Verbatim):
        fence = "~" * max(3, max((len(m) + 1 for m in re.findall(r"~{3,}", b.text)), default=3))
        label = [f"*{md_escape(b.label)}*", ""] if b.label else []
        return label + [f"{fence}text", b.text, fence, ""]
    if isinstance(b, Card):
        out = [f'<a id="{b.anchor}"></a>', "", f"### {md_escape(b.title)}", ""]
        for x in b.blocks:
            out += _md_block(x, image_dir, images)
        return out
    raise TypeError(f"unknown block {type(b).__name__}")
