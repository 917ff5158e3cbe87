import ctypes
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from tractor.ingest.pdf_layout import _Chars, _runs

PDFS = Path(__file__).resolve().parents[2] / "corpus" / "pdf"


def _first_page(name: str):
    pdf = pdfium.PdfDocument((PDFS / name).read_bytes())
    page = pdf[0]
    return pdf, page, page.get_textpage()


# The glyph boxes and baselines read through the lean (untyped) pdfium handles are the ones
# pypdfium2's typed bindings give, glyph by glyph; runs share one em band and advance rightwards.
@pytest.mark.parametrize("name, glyphs_at_least", [
    ("000_c66c20e44076dd47.pdf", 1000),
    ("001_c77c6757d0383bc8.pdf", 1000),
    ("002_dae959164a571601.rawtex.pdf", 1000),
])
def test_runs_match_typed_bindings(name, glyphs_at_least):
    pdf, page, textpage = _first_page(name)
    runs = _runs(textpage)
    glyphs = [g for run in runs for g in run]
    assert len(glyphs) >= glyphs_at_least
    box = pdfium_c.FS_RECTF()
    for glyph in glyphs:
        assert pdfium_c.FPDFText_GetLooseCharBox(textpage.raw, glyph.index, box)
        assert (glyph.left, glyph.top, glyph.right, glyph.bottom) == \
            (box.left, box.top, box.right, box.bottom)
    for run in runs:
        assert all(g.top == run[0].top and g.bottom == run[0].bottom for g in run)
        assert all(a.left <= b.left for a, b in zip(run, run[1:]))
    chars = _Chars(textpage)
    chars.fill_baselines(glyphs[:50])
    x, y = ctypes.c_double(), ctypes.c_double()
    for glyph in glyphs[:50]:
        pdfium_c.FPDFText_GetCharOrigin(textpage.raw, glyph.index, x, y)
        assert glyph.base == y.value
        assert glyph.font_size == pdfium_c.FPDFText_GetFontSize(textpage.raw, glyph.index)
    textpage.close()
    page.close()
    pdf.close()
