"""The course retrospective: one self-contained HTML page (or a Markdown post with PNG files)
built from a dataset folder.

Entry point: :func:`build_report`. The page needs no network when viewed: CSS and the small
script are inline, figures are inline SVG, and the data it shows is written into the page. The
same dataset always gives the same bytes (fixed SVG ids, no dates), so a report can be diffed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import TractorError

FORMATS = ("html", "md")
TITLE = "LLMs on the homework: course retrospective"
# The steps ``on_step`` is called with, in order (a progress bar can use len(REPORT_STEPS)).
REPORT_STEPS = ("load", "run header", "key findings", "correctness matrix", "label heatmaps", "dynamics",
                "labels", "disagreements", "transcript cards", "methods", "write")


# Sections of the short Markdown summary (a forum post): the rest is in the HTML page.
SUMMARY_STEPS = ("run header", "key findings", "correctness matrix")


def build_report(dataset: Path, out: Path, fmt: str = "html", on_step: Callable[[str], None] = lambda _: None,
                 label_definitions: dict[str, str] | None = None, full: bool = False) -> Path:
    """Write the report for the dataset folder ``dataset`` to ``out`` and return ``out``.

    ``fmt="md"`` writes a short summary for a forum post (run, key findings, the correctness
    table, and where the HTML page is); with ``full`` it writes every section, with the figures as
    PNG files in ``<out stem>_files/`` next to it.
    ``label_definitions`` defaults to :func:`tractor.label.definitions`. Raises
    :class:`~tractor.errors.DatasetError` for a folder that is not a dataset or lacks a config.
    """
    from . import details, sections
    from .blocks import Bullets, Code, Figure, Heading, Link, para, to_html, to_markdown
    from ..dataset.view import load_dataset_folder

    if fmt not in FORMATS:
        raise TractorError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
    on_step("load")
    ds = load_dataset_folder(dataset, label_definitions)
    steps = [
        ("run header", lambda: sections.run_header(ds)),
        ("key findings", lambda: sections.key_findings(ds)),
        ("correctness matrix", lambda: sections.correctness_matrix(ds, fmt)),
        ("label heatmaps", lambda: sections.label_heatmaps(ds, fmt)),
        ("dynamics", lambda: sections.dynamics(ds, fmt)),
        ("labels", lambda: details.label_sections(ds)),
        ("disagreements", lambda: details.disagreements(ds)),
        ("transcript cards", lambda: details.transcript_cards(ds)),
        ("methods", lambda: sections.methods(ds)),
    ]
    summary = fmt == "md" and not full
    body = []
    for name, build in steps:
        on_step(name)
        if not summary or name in SUMMARY_STEPS:
            body += build()
    if summary:
        body = _unlink_missing([b for b in body if not isinstance(b, Figure)]) + [
            Heading(2, "The full report", "full-report"),
            para("Figures, every label with examples, where students and the verifier disagree, what stayed "
                 "unverified, and the transcripts are in the HTML report: ",
                 Code(f"tractor report {Path(dataset)} --out {Path(out).with_suffix('.html').name}"),
                 " writes it (one file, viewable offline); ", Code("--format md --full"),
                 " writes all of it as Markdown.")]
    contents = Bullets(tuple((Link(b.text, f"#{b.anchor}"),) for b in body
                             if getattr(b, "level", 0) == 2 and b.anchor))
    blocks = [contents, *body]
    on_step("write")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "html":
        out.write_text(to_html(TITLE, blocks), encoding="utf-8")
        return out
    image_dir = f"{out.stem}_files"
    text, images = to_markdown(TITLE, blocks, image_dir)
    for rel, data in images.items():
        (out.parent / rel).parent.mkdir(parents=True, exist_ok=True)
        (out.parent / rel).write_bytes(data)
    out.write_text(text, encoding="utf-8")
    return out


def _unlink_missing(blocks: list) -> list:
    """The summary's links to sections it leaves out (a label, a transcript card) become plain
    text: a forum post must not hold links that go nowhere."""
    from dataclasses import replace

    from .blocks import Bullets, Link, Para, Table

    anchors = {f"#{b.anchor}" for b in blocks if getattr(b, "anchor", "")}

    def inline(parts):
        return tuple(p.text if isinstance(p, Link) and p.href not in anchors else p for p in parts)

    def cell(value):
        return inline(value) if isinstance(value, tuple) else inline((value,))[0]

    out = []
    for b in blocks:
        if isinstance(b, Para):
            b = Para(inline(b.parts))
        elif isinstance(b, Bullets):
            b = Bullets(tuple(inline(item) for item in b.items))
        elif isinstance(b, Table):
            b = replace(b, rows=tuple(tuple(cell(v) for v in row) for row in b.rows))
        out.append(b)
    return out
