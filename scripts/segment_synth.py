"""Render the synthetic posts of data/segment/synthetic/parts.jsonl and label their blocks.

    python scripts/segment_synth.py   # (re)write the rendered posts and their rows in blocks.jsonl

Each post is a list of labelled parts (user / assistant / annotation / summary) and a layout
(speaker labels, "Thought for" markers). Its ``renders`` say which texts to make from it:

* ``markdown``: the parts as written (the way a text or markdown post reads);
* ``print``: the way the PDF reader gives a browser print of the same chat: markdown markup
  gone (headings, bold, bullets, fences), math as the Unicode glyphs a print keeps
  ("(q^⊤ k)/s", radicals lost), tables as tab-separated rows, prose hard-wrapped at the page
  width and each prompt one narrow bubble paragraph;
* ``tex``: a print whose math was shown as TeX source (``$...$`` kept).

A block takes the label of the part its first line came from. Posts written before the
renderer existed (no ``markdown`` render listed) keep the rows they were labelled with.
"""

from __future__ import annotations

import json
import re
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tractor.segment.blocks import split_blocks  # noqa: E402

SYNTHETIC = ROOT / "data" / "segment" / "synthetic"
BLOCKS_PATH = ROOT / "data" / "segment" / "blocks.jsonl"
SUFFIX = {"markdown": "", "print": ".print", "tex": ".tex"}
PAGE_WIDTH, BUBBLE_WIDTH = 100, 66
_GLYPHS = {"top": "⊤", "sum": "∑", "prod": "∏", "in": "∈", "le": "≤", "leq": "≤", "ge": "≥",
           "geq": "≥", "neq": "≠", "approx": "≈", "to": "→", "rightarrow": "→", "infty": "∞",
           "cdot": "⋅", "times": "×", "ldots": "…", "dots": "…", "cdots": "⋯", "mid": "∣",
           "odot": "⊙", "otimes": "⊗", "sim": "∼", "partial": "∂", "nabla": "∇", "alpha": "α",
           "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "theta": "θ", "lambda": "λ",
           "mu": "μ", "sigma": "σ", "phi": "ϕ", "psi": "ψ", "omega": "ω", "pi": "π", "eta": "η",
           "tau": "τ", "Sigma": "Σ", "Phi": "Φ", "ell": "ℓ", "prime": "′"}
_WRAPPER_RE = re.compile(r"\\(?:text|mathrm|mathbb|mathbf|mathcal|operatorname|sqrt|boldsymbol"
                         r"|hat|bar|tilde|vec)\{([^{}]*)\}")
_FRAC_RE = re.compile(r"\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}")
_MATH_RE = re.compile(r"\$\$(.+?)\$\$|\$([^$\n]+)\$", re.DOTALL)


def glyphs(latex: str) -> str:
    """What a KaTeX print's text layer keeps of ``latex``: glyphs, flattened scripts."""
    text = latex
    for _ in range(4):  # innermost first: \frac{\sqrt{d}}{2}
        text = _WRAPPER_RE.sub(r"\1", text)
        text = _FRAC_RE.sub(lambda m: "/".join(_grouped(part) for part in m.groups()), text)
    text = re.sub(r"\\(?:left|right|big|Big)\b\s*", "", text)
    text = re.sub(r"\\[,;:!]|\\q?quad\b", " ", text)
    text = re.sub(r"\\([A-Za-z]+)", lambda m: _GLYPHS.get(m.group(1), m.group(1)), text)
    text = re.sub(r"([\^_])\{(\w|⊤)\}", r"\1\2", text)
    return re.sub(r"\s+", " ", text).strip()


def _grouped(term: str) -> str:
    return term if len(term) == 1 else f"({term})"


def printed(markdown: str, keep_tex: bool, bubble: bool) -> str:
    """``markdown`` as the PDF reader gives a browser print of it (see the module docstring)."""
    paragraphs, code = [], False
    for chunk in re.split(r"\n\s*\n", markdown.strip()):
        lines, verbatim = [], code
        for line in chunk.splitlines():
            if re.match(r"\s*```", line):
                language = line.strip().strip("`")
                code, verbatim = not code, True
                if code and language:
                    lines.append(language)
                continue
            if code:
                lines.append(line)
                continue
            if re.match(r"\s*\|?\s*:?-{3,}", line):
                continue  # a markdown table's rule row
            line = re.sub(r"\*\*|__|`", "", line)
            if line.strip().startswith("|"):
                verbatim = True
                lines.append("\t".join(cell.strip() for cell in line.strip().strip("|").split("|")))
                continue
            line = re.sub(r"^\s*(?:#{1,6}\s+|[-*]\s+|>\s?)", "", line)
            line = re.sub(r"(?<![\w*])\*(\S[^*]*?)\*(?![\w*])", r"\1", line)
            line = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", line)
            lines.append(line)
        text = "\n".join(lines)
        if not keep_tex:
            text = _MATH_RE.sub(lambda m: glyphs(m.group(1) or m.group(2)), text)
        if not verbatim:  # prose is hard-wrapped line by line (list items stay lines)
            width = BUBBLE_WIDTH if bubble else PAGE_WIDTH
            text = "\n".join(wrapped for line in text.splitlines()
                              for wrapped in textwrap.wrap(line, width, break_long_words=False))
        paragraphs.append(text)
    return "\n".join(paragraphs) if bubble else "\n\n".join(paragraphs)


def render(post: dict, mode: str) -> tuple[str, list[tuple[int, str]]]:
    """The post's text in ``mode`` and (start offset, label) of each part in it."""
    layout, pieces, starts = post["layout"], [], []
    offset, last_role = 0, ""
    for number, (label, content) in enumerate(post["parts"]):
        if mode != "markdown":
            content = printed(content, mode == "tex", bubble=label == "user")
        head = ""
        if label in ("user", "assistant") and label != last_role:
            if label == "assistant" and layout.get("marker") and last_role == "user":
                head = f"Thought for {5 + 7 * number % 40}s >\n\n"
            name = layout.get(label, "")
            if name:
                head += f"{name} " if layout.get("inline") and label == "user" else f"{name}\n\n"
            last_role = label
        starts.append((offset + len(head), label))
        piece = head + content
        pieces.append(piece)
        offset += len(piece) + 2
    return "\n\n".join(pieces) + "\n", starts


def labelled_rows(post_id: str, text: str, starts: list[tuple[int, str]]) -> list[dict]:
    """One blocks.jsonl row per block of ``text``, labelled by the part it starts in."""
    rows, cursor = [], 0
    for block in split_blocks(text):
        first = block.text.strip().splitlines()[0].strip()
        cursor = text.index(first, cursor)
        label = [label for start, label in starts if start <= cursor][-1]
        rows.append({"post": post_id, **block.__dict__, "label": label})
        cursor += len(first)
    return rows


def main() -> None:
    posts = [json.loads(line) for line in (SYNTHETIC / "parts.jsonl").read_text().splitlines()]
    made = {post["post"] + SUFFIX[mode]: (post, mode) for post in posts
            for mode in post.get("renders", [])}
    kept = [line for line in BLOCKS_PATH.read_text(encoding="utf-8").splitlines()
            if json.loads(line)["post"] not in made]
    for post_id, (post, mode) in made.items():
        text, starts = render(post, mode)
        (SYNTHETIC / f"{post_id}.txt").write_text(text, encoding="utf-8")
        rows = labelled_rows(post_id, text, starts)
        kept += [json.dumps(row, ensure_ascii=False) for row in rows]
    BLOCKS_PATH.write_text("\n".join(kept) + "\n", encoding="utf-8")
    print(f"rendered {len(made)} posts; {len(kept)} labelled blocks")


if __name__ == "__main__":
    main()
