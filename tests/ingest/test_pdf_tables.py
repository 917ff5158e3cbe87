"""PDF tables: rows whose columns a browser print lays side by side come out as one line each,
cells tab-separated; aligned text that is not a table is left alone."""

from functools import lru_cache
from pathlib import Path

import pytest

from tractor.ingest.pdf import read_pdf
from tractor.ingest.pdf_layout import Cell, Line
from tractor.ingest.pdf_tables import merge_tables

PDFS = Path(__file__).resolve().parents[2] / "corpus" / "pdf"


@lru_cache(maxsize=None)
def lines_of(name: str) -> tuple[str, ...]:
    path = PDFS / name
    return tuple(read_pdf(path.read_bytes(), path.name).text.splitlines())


# Real prints: wrapped cells are joined in their own column (a wrapped einsum cell, a bullet
# list in a cell, a row running over a page break whose repeated header is dropped).
@pytest.mark.parametrize("name, row", [
    ("000_c66c20e44076dd47.pdf", "(b)(i)\tReplace sim(q, k) = (q^T k)^2 with (q^T k + 1)^2 .\t"
                                 "The standard degree-2 polynomial kernel includes the bias term +1 ."),
    ("000_c66c20e44076dd47.pdf", 'C\ttorch.einsum("bd,hdq->bhq", x, W_q)\tmultiplies every token (b, d) with the '
                                 "per-head weights (h, d, q) , yielding queries of shape (b, h, q) ."),
    ("000_c66c20e44076dd47.pdf", "(g)\tself.num_heads (given)\tone slice per head when reshaping"),
    ("000_c66c20e44076dd47.rawtex.pdf", "(b)(ii)\tExpand the feature map to include: • a constant \"1\" component, "
                                        "• linear components, • quadratic components (off-diagonals scaled by )\t"
                                        "These extra components are required so that $\\phi(q)^T \\phi(k)$ reproduces "
                                        "the full $(q^T k + 1)^2$ expansion."),
    ("002_dae959164a571601.pdf", "Can be negative\tYes\tRaw dot product without softmax or ReLU\t"
                                 "Yes, as long as not all scores sum to exactly 0"),
    ("002_dae959164a571601.pdf", "6(b)(i)\tsim(q, k) = (q^T k + 1)^2"),
    ("002_dae959164a571601.pdf", "linear: 2q_i k_i\t2\tϕ_i(x) = √2x_i (so √2x_i ⋅ √2x_i = 2x^2_i)"),
    ("002_dae959164a571601.rawtex.pdf", "Total dominant time\t$O(n^2 D + n^2 M)$"),
])
def test_table_rows(name, row):
    assert row in lines_of(name)


# A header repeated at the top of the next page is printing, not a row.
@pytest.mark.parametrize("name, header, count", [
    ("000_c66c20e44076dd47.rawtex.pdf", "Section\tWhat must change\tWhy", 1),
    ("000_c66c20e44076dd47.pdf", "item\tcorrect answer\texplanation", 1),
])
def test_repeated_header_dropped(name, header, count):
    assert lines_of(name).count(header) == count


# Aligned text that is no table stays as it was: code with aligned comments, a list of
# formulas spaced out by \quad, a post with no table at all.
@pytest.mark.parametrize("name, line", [
    ("000_c66c20e44076dd47.pdf", "self.W_k = nn.Linear(d_model, d_model)          # (a)"),
    ("002_dae959164a571601.pdf", "ϕ_{{i}}(x) = √2x_i (for i = 1 to d) → linear terms (√2 so that coefficient becomes 2)"),
    ("002_dae959164a571601.pdf", "ϕ_{{i,j}}(x) = x_i x_j (for 1 ≤ i ≤ j ≤ d) → quadratic terms"),
])
def test_aligned_text_is_not_a_table(name, line):
    assert line in lines_of(name)


def test_post_without_tables_has_no_rows():
    assert not any("\t" in line for line in lines_of("001_c77c6757d0383bc8.pdf"))


def _line(base: float, *cells: tuple[float, str], bold: bool = False) -> Line:
    """A line at baseline ``base`` with cells ``(left, text)``, 10 pt glyphs, 6 pt per char."""
    made = [Cell(text, left, left + 6 * len(text), bold) for left, text in cells]
    return Line(" ".join(c.text for c in made), made[0].left, base + 8, base - 2, base, 10.0,
                right=made[-1].right, cells=made)


HEADER = _line(700, (40, "Part"), (120, "Answer"), (300, "Why"), bold=True)
ROW_1 = _line(678, (40, "(a)"), (120, "s = d"), (300, "variance d"))
WRAPPED = _line(664, (120, "+ 1"), (300, "grows"))
ROW_2 = _line(642, (40, "(b)"), (120, "s = √d"), (300, "unit variance"))
PROSE = _line(610, (30, "A sentence of ordinary prose that runs across the page."))


# Synthetic pages: (lines per page, rules per page, expected text per page).
@pytest.mark.parametrize("pages, rules, expected", [
    # bold header, a wrapped row, prose after the table
    ([[HEADER, ROW_1, WRAPPED, ROW_2, PROSE]], [[]],
     [["Part\tAnswer\tWhy", "(a)\ts = d + 1\tvariance d grows", "(b)\ts = √d\tunit variance", PROSE.text]]),
    # no bold header: a ruled line between rows makes it a table ...
    ([[_line(700, (40, "(a)"), (120, "s = d")), _line(678, (40, "(b)"), (120, "s = √d"))]], [[(34, 400, 690)]],
     [["(a)\ts = d", "(b)\ts = √d"]]),
    # ... an underline starting at the text does not, nor does nothing at all
    ([[_line(700, (40, "(a)"), (120, "s = d")), _line(678, (40, "(b)"), (120, "s = √d"))]], [[(40, 60, 690)]],
     [["(a) s = d", "(b) s = √d"]]),
    ([[_line(700, (40, "(a)"), (120, "s = d")), _line(678, (40, "(b)"), (120, "s = √d"))]], [[]],
     [["(a) s = d", "(b) s = √d"]]),
    # a row running over a page break stays on its first page; the header printed again is dropped
    ([[HEADER, ROW_1], [HEADER, WRAPPED, ROW_2]], [[], []],
     [["Part\tAnswer\tWhy", "(a)\ts = d + 1\tvariance d grows"], ["(b)\ts = √d\tunit variance"]]),
    # a single-cell line after a row gap ends the table
    ([[HEADER, ROW_1, _line(650, (40, "Note"))]], [[]], [["Part\tAnswer\tWhy", "(a)\ts = d\tvariance d", "Note"]]),
])
def test_merge_tables(pages, rules, expected):
    assert [[line.text for line in page] for page in merge_tables(pages, rules)] == expected
