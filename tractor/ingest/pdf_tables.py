"""Tables in a printed document, rebuilt row by row from lines laid out in columns.

A browser prints a table's cells side by side, and a cell that wraps goes on in its own column
on the next lines, so read line by line the columns interleave: "Replace sim(q, k) = (q^T k)^2
with | The standard ... includes the" / "(q^T k + 1)^2 . | bias term +1 .". Here each row comes
out as one line, its cells separated by tabs and each cell's wrapped text joined, which is what
the extractor reads as a table row (the first cell after the label is the answer).

A table is a run of consecutive lines whose pieces (:class:`~.pdf_layout.Cell`, split at gaps
wider than words) each lie inside one of the columns that its first line's pieces start.
Aligned text is not a table by itself (code comments, ``x = 1  (for i = 1..d)`` lists, limits
of sums): the run also needs at least two rows and either a bold header over a body that is not
bold, or a ruled line between two rows. A row starts where the baseline distance to the lines
above is wider than a wrapped line's (cells are padded); it must fill the first column and
another one. A table runs on over a page break, where the print repeats its header (dropped
here) and a row starts with any line that fills the first column and another one.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .pdf_layout import Line

    Rule = tuple[float, float, float]  # a thin horizontal path: x0, x1, y
    Member = tuple[int, Line, list[int]]  # page number, line, column of each of its cells

_START_SLACK = 0.5  # ems a cell's left edge may stray left of its column's start (code padding)
_ROW_PITCH = 1.8  # ems from baseline to baseline that separate rows (wrapped lines: ~1.4; rows: ~2.2)


def may_hold_table(lines: list[Line]) -> bool:
    """Whether a page has a line in columns followed by one that fits them: only then are its
    ruled lines worth reading."""
    return any(len(line.cells) > 1 and _columns_of(below, [cell.left for cell in line.cells]) is not None
               for line, below in zip(lines, lines[1:]))


def merge_tables(pages: list[list[Line]], rules: list[list[Rule]]) -> list[list[Line]]:
    """Each page's lines (top to bottom) with every table replaced by one line per row, put on
    the page where the row starts. ``rules[n]`` are page ``n``'s thin horizontal paths."""
    flat = [(number, line) for number, page in enumerate(pages) for line in page]
    out: list[list[Line]] = [[] for _ in pages]
    i = 0
    while i < len(flat):
        number, line = flat[i]
        found = _table_at(flat, i, rules) if len(line.cells) > 1 else None
        if found is None:
            out[number].append(line)
            i += 1
            continue
        rows, i = found
        for row in rows:
            out[row[0][0]].append(_row_line(row))
    return out


def _table_at(flat: list[tuple[int, Line]], start: int, rules: list[list[Rule]]):
    """``(rows, index after the table)`` for the table whose first line is ``flat[start]``, or
    None when no table starts there."""
    page, head = flat[start]
    columns = [cell.left for cell in head.cells]
    rows: list[list[Member]] = [[(page, head, list(range(len(columns))))]]
    row_base = head.base  # lowest baseline of the current row on the current page
    repeat: int | None = None  # lines of the header seen again at the top of the current page
    end = start + 1
    for k in range(start + 1, len(flat)):
        number, line = flat[k]
        slots = _columns_of(line, columns)
        if slots is None:
            break
        if number != page:
            page, repeat = number, 0
        header = rows[0]
        if repeat is not None and repeat < len(header) and _texts(line) == _texts(header[repeat][1]):
            repeat, end = repeat + 1, k + 1
            continue
        fills_row = slots[0] == 0 and len(set(slots)) > 1
        if repeat is not None:  # first line on a new page: no baseline to compare with
            repeat, starts_row = None, fills_row
        elif row_base - line.base > _ROW_PITCH * rows[-1][0][1].size:
            if not fills_row:
                break
            starts_row = True
        else:
            starts_row = False
        if starts_row:
            rows.append([])
        row_base = min(row_base, line.base) if rows[-1] and rows[-1][-1][0] == page else line.base
        rows[-1].append((number, line, slots))
        end = k + 1
    if len(rows) < 2 or not (_bold_header(rows) or _ruled(rows, columns[0], rules)):
        return None
    return rows, end


def _texts(line: Line) -> list[str]:
    return [cell.text for cell in line.cells]


def _columns_of(line: Line, columns: list[float]) -> list[int] | None:
    """Index of the column each cell of ``line`` falls in, None if one fits no column: it starts
    left of the table or runs into the next column. A cell may start inside its column (an
    indented list item), and two may share one (math spaced out by ``\\quad``)."""
    slots: list[int] = []
    for cell in line.cells:
        slot = sum(cell.left >= x - _START_SLACK * line.size for x in columns) - 1
        if slot < 0 or slot + 1 < len(columns) and cell.right > columns[slot + 1]:
            return None
        slots.append(slot)
    return slots


def _bold_header(rows: list[list[Member]]) -> bool:
    header, body = rows[0][0][1], rows[1][0][1]
    return all(cell.bold for cell in header.cells) and not all(cell.bold for cell in body.cells)


def _ruled(rows: list[list[Member]], left: float, rules: list[list[Rule]]) -> bool:
    """A thin horizontal path reaching left of the first column (an underline starts at its
    text) in the white space between two rows on one page."""
    for above, below in zip(rows, rows[1:]):
        (page, upper, _), (lower_page, lower, _) = above[-1], below[0]
        if page == lower_page and any(x0 < left - 1 and x1 > left and lower.base < y < upper.base
                                      for x0, x1, y in rules[page]):
            return True
    return False


def _row_line(row: list[Member]) -> Line:
    """One line holding the row's cells, tab-separated, each cell's wrapped pieces joined."""
    width = max(max(slots) for _, _, slots in row) + 1
    pieces: list[list[str]] = [[] for _ in range(width)]
    for _, line, slots in row:
        for cell, slot in zip(line.cells, slots):
            pieces[slot].append(cell.text)
    lines = [line for _, line, _ in row]
    on_first_page = [line for number, line, _ in row if number == row[0][0]]
    return replace(lines[0], text="\t".join(map(_join_wrapped, pieces)),
                   top=max(line.top for line in on_first_page), bottom=min(line.bottom for line in on_first_page),
                   base=min(line.base for line in on_first_page), right=max(line.right for line in lines),
                   mono_width=0.0, cells=[], row=True)


def _join_wrapped(pieces: list[str]) -> str:
    """A cell's lines joined by spaces; a word broken after its hyphen ("off-" / "diagonals")
    is joined back without one."""
    text = ""
    for piece in pieces:
        text += piece if not text or text.endswith("-") and text[-2:-1].isalpha() else " " + piece
    return text
