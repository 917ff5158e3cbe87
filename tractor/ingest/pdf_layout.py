"""Page layout for the PDF reader: pdfium's per-character boxes turned into lines of text.

Why not ``get_text_range``: pdfium returns text in content-stream order, and browser-printed
KaTeX math is drawn after the line it sits in, so inline math, superscripts and fraction parts
end up at the end of the block. Here every glyph is placed by its box instead: glyphs are grouped
into lines by vertical overlap and ordered by x; spaces come from horizontal gaps; smaller glyphs
raised or lowered against the line's baseline become ``^x`` / ``_{ij}``; glyphs above and below
a fraction bar (a thin ruled path) become ``(num)/(den)``, glyphs under a radical's path ``√(x)``,
and a path around math that cannot be rebuilt leaves :data:`LOST_MATH` before that math;
a monospace line keeps its advance width, so code indentation can be rebuilt. A gap wider
than any word space splits a line into :class:`Cell` pieces, from which :mod:`.pdf_tables`
rebuilds tables whose columns a browser print lays side by side (after print headers and
footers are gone, since a table may run over a page break).

Each pdfium call costs about a microsecond, so the loop asks only for what it needs: one em box
per glyph, baselines and font sizes only on lines whose glyphs differ in size (the only ones
that can hold scripts), a font name once per run of same-band glyphs or when a candidate needs
checking, and vector paths only on pages where a math font was seen. The calls made once per
glyph or per page object go through :func:`_lean` handles, which skip pypdfium2's typed-pointer
checks (those cost more than the call itself).
"""

from __future__ import annotations

import ctypes
import re
import statistics
import struct
from dataclasses import dataclass, field
from functools import cache
from operator import attrgetter

from ..notation.marks import LOST_MATH
from .pdf_tables import may_hold_table

# Fonts that only ever draw math: KaTeX, MathJax, TeX's math fonts (CM italic/symbols/extension,
# AMS), Latin Modern/STIX/Cambria math. Seeing one means rendered math whose structure a text
# layer cannot fully keep.
_MATH_FONT = re.compile(r"^(katex_|mathjax|mjx|cmmi|cmsy|cmex|cmbsy|msam|msbm|eufm|rsfs|"
                        r"stixmath|stixtwomath|latinmodernmath|lmmath|cambriamath|cambria-math)",
                        re.I)
# TeX's text fonts also draw the digits and letters inside math (x^2's "2" is CMR7).
_TEX_TEXT_FONT = re.compile(r"^(cmr|cmbx|cmti|lmroman|sfrm)", re.I)
_FIXED_PITCH_FLAG = 1  # PDF font descriptor flag bit 1 (FixedPitch)
_CHAR_FIXES = str.maketrans({"\ufffe": "-", "\u00ad": "-"})  # pdfium marks a line-end hyphen as U+FFFE
_SURROGATE = re.compile("[\ud800-\udfff]")  # a UTF-16 half: how pdfium lists an emoji
_RECT = struct.Struct("4f")  # FS_RECTF: left, top, right, bottom

_SCRIPT_SIZE = 0.85  # a script glyph is at most this fraction of the line's main size
_SCRIPT_SHIFT = 0.06  # ... and its baseline moves by more than this many ems
_WORD_GAP = 0.12  # a horizontal gap wider than this many ems is a space
_COLUMN_GAP = 0.8  # ... and wider than this many, a gap between table columns
_BOLD_FONT = re.compile(r"bold|black|heavy|demi", re.I)  # "LiberationSans-Bold", "Inter-SemiBold"
_RULE_THICKNESS = 1.5  # points: thicker paths are not fraction bars
_CURVED_PATH = 8  # segments: a radical sign is drawn with many, a box or bar with few


def is_math_font(name: str) -> bool:
    return bool(_MATH_FONT.match(name.replace(" ", "")))


@cache
def _lean(name: str):
    """pdfium's function ``name`` taking and returning plain addresses (ints) where pypdfium2's
    binding has typed pointers: the same C call without the per-call argument type checks."""
    import pypdfium2.raw as pdfium_c

    typed = getattr(pdfium_c, name)
    plain = [ctypes.c_void_p if issubclass(t, ctypes._Pointer) else t for t in typed.argtypes]
    restype = typed.restype
    if restype is not None and issubclass(restype, ctypes._Pointer):
        restype = ctypes.c_void_p
    return ctypes.CFUNCTYPE(restype, *plain)(ctypes.cast(typed, ctypes.c_void_p).value)


def _address(pointer) -> int:
    return ctypes.cast(pointer, ctypes.c_void_p).value


# Glyph fields read in whole-line passes (``map`` over these runs in C, a generator in Python).
_LEFT, _RIGHT, _TOP, _BOTTOM, _SIZE = map(attrgetter, ("left", "right", "top", "bottom", "size"))


@dataclass(slots=True)
class Glyph:
    """One drawn character (or a rebuilt fraction/radical): its em box, advance-wide and
    font-size tall, in points; ``base`` (the baseline) is read only when a line needs it."""

    char: str
    index: int  # pdfium's character index, for font look-ups
    left: float
    right: float
    bottom: float
    top: float
    size: float  # em box height; varies a little with the font's ascent and descent
    base: float | None = None
    font_size: float = 0.0  # the size the glyph is set in, read with ``base``
    unit: bool = False  # a rebuilt fraction or radical: never a script itself


@dataclass
class Cell:
    """A piece of a line between gaps wider than words leave: in a table, one column's text on
    that line. ``bold`` says whether it starts in a bold font (table headers are set bold)."""

    text: str
    left: float
    right: float
    bold: bool = False


@dataclass
class Line:
    """One line of a page, text in reading order; ``mono_width`` is the advance of one character
    when the line is set in a monospace font (code), else 0. ``cells`` are its pieces (one for a
    line without wide gaps and for code); ``row`` marks a table row rebuilt from several lines,
    whose text holds its cells separated by tabs."""

    text: str
    left: float
    top: float
    bottom: float
    base: float  # baseline of the line's first glyph
    size: float  # em size of the line's first glyph
    mono_width: float = 0.0
    right: float = 0.0  # right edge of the line's last glyph
    cells: list[Cell] = field(default_factory=list)
    row: bool = False


@dataclass
class PageText:
    """A page's lines and fonts; ``rules`` are its thin horizontal paths ``(x0, x1, y)``, read
    only when lines in columns may form a table (table borders tell a table from aligned text)."""

    lines: list[Line]
    height: float
    fonts: set[str] = field(default_factory=set)
    rules: list[tuple[float, float, float]] = field(default_factory=list)


@dataclass
class _Shapes:
    """Vector paths that carry math structure: fraction bars (x0, x1, y) and radical signs
    (x0, x1, bottom, top, clipped to what is drawn); ``others`` are the remaining paths that are
    not rules (boxes, bullets, icons, a radical drawn with few segments), same form."""

    rules: list[tuple[float, float, float]] = field(default_factory=list)
    radicals: list[tuple[float, float, float, float]] = field(default_factory=list)
    others: list[tuple[float, float, float, float]] = field(default_factory=list)


class _Chars:
    """Per-character look-ups on one text page that are too costly to make for every glyph."""

    def __init__(self, textpage):
        import pypdfium2.raw as pdfium_c

        self._pdfium = pdfium_c
        self._raw = textpage.raw
        self._address = _address(textpage.raw)
        self._buffer = ctypes.create_string_buffer(256)
        self._flags = ctypes.c_int()
        self._xy = (ctypes.c_double * 2)()
        self._fonts: dict[int, tuple[str, bool]] = {}

    def font(self, index: int) -> tuple[str, bool]:
        """Font name without the subset prefix ("ABCDEF+"), and whether it is fixed-pitch."""
        if index not in self._fonts:
            needed = self._pdfium.FPDFText_GetFontInfo(self._raw, index, self._buffer,
                                                       len(self._buffer), self._flags)
            name = self._buffer.value.decode("latin-1") if 0 < needed <= len(self._buffer) else ""
            self._fonts[index] = (name.split("+", 1)[-1], bool(self._flags.value & _FIXED_PITCH_FLAG))
        return self._fonts[index]

    def is_math(self, index: int) -> bool:
        name = self.font(index)[0]
        return is_math_font(name) or bool(_TEX_TEXT_FONT.match(name))

    def fill_baselines(self, glyphs: list[Glyph]) -> None:
        get_origin, get_size = _lean("FPDFText_GetCharOrigin"), _lean("FPDFText_GetFontSize")
        raw, xy = self._address, self._xy
        x, y = ctypes.addressof(xy), ctypes.addressof(xy) + ctypes.sizeof(ctypes.c_double)
        for glyph in glyphs:
            if glyph.base is None:
                get_origin(raw, glyph.index, x, y)
                glyph.base = xy[1]
                glyph.font_size = get_size(raw, glyph.index)


def read_page(page, textpage) -> PageText:
    """The lines of one page, top to bottom, plus the names of the fonts seen on it."""
    runs = _runs(textpage)
    chars = _Chars(textpage)
    fonts = {chars.font(run[0].index)[0] for run in runs}
    shapes = None
    if any(map(is_math_font, fonts)):
        shapes = _math_shapes(page)
        runs = _collapse_shapes(runs, shapes, chars)
    lines = [_build_line(line, chars) for line in _cluster_lines(runs)]
    rules = (shapes or _math_shapes(page)).rules if may_hold_table(lines) else []
    return PageText(lines=lines, height=page.get_height(), fonts=fonts, rules=rules)


def _runs(textpage) -> list[list[Glyph]]:
    """Glyphs in pdfium's order, cut into runs that share one em band (same font, size and
    baseline) and advance left to right: the units that line grouping then places."""
    import pypdfium2.raw as pdfium_c

    raw = textpage.raw
    count = textpage.count_chars()
    text = textpage.get_text_range()
    if len(text) != count:  # characters outside UCS-2: ask per character
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, i)) for i in range(count))
    text = text.translate(_CHAR_FIXES)
    has_pairs = _SURROGATE.search(text) is not None
    box = pdfium_c.FS_RECTF()
    get_box, unpack = _lean("FPDFText_GetLooseCharBox"), _RECT.unpack_from
    address, out = _address(raw), ctypes.addressof(box)
    runs: list[list[Glyph]] = []
    run: list[Glyph] = []
    last_top = last_bottom = last_left = None
    for index, char in enumerate(text):  # runs for every glyph: plain locals, no look-ups
        if char.isspace() or char == "\x00" or not get_box(address, index, out):
            continue  # spaces are rebuilt from gaps; pdfium also invents some
        if has_pairs and "\ud800" <= char <= "\udfff":  # pdfium lists an emoji as two UTF-16 halves
            char = _join_surrogates(text[index:index + 2]) if char <= "\udbff" else ""
            if not char:
                continue
        left, top, right, bottom = unpack(box)
        glyph = Glyph(char, index, left, right, bottom, top, top - bottom)
        if top == last_top and bottom == last_bottom and left >= last_left:
            run.append(glyph)
        else:
            run = [glyph]
            runs.append(run)
        last_top, last_bottom, last_left = top, bottom, left
    return runs


def _join_surrogates(pair: str) -> str:
    return pair.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "ignore")


def _cluster_lines(runs: list[list[Glyph]]) -> list[list[Glyph]]:
    """Runs whose em bands overlap vertically by half the smaller band form one line. The
    line's band is its tallest run's, so raised scripts join it but never chain lines."""
    lines: list[list[Glyph]] = []
    low = high = 0.0
    for run in sorted(runs, key=lambda r: -(r[0].bottom + r[0].top)):
        bottom, top = run[0].bottom, run[0].top
        if lines and min(high, top) - max(low, bottom) >= 0.5 * min(high - low, top - bottom):
            lines[-1].extend(run)
            if top - bottom > high - low:
                low, high = bottom, top
            continue
        lines.append(list(run))
        low, high = bottom, top
    return lines


def _build_line(glyphs: list[Glyph], chars: _Chars) -> Line:
    glyphs.sort(key=_LEFT)
    first = glyphs[0]
    top, bottom = max(map(_TOP, glyphs)), min(map(_BOTTOM, glyphs))
    chars.fill_baselines([first])
    if chars.font(first.index)[1] and chars.font(glyphs[-1].index)[1]:
        width = statistics.median(g.right - g.left for g in glyphs)
        text = _join_monospace(glyphs, width)
        return Line(text, first.left, top, bottom, first.base, first.size, mono_width=width,
                    right=glyphs[-1].right, cells=[Cell(text, first.left, glyphs[-1].right)])
    if min(map(_SIZE, glyphs)) < 0.95 * max(map(_SIZE, glyphs)):  # mixed fonts or sizes
        chars.fill_baselines(glyphs)
    pieces = _column_pieces(glyphs)
    if len(pieces) == 1:
        text, right = _render(glyphs, chars), max(map(_RIGHT, glyphs))
        return Line(text, first.left, top, bottom, first.base, first.size, right=right,
                    cells=[Cell(text, first.left, right)])
    cells = [Cell(_render(piece, chars), piece[0].left, max(map(_RIGHT, piece)),
                  bool(_BOLD_FONT.search(chars.font(piece[0].index)[0]))) for piece in pieces]
    return Line(" ".join(cell.text for cell in cells), first.left, top, bottom, first.base, first.size,
                right=cells[-1].right, cells=cells)


def _column_pieces(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs sorted by x, cut where the gap is wider than any space between words."""
    cuts = [0]
    right, size = glyphs[0].right, glyphs[0].size
    for i in range(1, len(glyphs)):  # runs for every line: no per-glyph function calls
        glyph = glyphs[i]
        em = glyph.size if glyph.size > size else size
        if glyph.left - right > _COLUMN_GAP * em:
            cuts.append(i)
            right = glyph.right
        elif glyph.right > right:
            right = glyph.right
        size = glyph.size
    return [glyphs[a:b] for a, b in zip(cuts, cuts[1:] + [len(glyphs)])]


def _join_monospace(glyphs: list[Glyph], width: float) -> str:
    """Code: every gap becomes as many spaces as characters would fit in it."""
    out = [glyphs[0].char]
    for prev, glyph in zip(glyphs, glyphs[1:]):
        gap = glyph.left - prev.right
        if gap > _WORD_GAP * glyph.size:
            out.append(" " * max(1, round(gap / width)))
        out.append(glyph.char)
    return "".join(out)


def _render(glyphs: list[Glyph], chars: _Chars) -> str:
    """Text of glyphs sorted by x, script groups written as ``^x`` / ``_{xy}``. Groups are
    rendered recursively, so a superscript's own subscript keeps its place."""
    out: list[str] = []
    right: float | None = None  # where the text so far ends
    size = 0.0
    after_script = False
    for kind, group in _script_parts(glyphs, chars):
        if kind:
            inner = _render(group, chars)
            out.append(("^" if kind > 0 else "_") + (inner if len(inner) == 1 else "{" + inner + "}"))
            right = max(right or group[-1].right, *(g.right for g in group))
            after_script = True
            continue
        for glyph in group:  # runs for every glyph: the larger size without a call to max
            em = glyph.size if glyph.size > size else size
            if right is not None and (glyph.left - right > _WORD_GAP * em
                                      or after_script and glyph.char[0].isalnum()):
                out.append(" ")  # after a script, "q^T k" must not read as "q^Tk"
            out.append(glyph.char)
            right, size, after_script = glyph.right, glyph.size, False
    return "".join(out)


def _script_parts(glyphs: list[Glyph], chars: _Chars) -> list[tuple[int, list[Glyph]]]:
    """Split glyphs into runs on the main baseline (0), raised (+1) and lowered (-1). Only
    smaller glyphs set in a math or TeX font count as scripts, so a UI badge drawn a little
    higher in prose is left alone. A main glyph under or over a script run (``∼`` under "iid")
    is moved before the run."""
    if any(g.base is None for g in glyphs):  # baselines unread: one size throughout, no scripts
        return [(0, glyphs)]
    big = max(map(_SIZE, glyphs))
    biggest = max(g.font_size for g in glyphs)
    main_base = statistics.median(g.base for g in glyphs if g.font_size >= _SCRIPT_SIZE * biggest or g.unit)
    parts: list[tuple[int, list[Glyph]]] = []
    for glyph in glyphs:
        shift = glyph.base - main_base
        kind = 0
        if not glyph.unit and glyph.font_size < _SCRIPT_SIZE * biggest and abs(shift) > _SCRIPT_SHIFT * big:
            kind = 1 if shift > 0 else -1
        if len(parts) >= 2 and kind and parts[-2][0] == kind and parts[-1][0] == 0 \
                and glyph.left - parts[-2][1][-1].right < _WORD_GAP * glyph.size:
            parts[-2], parts[-1] = parts[-1], parts[-2]  # the script runs on over the main glyph
        if parts and parts[-1][0] == kind:
            parts[-1][1].append(glyph)
        else:
            parts.append((kind, [glyph]))
    return [(kind if kind == 0 or chars.is_math(group[0].index) else 0, group)
            for kind, group in parts]


def _collapse_shapes(runs: list[list[Glyph]], shapes: _Shapes, chars: _Chars) -> list[list[Glyph]]:
    """Replace the glyphs of each fraction and radical by one glyph holding their rebuilt text,
    innermost (narrowest) first, before lines are formed: a display fraction's numerator and
    denominator sit on lines of their own, and the unit lands on the line of its fraction bar."""
    import numpy as np

    units: list[Glyph] = []
    marks: list[Glyph] = []
    removed: set[int] = set()
    # Each run's band, as arrays: finding the runs near a shape is one vector test per shape.
    tops, bottoms, sizes = (np.array([getter(run[0]) for run in runs], dtype=float)
                            for getter in (_TOP, _BOTTOM, _SIZE))
    bars = [(x1 - x0, "bar", x0, x1, y, y) for x0, x1, y in shapes.rules]
    signs = [(x1 - x0, "sign", x0, x1, b, t) for x0, x1, b, t in shapes.radicals]
    for _, kind, x0, x1, low, high in sorted(bars + signs):
        near = [runs[i] for i in np.flatnonzero((tops > low - 1.5 * sizes)
                                                & (bottoms < high + 1.5 * sizes))]  # a run shares one band
        pool = [g for g in [*(g for run in near for g in run), *units] if id(g) not in removed
                and g.left >= x0 - 0.1 * g.size and g.right <= x1 + 0.1 * g.size
                and g.top > low - 1.5 * g.size and g.bottom < high + 1.5 * g.size]
        if kind == "bar":
            em = max((g.size for g in pool), default=0.0)
            upper = [g for g in pool if -0.1 * g.size < g.bottom - low < 0.8 * em]
            lower = [g for g in pool if -0.8 * em < g.top - low < 0.1 * g.size]
            parts = upper + lower
        else:  # the sign takes the path's left part: the radicand starts well right of it
            parts = [g for g in pool
                     if g.left >= x0 + 0.3 * (high - low) and 2 * low < g.bottom + g.top < 2 * high]
            upper = lower = []
        if not parts or not chars.is_math(parts[0].index) or kind == "bar" and not _is_fraction(
                upper, lower, x1 - x0, chars):
            if kind == "sign" and (mark := _lost_mark(x0, x1, low, high, near, removed, chars)):
                marks.append(mark)
            continue
        chars.fill_baselines(parts)
        if kind == "bar":
            text = f"{_wrap(_render(_by_x(upper), chars))}/{_wrap(_render(_by_x(lower), chars))}"
        else:
            text = "√" + _wrap(_render(_by_x(parts), chars))
        size = max(g.size for g in parts)
        font_size = max(g.font_size for g in parts)
        # A fraction bar sits on the math axis, a quarter em above the baseline.
        base = low - 0.25 * size if kind == "bar" else max(parts, key=lambda g: g.size).base
        units.append(Glyph(text, parts[0].index, x0, x1, base - 0.25 * size, base + 0.75 * size, size,
                           base, font_size, unit=True))
        removed.update(id(g) for g in parts)
    for x0, x1, low, high in shapes.others:
        near = [runs[i] for i in np.flatnonzero((tops > low) & (bottoms < high))]
        if mark := _lost_mark(x0, x1, low, high, [*near, units], removed, chars):
            marks.append(mark)
    if not units and not marks:
        return runs
    kept = [[g for g in run if id(g) not in removed] for run in runs]
    return [run for run in kept if run] + [[u] for u in units + marks if id(u) not in removed]


def _lost_mark(x0: float, x1: float, low: float, high: float, near: list[list[Glyph]],
               removed: set[int], chars: _Chars) -> Glyph | None:
    """A ``LOST_MATH`` glyph where a path that may be a radical could not be rebuilt, so a
    reader of the text knows that spot lost its structure (``s = \\sqrt{d}`` must not read
    ``s = d`` unmarked). It counts when math glyphs sit where a radicand would (inside the path,
    right of the sign) and nothing else does: a chat bubble or a rounded code box holds prose
    or code, a tall brace's extender holds only the brace beside it. Rules that are not
    fraction bars are left alone: table borders and underlines far more often than overlines."""
    inside = [g for run in near for g in run if id(g) not in removed
              and x0 <= (g.left + g.right) / 2 <= x1 and low <= (g.bottom + g.top) / 2 <= high]
    radicand = [g for g in inside if g.left >= x0 + 0.3 * (high - low)]
    if not radicand or not all(chars.is_math(g.index) for g in inside):
        return None
    first = min(radicand, key=lambda g: g.left)
    return Glyph(LOST_MATH, first.index, min(x0, first.left), first.left, first.bottom, first.top,
                 first.size, first.base, first.font_size, unit=True)


def _is_fraction(upper: list[Glyph], lower: list[Glyph], width: float, chars: _Chars) -> bool:
    """Math on both sides of a bar about as wide as the wider side: not a table border or a
    horizontal rule under a formula."""
    if not (upper and lower and chars.is_math(upper[0].index) and chars.is_math(lower[0].index)):
        return False
    span = max(max(g.right for g in side) - min(g.left for g in side) for side in (upper, lower))
    return width <= span + max(g.size for g in upper + lower)


def _by_x(glyphs: list[Glyph]) -> list[Glyph]:
    return sorted(glyphs, key=_LEFT)


def _wrap(text: str) -> str:
    return text if len(text) == 1 else f"({text})"


def _math_shapes(page) -> _Shapes:
    """Fraction bars and radical signs among the page's top-level vector paths."""
    import pypdfium2.raw as pdfium_c

    shapes = _Shapes()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    get_object, get_type = _lean("FPDFPage_GetObject"), _lean("FPDFPageObj_GetType")
    address = _address(page.raw)
    for i in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        if get_type(get_object(address, i)) != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue  # most objects are text: only paths are looked at through typed handles
        obj = pdfium_c.FPDFPage_GetObject(page.raw, i)
        if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        x0, x1, y0, y1 = left.value, right.value, bottom.value, top.value
        if y1 - y0 < _RULE_THICKNESS and x1 - x0 > 2 * (y1 - y0):
            shapes.rules.append((x0, x1, (y0 + y1) / 2))
        elif pdfium_c.FPDFPath_CountSegments(obj) > _CURVED_PATH:
            shapes.radicals.append(_clip(obj, x0, x1, y0, y1, pdfium_c))
        elif not _is_rectangle(obj, pdfium_c):
            shapes.others.append(_clip(obj, x0, x1, y0, y1, pdfium_c))
    return shapes


def _is_rectangle(obj, pdfium_c) -> bool:
    """Every point of the path on a corner of its own box: a frame (``\\boxed``, a cell), not
    a radical, whose check mark has points along its box's sides."""
    x, y, points = ctypes.c_float(), ctypes.c_float(), []
    for s in range(pdfium_c.FPDFPath_CountSegments(obj)):
        if pdfium_c.FPDFPathSegment_GetPoint(pdfium_c.FPDFPath_GetPathSegment(obj, s), x, y):
            points.append((x.value, y.value))
    if not points:
        return False
    xs, ys = {p[0] for p in points}, {p[1] for p in points}
    corners_x, corners_y = (min(xs), max(xs)), (min(ys), max(ys))
    return all(min(abs(px - c) for c in corners_x) < 0.5 and min(abs(py - c) for c in corners_y) < 0.5
               for px, py in points)


def _clip(obj, x0: float, x1: float, y0: float, y1: float, pdfium_c) -> tuple[float, ...]:
    """Bounds cut to the path's clip rectangle: KaTeX draws a radical's bar very long and
    clips it to the radicand's width."""
    clip = pdfium_c.FPDFPageObj_GetClipPath(obj)
    if not clip or pdfium_c.FPDFClipPath_CountPaths(clip) < 1:
        return x0, x1, y0, y1
    xs, ys, x, y = [], [], ctypes.c_float(), ctypes.c_float()
    for s in range(pdfium_c.FPDFClipPath_CountPathSegments(clip, 0)):
        if pdfium_c.FPDFPathSegment_GetPoint(pdfium_c.FPDFClipPath_GetPathSegment(clip, 0, s), x, y):
            xs.append(x.value)
            ys.append(y.value)
    if not xs:
        return x0, x1, y0, y1
    return max(x0, min(xs)), min(x1, max(xs)), max(y0, min(ys)), min(y1, max(ys))
