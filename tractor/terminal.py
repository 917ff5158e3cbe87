"""Tables for the terminal: as wide as the terminal, cells wrapped rather than cut.

A claim or a detail can be long or span several lines (a code answer); cut at a fixed width it
lost what mattered, and a newline inside a cell broke the table's rows. Here each cell's
whitespace is flattened and the widest columns are narrowed until the table fits the width,
their cells wrapped onto as many lines as they need.
"""

from __future__ import annotations

import shutil
import textwrap

GAP = "  "
MIN_WIDTH = 8  # a wrapped column is never narrower than this (or its header)


def terminal_width(default: int = 100) -> int:
    """The terminal's width (``COLUMNS`` when set), ``default`` when output is not a terminal."""
    return shutil.get_terminal_size((default, 24)).columns


def table(header: tuple[str, ...], rows: list[tuple[str, ...]], width: int | None = None) -> str:
    """``header`` and ``rows`` as aligned columns within ``width`` characters (the terminal's by
    default), long cells wrapped; a row's continuation lines leave the other columns blank."""
    width = width or terminal_width()
    cells = [tuple(" ".join(str(v).split()) for v in row) for row in rows]
    widths = [max([len(header[i])] + [len(r[i]) for r in cells]) for i in range(len(header))]
    floor = [max(len(h), min(w, MIN_WIDTH)) for h, w in zip(header, widths)]
    room = width - len(GAP) * (len(header) - 1)
    while sum(widths) > room:  # narrow the widest column, one character at a time
        shrinkable = [i for i in range(len(widths)) if widths[i] > floor[i]]
        if not shrinkable:
            break
        widths[max(shrinkable, key=lambda i: (widths[i], -i))] -= 1
    lines = [_line(header, widths), _line(tuple("-" * w for w in widths), widths)]
    for row in cells:
        wrapped = [textwrap.wrap(v, w, break_long_words=True, break_on_hyphens=False) or [""]
                   for v, w in zip(row, widths)]
        for k in range(max(len(c) for c in wrapped)):
            lines.append(_line(tuple(c[k] if k < len(c) else "" for c in wrapped), widths))
    return "\n".join(lines)


def _line(values: tuple[str, ...], widths: list[int]) -> str:
    return GAP.join(v.ljust(w) for v, w in zip(values, widths)).rstrip()
