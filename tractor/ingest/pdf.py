"""PDF posts (browser-printed chat pages, write-ups) read through pdfium's text layer.

pypdfium2 (Apache-2.0/BSD) reads the text, :mod:`.pdf_layout` puts it in reading order with
inline math and code indentation in place, and :mod:`.pdf_tables` puts each table row on one
line. Browser prints add a header (date, page title) and a footer (the page's URL, "2/18") to
every page: those lines are dropped from the text, and the URL, an identity-bearing
conversation link, goes to :attr:`Document.identities`. A damaged file
is repaired in memory with pikepdf (MPL-2.0) when pdfium refuses it; what was recovered is then
returned with :attr:`Document.partial` saying what was lost. Every failure is an
:class:`IngestError` with a message naming the problem, never a library traceback.
"""

from __future__ import annotations

import io
import re
from collections import Counter

from ..errors import IngestError
from ..records import Document
from .pdf_layout import Line, PageText, is_math_font, read_page
from .pdf_tables import merge_tables

_BAND = 0.07  # top and bottom share of the page where print headers and footers sit
_FURNITURE_LINES = 2  # outermost lines per edge that may be a header or footer
# A link is ASCII: it ends at a space, a bracket or quote, or the first non-ASCII character
# (CJK text and full-width punctuation often follow a link with no space).
_URL_CHAR = r"[A-Za-z0-9\-._~:/?#@!$&*+,;=%\[\]]"
_URL = re.compile(rf"https?://(?:{_URL_CHAR}*[A-Za-z0-9/_\-=#%~])?")
_DATE_TIME = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\s*[AP]M\b", re.I)
_PAGE_COUNTER = re.compile(r"(?:^|\s)\d{1,4}\s*/\s*\d{1,4}$|\bpage\s+\d+(\s+of\s+\d+)?\b", re.I)
# Links to a conversation (share pages, chat URLs) identify the student's account.
_CHAT_LINK = re.compile(rf"https?://{_URL_CHAR}+?/(?:share|c|chat|conversations?)/[\w-]{{6,}}"
                        rf"(?:{_URL_CHAR}*[A-Za-z0-9/_\-=#%~])?", re.I | re.A)
# A metadata Creator that is a person ("Jane Q. Doe"), not a program ("Microsoft Word", "Skia").
_PERSON_NAME = re.compile(r"^[A-Z][a-z'-]+(?: [A-Z][a-z'-]*\.?){1,3}$")
# A bare page number ("7") sits a little further in than a browser's footer (LaTeX, Word).
_PAGE_NUMBER_BAND = 0.15
_BARE_NUMBER = re.compile(r"^\s*[-–]?\s*(\d{1,4})\s*[-–]?\s*$")
_PARAGRAPH_PITCH = 1.8  # baseline distance, in ems of the lower line, that means a blank line
_BUBBLE_SHIFT = 4.0  # sideways jump of a prose line's left edge, in ems, that starts a paragraph


def read_pdf(data: bytes, source: str) -> Document:
    """Read one PDF into a :class:`Document` (``format="pdf"``)."""
    if not data:
        raise IngestError("empty file", stage="pdf")
    if b"%PDF-" not in data[:1024]:
        raise IngestError("not a PDF: no %PDF- signature", stage="pdf")
    pdf, damage, expected_pages = _open(data)
    try:
        pages = _read_pages(pdf)
        metadata = {k: str(v).strip() for k, v in pdf.get_metadata_dict(skip_empty=True).items()}
    finally:
        pdf.close()
    readable = [page for page in pages if page is not None and page.lines]
    partial = ""
    if damage:
        lost = "" if expected_pages is None else f" of {expected_pages}"
        partial = f"{damage[0]}: recovered {len(readable)}{lost} pages, {damage[1]}"
    if not readable:
        if damage:
            raise IngestError(f"{damage[0]}: no readable page recovered, {damage[1]}", stage="pdf")
        raise IngestError("no text layer (scanned image?)", stage="pdf")
    body, furniture = _strip_furniture(readable)
    text = _assemble(merge_tables(body, [page.rules for page in readable]))
    links = [url for line in furniture for url in _URL.findall(line)] + _CHAT_LINK.findall(text)
    fonts = set().union(*(page.fonts for page in readable))
    return Document(
        source=source,
        format="pdf",
        text=text,
        title=metadata.get("Title", "") or _title_from_header(furniture),
        metadata=_metadata(metadata, len(pages), fonts, furniture),
        identities=list(dict.fromkeys(links + _people(metadata))),
        partial=bool(partial),
        damage=partial,
    )


def _open(data: bytes):
    """The pdfium document, plus ``(kind, what was lost)`` and the expected page count when it
    had to be repaired first."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        return pdfium.PdfDocument(data), None, None
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise IngestError("encrypted PDF, password required", stage="pdf") from None
    repaired, damage, expected_pages = _repair(data)
    try:
        return pdfium.PdfDocument(repaired), damage, expected_pages
    except pdfium.PdfiumError:
        raise IngestError(f"{damage[0]}: unreadable even after repair, {damage[1]}", stage="pdf") from None


def _repair(data: bytes) -> tuple[bytes, tuple[str, str], int | None]:
    """Let qpdf (through pikepdf) rebuild the cross-reference table from the objects present."""
    import pikepdf

    tail = data[-2048:]
    kind = "truncated PDF" if b"%%EOF" not in tail else "damaged PDF"
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            warnings = " ".join(pdf.get_warnings()).lower()
            count = pdf.Root.get("/Pages", {}).get("/Count")
            expected = int(count) if isinstance(count, int) and count > 0 else None
            out = io.BytesIO()
            pdf.save(out)
    except pikepdf.PasswordError:
        raise IngestError("encrypted PDF, password required", stage="pdf") from None
    except Exception as exc:  # qpdf reports damage through several exception types
        damage = _missing_parts(tail, str(exc).lower())
        raise IngestError(f"{kind}: no pages recoverable, {damage}", stage="pdf") from None
    return out.getvalue(), (kind, _missing_parts(tail, warnings)), expected


def _missing_parts(tail: bytes, report: str) -> str:
    missing = []
    if b"startxref" not in tail or "xref" in report:
        missing.append("cross-reference table")
    if b"trailer" not in tail and "trailer" in report:
        missing.append("trailer")
    return " and ".join(missing) + " missing" if missing else "structure damaged"


def _read_pages(pdf) -> list[PageText | None]:
    """Each page's lines; ``None`` for a page pdfium cannot load (damaged objects)."""
    import pypdfium2 as pdfium

    pages: list[PageText | None] = []
    for index in range(len(pdf)):
        try:
            page = pdf[index]
            textpage = page.get_textpage()
        except pdfium.PdfiumError:
            pages.append(None)
            continue
        try:
            pages.append(read_page(page, textpage))
        finally:
            textpage.close()
            page.close()
    return pages


def _strip_furniture(pages: list[PageText]) -> tuple[list[list[Line]], list[str]]:
    """Split off print headers and footers: among the outermost lines inside the top and bottom
    bands, those repeated on most pages at the same place (digits ignored, so "2/18" matches
    "3/18"), and those that look like a date, a URL or a page counter."""
    def candidates(page: PageText) -> list[Line]:
        top = [ln for ln in page.lines[:_FURNITURE_LINES] if ln.top > page.height * (1 - _BAND)]
        bottom = [ln for ln in page.lines[-_FURNITURE_LINES:] if ln.bottom < page.height * _BAND]
        return top + [ln for ln in bottom if ln not in top]

    def key(line: Line) -> tuple[str, int]:
        return re.sub(r"\d+", "#", line.text), round(line.top)

    repeats = Counter(key(line) for page in pages for line in candidates(page))
    needed = max(2, (len(pages) + 1) // 2)
    body, furniture = [], []
    for number, page in enumerate(pages, start=1):
        outermost = {id(page.lines[0]), id(page.lines[-1])}
        dropped = {id(line) for line in candidates(page)
                   if repeats[key(line)] >= needed or id(line) in outermost and _looks_printed(line.text)}
        dropped |= {id(line) for line in (page.lines[0], page.lines[-1]) if _is_page_number(line, page, number)}
        furniture += [line.text for line in page.lines if id(line) in dropped]
        body.append([line for line in page.lines if id(line) not in dropped])
    return body, furniture


def _is_page_number(line: Line, page: PageText, number: int) -> bool:
    """A page's outermost line holding only its page number (or the next one: a cover page
    may go unnumbered), near the top or bottom edge."""
    match = _BARE_NUMBER.match(line.text)
    near_edge = line.bottom < page.height * _PAGE_NUMBER_BAND or line.top > page.height * (1 - _PAGE_NUMBER_BAND)
    return bool(match) and near_edge and int(match.group(1)) in (number - 1, number, number + 1)


def _looks_printed(text: str) -> bool:
    return bool(_URL.search(text) or _DATE_TIME.search(text) or _PAGE_COUNTER.search(text))


def _assemble(pages: list[list[Line]]) -> str:
    """Lines joined in page order: a blank line where the baseline distance shows a paragraph
    break, and code lines indented by their offset from their block's left edge, counted in
    characters. A code block runs on over page breaks, so a continued block keeps its indents."""
    lines = [(number, line) for number, page in enumerate(pages) for line in page]
    block_left: dict[int, float] = {}
    start = 0
    for i in range(len(lines) + 1):
        if i < len(lines) and lines[i][1].mono_width and i > start \
                and abs(lines[i][1].mono_width - lines[start][1].mono_width) < 0.05 * lines[start][1].mono_width:
            continue
        if start < i and lines[start][1].mono_width:
            left = min(line.left for _, line in lines[start:i])
            block_left.update((k, left) for k in range(start, i))
        start = i
    right_margin: dict[int, float] = {}
    for number, line in lines:
        right_margin[number] = max(right_margin.get(number, 0.0), line.right)
    out: list[str] = []
    for i, (number, line) in enumerate(lines):
        if i and _new_paragraph(lines[i - 1][1], line, lines[i - 1][0] == number,
                                max(right_margin[number], right_margin[lines[i - 1][0]])):
            out.append("")
        indent = round((line.left - block_left[i]) / line.mono_width) if i in block_left else 0
        out.append(" " * indent + line.text)
    return "\n".join(out)


def _new_paragraph(above: Line, line: Line, same_page: bool, right_margin: float) -> bool:
    """A paragraph starts where the baseline distance is large, or at the edge of a
    right-aligned bubble: chat prints set the user's turns that way, often with no extra
    vertical space before the answer. A bubble line is shifted right by several ems and ends
    at the right margin (centred display math is shifted too, but stops short of the margin).
    The bubble test also applies across a page break, where baselines cannot be compared."""
    em = max(line.size, above.size)
    if same_page and above.base - line.base > _PARAGRAPH_PITCH * em:
        return True
    if line.mono_width or above.mono_width or abs(line.left - above.left) <= _BUBBLE_SHIFT * em:
        return False
    shifted = line if line.left > above.left else above
    return right_margin - shifted.right < _BUBBLE_SHIFT * em


def _title_from_header(furniture: list[str]) -> str:
    """A print header reads "11/23/26, 8:49 AM Page title": the title is what is left once the
    date, time and URLs are taken out."""
    for text in furniture:
        rest = _URL.sub("", _DATE_TIME.sub("", _PAGE_COUNTER.sub("", text))).strip(" ,-|")
        if rest and not _BARE_NUMBER.match(rest):
            return rest
    return ""


def _people(metadata: dict[str, str]) -> list[str]:
    names = [metadata.get("Author", "")]
    if _PERSON_NAME.match(metadata.get("Creator", "")):
        names.append(metadata["Creator"])
    return [name for name in names if name]


def _metadata(info: dict[str, str], page_count: int, fonts: set[str],
              furniture: list[str]) -> dict[str, str]:
    meta = {f"pdf_{key.lower()}": value for key, value in info.items()
            if key in ("Producer", "CreationDate") or key == "Creator" and not _PERSON_NAME.match(value)}
    meta["pages"] = str(page_count)
    # The print's own header and footer lines ("Printed using ChatGPT to PDF"), without links:
    # not conversation text, but evidence of the app the chat was printed from.
    kept = dict.fromkeys(_PAGE_COUNTER.sub("", _URL.sub("", line)).strip() for line in furniture)
    if any(kept):
        meta["print_furniture"] = "\n".join(line for line in kept if line)
    if any(map(is_math_font, fonts)):
        # Rendered math: radicals, fraction bars and limits are drawn, not written, so some
        # structure may be missing from the text (a checker must not call such a claim wrong).
        meta["math_lost"] = "1"
    return meta
