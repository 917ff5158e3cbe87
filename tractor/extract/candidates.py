"""Where answers sit in a span of text, and how much each place counts.

Every extractor reads the same candidates: math segments (``$$..$$``, ``$..$``, ``\\[..\\]``,
``\\(..\\)``, ``<math>``, LaTeX pasted into a code fence, ``\\boxed{..}``) and lines, each with a
rank. "Within one attempt the final stated answer wins": the pick is the candidate with the
highest rank, then the highest role, the last one among equals. Ranks: boxed > answer (an
"Answer:" line, the line after "Final answer ...:", a table row's answer cell) > display >
inline > plain text. Roles (:func:`role_at`) read the words around a candidate on its line: a
conclusion ("so / therefore / hence / the total is ...") beats the steps before it, and an
aside (in parentheses, or after "not / vs / instead of / compared with / would be ...") loses
to the answer it comments on: "computing QK^T costs O(N^2 D) ..., so time is O(N^2(D+M))" is
judged on the last bound, "[1, 4, 3] (not [0, 3, 4], the key)" on the first vector.
In a table row only the first cell after the label counts (later cells are explanations), and
of a cell that states a change ("Replace A with B", "Change A to B", "A should be B") only B,
the new value: A is what it replaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..answer_key import PART_LETTER, ROMAN as _ROMAN

BOXED, ANSWER, DISPLAY, INLINE, TEXT = 4, 3, 2, 1, 0
ASIDE, STEP, CONCLUSION = -1, 0, 1  # roles
MAX_BOXED_CHARS = 400
RANK_NAMES = {BOXED: "boxed", ANSWER: "answer", DISPLAY: "display", INLINE: "inline", TEXT: "text"}

_FENCE = re.compile(r"```[^\n]*\n(.*?)(?:```|\Z)", re.S)
_MATH = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\$([^$\n]+?)\$|\\\((.+?)\\\)|<math>(.+?)</math>", re.S)
_ANSWER_LINE = re.compile(r"(?i)^[\s\-*#>]*(?:\*\*)?(?:final\s+)?answer\b|^[\s\-*]*(?:\*\*)?(?:time|space|memory)\s*:")
_FINAL_INTRO = re.compile(r"(?i)^[\s\-*#>_]*final\s+answer\b[^\n]*:\s*[*_]*\s*$")
_FINAL_WINDOW = 12  # lines
# a PDF line that starts with math: "V^′ = ...", "s = √d", "E[q^T k] = ...", "ϕ(x) = ..."
_LEADING_MATH = re.compile(r"\s*(?:[A-Za-z](?:[_^'′(\[]|\s*=)|[^A-Za-z0-9\s])")
# a line that only announces the conclusion ("Therefore" / "O(d^2 + bd + bnd/h)"): the math under
# it is the answer, later comparisons ("Compared with MHA's O(...)") are not
_CONCLUSION = re.compile(r"(?i)^[\s*_#>]*(?:therefore|hence|thus|so|finally|in summary|overall)[\s*_]*[,:.]?[\s*_]*$")
_ANSWER_INTRO = re.compile(r"(?i)(?:answer|write|result|summary)[^.\n]*:\s*[*_]*\s*$")
# a table cell stating a change, the new value last: "Replace A with B", "Change A to B", "A should be B"
_CHANGE = re.compile(r"(?i)\b(?:replace|substitute)\s+(?P<replaced>.+?)\s+(?:with|by)\s+(?=\S)"
                     r"|\bchange\s+(?P<changed>.+?)\s+(?:to|into)\s+(?=\S)"
                     r"|^\s*(?P<subject>.+?)\s+(?:should|must)\s+(?:be|become|read)\s+(?=\S)")


@dataclass(frozen=True)
class Candidate:
    text: str  # the math (LaTeX) or line text
    rank: int
    pos: int  # offset in the span, for "last one wins"
    line: str  # the line (or table cell) it sits in, for context words
    value: str = ""  # what an extractor read from it (a parsed value, a canonical form)
    role: int = STEP  # ASIDE, STEP or CONCLUSION: see role_at


def best(cands):
    """Highest rank, then highest role, then last: the final stated answer."""
    return max(cands, key=lambda c: (c.rank, c.role, c.pos), default=None)


def ranked(cands):
    """Every candidate, the preferred one first (the order of :func:`best`)."""
    return sorted(cands, key=lambda c: (c.rank, c.role, c.pos), reverse=True)


# Words that make what follows them on the line a comment on the answer, not the answer: a
# rejected alternative, a comparison, a hypothetical ("not [0, 3, 4]", "vs O(N^2 D) for softmax",
# "an h-fold reduction of the O(bnd) term", "the MHA version would be ...").
_ASIDE_WORDS = re.compile(r"(?i)\b(?:not|vs_?|versus|instead|rather|compared|comparison|unlike|whereas|would|"
                          r"reduction|improvement|than|down\s+from|up\s+from|as\s+in|e_g_|for\s+example|wrong|"
                          r"incorrect|mistaken)\b")
# Words that make what follows them the conclusion of the steps before it.
_CONCLUDING = re.compile(r"(?i)\b(?:so|therefore|hence|thus|total|overall|finally|final|altogether|in\s+all|"
                         r"i_e_|that\s+is|giving|gives|yields?|which\s+is|simplif\w*|reduces?\s+to)\b"
                         r"|\\therefore|\\implies|\\Rightarrow|=>|⇒")
# a value worked out for one size, after the general answer: "for $d = 64$, $s = 8$"; an index
# range ("for $i = 1, \dots, D$") is no instance
_INSTANCE = re.compile(r"\b(?i:for|with|when|at|if|taking|plugging\s+in|setting|substituting)\s+[$(]?\s*"
                       r"(?![ij]\b)[A-Za-z](?:_\{?\w+\}?)?\s*=\s*-?\d[\d{}]*(?:\{,\}\d+|,\d{3})*(?!\s*,\s*(?:\\[lc]?dots|…|\.\.))")
_INSTANCE_AFTER = re.compile(r"[$)\s]*(?i:for|when|at|if)\s+[$(]?\s*(?![ij]\b)[A-Za-z](?:_\{?\w+\}?)?\s*=\s*-?\d")
_ABBREVIATION = re.compile(r"(?i)\b(?:e\.g|i\.e|cf|resp|vs|approx)\.")
_ASIDE_REACH = 5  # words: "it is not hard to see that the output is ..." is no aside
_CLAUSE_BREAK = re.compile(r"[,;:(—–]|\.\s|\s-\s|\s(?:and|but|while)\s")
_SENTENCE_BREAK = re.compile(r"[.!?]\s|;|\n")
_DELIMITED = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$|\\\(.+?\\\)|`[^`\n]*`")


def role_at(text: str, start: int, prev_end: int | None = None, end: int | None = None) -> int:
    """Role of a candidate starting at ``start`` (ending at ``end``, when known) in ``text``,
    from the words around it on its line: ASIDE inside parentheses opened before it, when its
    clause holds a comparing word ("not", "vs", "instead of", "would be") in its last few words,
    or when it is a numeric instance ("for $d = 64$" before or right after it); CONCLUSION when
    the words since the previous candidate (``prev_end``; else the sentence start) hold a
    concluding word ("so", "hence", "the total is"), else STEP. Math and code spans are masked
    so their own parentheses and letters do not count."""
    line_start, line_end = _line_bounds(text, start)
    raw = _ABBREVIATION.sub(lambda m: m[0].replace(".", "_"), text[line_start:start])
    before = _DELIMITED.sub(lambda m: "#" * len(m[0]), raw)
    before = before.replace("\\(", "##").replace("\\)", "##")
    if before.count("(") > before.count(")"):
        return ASIDE
    clause = _CLAUSE_BREAK.split(before)[-1]
    if _ASIDE_WORDS.search(" ".join(clause.split()[-_ASIDE_REACH:])):
        return ASIDE
    if _INSTANCE.search(_SENTENCE_BREAK.split(raw)[-1]):
        return ASIDE
    if end is not None and _INSTANCE_AFTER.match(text[end:line_end]):
        return ASIDE
    since = before if prev_end is None or prev_end < line_start else before[prev_end - line_start:]
    since = _SENTENCE_BREAK.split(since)[-1]
    return CONCLUSION if _CONCLUDING.search(since) else STEP


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def _is_table_row(line: str) -> bool:
    s = line.strip()
    return s.startswith("|") or "\t" in s


def _cell_bounds(line: str) -> tuple[int, int] | None:
    """Offsets (within the line) of a table row's first cell after the label."""
    seps = [m.start() for m in re.finditer(r"\||\t", line)]
    if line.strip().startswith("|"):
        seps = seps[1:]
    if not seps:
        return None
    return seps[0] + 1, seps[1] if len(seps) > 1 else len(line)


def _answer_cell(line: str) -> tuple[int, int] | None:
    """Offsets of a table row's answer cell: the first cell after the label; of a cell that
    states a change, the part after "with" / "to" / "should be"."""
    bounds = _cell_bounds(line)
    change = _change(line[bounds[0]:bounds[1]]) if bounds else None
    return (bounds[0] + change[0], bounds[1]) if change else bounds


def _change(cell: str) -> tuple[int, str] | None:
    """Where the new value starts in a cell that states a change, and the name it gives a value
    to ("" if none): the left side of the replaced equation ("Replace sim(q, k) = (q^T k)^2 with
    (q^T k + 1)^2" -> sim(q, k)), or the math subject of "should be"; only for undelimited (PDF)
    math. Connecting words inside math segments do not count."""
    masked = _MATH.sub(lambda m: "#" * len(m[0]), cell)
    m = _CHANGE.search(masked)
    if m is None:
        return None
    old = cell[m.start(m.lastgroup):m.end(m.lastgroup)]
    if _MATH.search(old):  # delimited math: its segments are candidates of their own
        return m.end(), ""
    if m.lastgroup == "subject":
        name = old.strip() if not any(_is_word(tok) for tok in old.split()) else ""
    else:
        runs = math_runs(old)
        name = runs[0].split(" = ")[0] if runs else ""
    return m.end(), name


def line_rank(text: str, pos: int) -> tuple[int, str] | None:
    """Rank of the line holding ``pos`` and its counted text; None when ``pos`` is in a table
    row's explanation cells."""
    start, end = _line_bounds(text, pos)
    line = text[start:end]
    if _is_table_row(line):
        cell = _answer_cell(line)
        if cell and not cell[0] <= pos - start < cell[1] + 1:
            return None
        return ANSWER, line[cell[0]:cell[1]] if cell else line
    if _ANSWER_LINE.search(line):
        return ANSWER, line
    prev = text[:start].rstrip("\n")
    prev_line = prev[prev.rfind("\n") + 1:]
    # a PDF prints math without its delimiters: "Answer (g):" / "[O(d^2 + bd + (bnd)/h)]"
    starts_with_math = re.match(r"\s*(?:\$|\\\[|`|\\boxed)", line) or _LEADING_MATH.match(line)
    intro = prev_line if prev_line.strip() else prev.rstrip()[prev.rstrip().rfind("\n") + 1:]
    if starts_with_math and (_ANSWER_INTRO.search(intro) or _CONCLUSION.match(intro)):
        return ANSWER, line
    if starts_with_math and _after_final_intro(prev):
        return ANSWER, line
    return INLINE, line


def _after_final_intro(before: str) -> bool:
    """Whether a "Final answer ...:" line closes one of the last few lines of ``before``: the
    math under it may come after a sentence ("Final answer for 6(b)(iii):" / "Applying phi
    row-wise, the attention becomes" / "$$V' = ...$$" / "or in matrix form:" / "$$...$$")."""
    return any(_FINAL_INTRO.search(line) for line in before.split("\n")[-_FINAL_WINDOW:])


def fences(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m[1]) for m in _FENCE.finditer(text)]


def _looks_latex(code: str) -> bool:
    return bool(re.search(r"\\(?:frac|boxed|begin|sum|phi|text|mathbb|sqrt|alpha|mu|quad)", code)) and \
        not re.search(r"^\s*(?:def |class |import |self\.)", code, re.M)


def math_candidates(text: str) -> list[Candidate]:
    """Math segments of ``text`` with their ranks; boxed contents are extra candidates."""
    out: list[Candidate] = []
    code_spans = fences(text)
    for start, end, body in code_spans:
        if _looks_latex(body):
            out.append(Candidate(body, DISPLAY, start, body))
    math_spans = []
    for start, end, latex, display in _math_segments(text):
        if any(s <= start < e for s, e, _ in code_spans):
            continue
        math_spans.append((start, end))
        ranked = line_rank(text, start)
        if ranked is None:
            continue
        rank, line = ranked
        line_start, line_end = _line_bounds(text, start)
        # inline math alone on its line is displayed; followed by a sentence it is inline
        # ("$s = \sqrt{d}$. Wait, ..., so actually $s = d$." is one line of steps)
        display = display or (text[line_start:start].strip() == ""
                              and re.fullmatch(r"[\s.,;:!]*", text[min(end, line_end):line_end]) is not None)
        if rank == INLINE and display:
            rank = DISPLAY
        prev_end = max((e for s, e in math_spans[:-1] if e <= start), default=None)
        out.append(Candidate(latex, rank, start, line, role=role_at(text, start, prev_end, end)))
    for cand in list(out):
        for inner in boxed_contents(cand.text):
            out.append(Candidate(inner, BOXED, cand.pos, cand.line, role=cand.role))
    return out + _bare_boxed(text, code_spans + math_spans)


def _math_segments(text: str) -> list[tuple[int, int, str, bool]]:
    """``(start, end, latex, display)`` of every delimited math segment, including inline math a
    PDF wrapped onto the next line: a line left with an odd number of ``$`` whose next line
    also has one ("... holds: $V'_i = ... /" / "\\phi(Q_i)^T ...)$")."""
    out = [(m.start(), m.end(), next(g for g in m.groups() if g is not None), m[1] is not None or m[2] is not None)
           for m in _MATH.finditer(text)]
    lines = [(m.start(), m[0]) for m in re.finditer(r"^.*$", text, re.M)]
    for (start, line), (next_start, next_line) in zip(lines, lines[1:]):
        if _single_dollars(line) % 2 and _single_dollars(next_line) % 2 and next_line.strip():
            opening, closing = start + line.rindex("$"), next_start + next_line.index("$")
            if not any(s <= opening < e for s, e, _, _ in out):
                out.append((opening, closing + 1, text[opening + 1:closing].replace("\n", " "), False))
    return sorted(out)


def _single_dollars(line: str) -> int:
    return line.replace("$$", "").count("$")


def _bare_boxed(text: str, taken: list[tuple]) -> list[Candidate]:
    """``\\boxed{..}`` outside any math delimiters: a print of a chat page that showed its
    LaTeX raw loses the ``\\[`` and ``$`` but keeps the box."""
    out = []
    for m in re.finditer(r"\\boxed\s*\{", text):
        if any(span[0] <= m.start() < span[1] for span in taken):
            continue
        for inner in boxed_contents(text[m.start():m.start() + 2 * MAX_BOXED_CHARS])[:1]:
            start, end = _line_bounds(text, m.start())
            out.append(Candidate(inner, BOXED, m.start(), text[start:end]))
    return out


def boxed_contents(latex: str) -> list[str]:
    """The argument of every ``\\boxed{...}`` (balanced braces)."""
    out = []
    for m in re.finditer(r"\\boxed\s*\{", latex):
        depth, i = 1, m.end()
        while i < len(latex) and depth:
            depth += {"{": 1, "}": -1}.get(latex[i], 0)
            i += 1
        out.append(latex[m.end():i - 1] if depth == 0 else latex[m.end():])
    return out


def plain_lines(text: str) -> list[Candidate]:
    """Lines outside code fences and math, for Unicode (PDF) math and prose answers; of a table
    row, its answer cell. A cell that gives a named value a new one ("Replace sim(q, k) = (q^T
    k)^2 with (q^T k + 1)^2") reads as the new equation ("sim(q, k) = (q^T k + 1)^2")."""
    code_spans = fences(text)
    out = []
    for m in re.finditer(r"[^\n]+", text):
        if any(s <= m.start() < e for s, e, _ in code_spans):
            continue
        bounds = _cell_bounds(m[0]) if _is_table_row(m[0]) else None
        change = _change(m[0][bounds[0]:bounds[1]]) if bounds else None
        pos = m.start() + (bounds[0] + (change[0] if change else 0) if bounds else 0)
        ranked = line_rank(text, pos)
        if ranked:
            rank, line = ranked
            if change and change[1] and "=" not in line:
                line = f"{change[1]} = {line.strip()}"
            out.append(Candidate(line, rank if rank == ANSWER else TEXT, pos, line))
    return out


def plain_equations(text: str) -> list[Candidate]:
    """Equations in prose lines (PDF text has no ``$``): one candidate per :func:`math_runs` run."""
    return [Candidate(run, c.rank, c.pos + i / 100, c.line)
            for c in plain_lines(text) for i, run in enumerate(math_runs(c.text))]


_LABEL_TOKEN = re.compile(rf"^\d{{0,2}}\(?[{PART_LETTER}]\)(?:\({_ROMAN}\))*$")
_MATH_WORDS = {"Var", "Cov", "sim", "exp", "log", "max", "min", "softmax", "sqrt", "vec", "Time", "Space"}


def _is_word(token: str) -> bool:
    """An English word ends a run of math; a Greek letter spelled out ("mu^T mu") does not."""
    from ..notation.latex import SPELLED_GREEK

    bare = token.strip(".,;:!?")
    return (bare.isalpha() and len(bare) >= 2 and bare not in _MATH_WORDS and bare.isascii()
            and bare not in SPELLED_GREEK)


# markdown bold around plain-text math ("**s = √d**"), not code's power (``d**0.5``, ``(x + 1)**2``)
_EMPHASIS = re.compile(r"(?<![\w*)\]}])\*\*(?=\S)|(?<=\S)\*\*(?![\w*({\[])")


def math_runs(line: str) -> list[str]:
    """Equations inside a line of prose with Unicode math ("So s = √d, which ..." -> "s = √d"):
    around each "=", the longest runs of tokens that are not English words."""
    line = _EMPHASIS.sub("", line)
    out = []
    for m in re.finditer(r"\s=\s|(?<=\S)=(?=\S)", line):
        lhs: list[str] = []
        for tok in reversed(line[:m.start()].split()):
            if _is_word(tok) or _LABEL_TOKEN.match(tok) or tok.endswith(":"):
                break
            lhs.insert(0, tok)
        rhs: list[str] = []
        for tok in line[m.end():].split():
            if _is_word(tok):
                break
            rhs.append(tok)
        if lhs and rhs:
            out.append(" ".join(lhs) + " = " + " ".join(rhs).rstrip(",;."))
    return out


def pdf_superscripts(text: str) -> str:
    """Undo a PDF's flattened superscripts where the reading is unambiguous enough for a claim
    that stays marked ``pdf-math``: ``N2D`` -> ``N^2D``, ``(qTk + 1)2`` -> ``(q^Tk + 1)^2``."""
    text = re.sub(r"(?<=[a-z])T(?=[a-z])", "^T ", text)
    text = re.sub(r"(?<=[A-Za-zα-ωµ)‖∥])(\d)/(\d)(?![\d.,])", r"^{\1/\2}", text)  # d1/2 -> d^{1/2}
    return re.sub(r"(?<=[A-Za-zα-ωµ)‖∥])(\d)(?![\d.,/])", r"^\1", text)


