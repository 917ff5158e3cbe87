"""Drawn math shapes in the PDF reader: a radical's path is rebuilt into ``√``, and a path around
math that cannot be rebuilt leaves the LOST_MATH mark, so a verifier never reads ``s = d`` for a
printed ``s = √d``. Synthetic glyph boxes (an em of 10 points) stand in for pdfium's."""

from functools import lru_cache
from pathlib import Path

import pytest

from tractor.ingest.pdf import read_pdf
from tractor.ingest.pdf_layout import Glyph, _collapse_shapes, _render, _Shapes
from tractor.notation.marks import LOST_MATH

PDFS = Path(__file__).resolve().parents[2] / "corpus" / "pdf"
MATH, PROSE = 1, 2  # fake character indices: set in a math font, or not


class FakeChars:
    """The look-ups ``_collapse_shapes`` makes, answered from the glyphs themselves."""

    def is_math(self, index: int) -> bool:
        return index == MATH

    def fill_baselines(self, glyphs):
        for glyph in glyphs:
            if glyph.base is None:
                glyph.base, glyph.font_size = glyph.bottom + 2.0, glyph.size


def line(text: str, index: int = MATH, left: float = 100.0) -> list[Glyph]:
    """One run of glyphs on the baseline y=502, six points apart; spaces skip a slot."""
    return [Glyph(ch, index, left + 6 * i, left + 6 * i + 5, 500.0, 510.0, 10.0)
            for i, ch in enumerate(text) if ch != " "]


def text_of(runs) -> str:
    glyphs = sorted((g for run in runs for g in run), key=lambda g: g.left)
    FakeChars().fill_baselines(glyphs)
    return _render(glyphs, FakeChars())


# "s = d" with a path from x 119 over the "d" (x 124..129): a radical with many segments is rebuilt, any
# other path holding only math marks the spot; frames around prose and empty paths change nothing.
@pytest.mark.parametrize("radicals, others, index, expected", [
    ([(119.0, 136.0, 499.0, 512.0)], [], MATH, "s = √d"),
    ([], [(119.0, 136.0, 499.0, 512.0)], MATH, f"s = {LOST_MATH}d"),
    ([], [(119.0, 136.0, 499.0, 512.0)], PROSE, "s = d"),  # a box around prose: not math
    ([], [(60.0, 80.0, 499.0, 512.0)], MATH, "s = d"),  # a bullet left of the line
    ([], [], MATH, "s = d"),  # no path at all: nothing was drawn, nothing lost
])
def test_drawn_shapes(radicals, others, index, expected):
    runs = [line("s = d", index)]
    shapes = _Shapes(radicals=radicals, others=others)
    assert text_of(_collapse_shapes(runs, shapes, FakeChars())) == expected


@lru_cache(maxsize=None)
def read(name: str):
    return read_pdf((PDFS / name).read_bytes(), name)


# The sample prints: every radical's path is rebuilt and the frames of boxed answers, code
# blocks, bubbles and bullets are not mistaken for lost math, so no mark appears; the model's
# "s = d" in 000 is printed without a radical, and the TeX-source print shows its source.
@pytest.mark.parametrize("name, present", [
    ("000_c66c20e44076dd47.pdf", "\ns = d\n"),
    ("000_c66c20e44076dd47.pdf", "leading to s = √d ."),
    ("001_c77c6757d0383bc8.pdf", "Memory_{softmax} = O(N^2 + N(D + M))"),  # inside a \boxed frame
    ("000_c66c20e44076dd47.rawtex.pdf", "$$s = d$$"),
    ("002_dae959164a571601.pdf", "exp(q^T k/√D)"),
])
def test_samples_keep_radicals_without_marks(name, present):
    text = read(name).text
    assert present in text and LOST_MATH not in text
