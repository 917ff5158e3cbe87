"""Choice claims: the option the attempt picks, as a canonical string.

Two option shapes occur: bracketed shapes (``[h, d, q]``) and einsum calls
(``torch.einsum("bd,hdq->bhq", x, W_q)``). The part's reference in the key says which shape to
look for. :func:`canonical_choice` is the comparison form: apply it to the key's reference too.

Shapes are also written with the width's value (``[h, d, d/h]``, ``\\frac{d}{h}``), with spacing
macros (``[h,\\, d,\\, q]``), and, after the weight's name (the key's ``slot``), as a tuple
(``W_q has shape (h, d, q)``), a space (``W_q \\in \\mathbb{R}^{h \\times d \\times q}``) or a
product (``W_q: h × d × q``). Einsum calls may sit in ``\\texttt{}`` (``W\\_q``), write ``→``,
name ``self.W_q``; the same projection is also written ``x @ W_k`` / ``torch.matmul(x, W_k)``.
Spoken forms are read where they are unambiguous: ``einsum "bd,dk->bk" applied to x and W_k``,
``W_q is h by d by q``.
An option stated as an aside ("(not [h, d, k] as in MHA)", "the MHA version would be ...") is
no answer and does not make its line a list of choices. Where an option is named for the part
(``q = ...``, the table row of its blank letter), options named for other parts are dropped: a
code block answering 4(c)-(e) together holds the answer of each.
"""

from __future__ import annotations

import html
import re

from ...extract.candidates import ANSWER, ASIDE, DISPLAY, RANK_NAMES, Candidate, best, fences, line_rank, role_at

_EINSUM = re.compile(r"(?:torch\.)?einsum\s*\(\s*[\"']([^\"']*)[\"']\s*((?:,\s*[\w.]+\s*)*)\)")
_OPERAND = r"(?:self\.)?[A-Za-z_]\w*(?:\.T)?"
_MATMUL = re.compile(rf"(?<![\w.])({_OPERAND})\s*@\s*({_OPERAND})(?![\w(])|(?:torch\.)?matmul\s*\(\s*({_OPERAND})\s*,\s*({_OPERAND})\s*\)")
_SIZE = r"(?:\\frac\s*\{\s*[A-Za-z]\s*\}\s*\{\s*[A-Za-z]\s*\}|[A-Za-z_]\w*(?:\s*//?\s*[A-Za-z]\w*)?)"
_SHAPE = re.compile(rf"\[\s*{_SIZE}(?:\s*,\s*{_SIZE})*\s*\]")
_TUPLE = re.compile(rf"\(\s*{_SIZE}(?:\s*,\s*{_SIZE})+\s*\)")
_TIMES = r"\s*(?:\\times|×)\s*"
_PRODUCT = re.compile(rf"(?:\\mathbb\s*\{{R\}}|ℝ)\s*\^\s*\{{\s*({_SIZE}(?:{_TIMES}{_SIZE})+)\s*\}}|(?<![\w\\])({_SIZE}(?:{_TIMES}{_SIZE})+)")
# spoken: 'einsum "bd,dk->bk" applied to x and W_k', 'W_q is h by d by q'
_SPOKEN_EINSUM = re.compile(rf"einsum\s*[\"']([^\"'\n]+)[\"']\s*(?:applied\s+to|on|over|of|with)\s+({_OPERAND})\s+and\s+({_OPERAND})")
_SPOKEN_PRODUCT = re.compile(r"(?<![\w\\-])([a-z](?:/[a-z])?(?:\s+by\s+[a-z](?:/[a-z])?)+)(?![\w-])")
_SPACING = re.compile(r"\\[,;:! ]|\\q?quad(?![A-Za-z])|~")
_TEXTTT = re.compile(r"\\(?:texttt|mathtt|verb)\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
_SLOT_GAP = 40  # characters between a weight's name and its shape ("W_q has shape (h, d, q)")


def _size(text: str) -> str:
    text = re.sub(r"\\frac\s*\{\s*(\w)\s*\}\s*\{\s*(\w)\s*\}", r"\1/\2", text)
    return re.sub(r"\s+", "", text).replace("//", "/")


def _unmark(text: str) -> str:
    s = html.unescape(re.sub(r"</?code>|[`$]", "", text))
    s = _TEXTTT.sub(r"\1", s).replace("\\_", "_")
    return _SPACING.sub(" ", s).replace("→", "->").strip()


def canonical_choice(text: str) -> str:
    """``torch.einsum("bd,hdq->bhq", x, W_q)`` / ``x @ W_k`` / ``[h, d, q]``; other text
    stripped of markup."""
    s = _unmark(text)
    if m := _EINSUM.search(s):
        args = [a.strip() for a in m[2].split(",") if a.strip()]
        return f'torch.einsum("{re.sub(r"[ ]", "", m[1])}"' + "".join(f", {a}" for a in args) + ")"
    if m := _SPOKEN_EINSUM.search(s):
        return f'torch.einsum("{re.sub(r"[ ]", "", m[1])}", {m[2]}, {m[3]})'
    if m := _MATMUL.search(s):
        return f"{m[1] or m[3]} @ {m[2] or m[4]}"
    if m := _SHAPE.search(s) or _TUPLE.search(s):
        return "[" + ", ".join(_size(x) for x in m[0][1:-1].split(",")) + "]"
    if m := _PRODUCT.search(s):
        return "[" + ", ".join(_size(x) for x in re.split(_TIMES, m[1] or m[2])) + "]"
    if m := _SPOKEN_PRODUCT.search(s):
        return "[" + ", ".join(_size(x) for x in re.split(r"\s+by\s+", m[1])) + "]"
    return re.sub(r"\s+", " ", s)


# A PDF table cell wraps a call and prints the next cell's words in between:
# 'torch.einsum("bd,dk->bk", x, produces a single key ...\nW_k) matching B.'
_WRAPPED_EINSUM = re.compile(r"(?:torch\.)?einsum\s*\(\s*[\"']([^\"'\n]*)[\"']\s*,((?:\s*[\w.]+\s*,)*)[^\n]*\n"
                             r"\s*((?:[\w.]+\s*,\s*)*[\w.]+)\s*\)")


def _pattern_for(part) -> re.Pattern:
    return _EINSUM if part is not None and part.kind == "einsum" else _SHAPE


def _slot(part) -> re.Pattern | None:
    """The weight's name as written: ``W_q``, ``W_{q}``, ``W\\_q``, ``Wq``, ``\\mathbf{W}_q``."""
    slot = part.extra.get("slot", "") if part is not None else ""
    m = re.fullmatch(r"([A-Za-z])_?(\w+)", slot)
    if not m:
        return None
    return re.compile(rf"(?i)(?:\\mathbf\{{)?{m[1]}\}}?\\?_?\{{?{m[2]}\}}?(?!\w)")


def _after_slot(plain: str, pattern: re.Pattern, slot: re.Pattern | None) -> list[tuple[int, str, str]]:
    """Shapes written after the weight's name on the same line: a tuple, a space, a product."""
    if slot is None:
        return []
    out = []
    for m in pattern.finditer(plain):
        line_start = plain.rfind("\n", 0, m.start()) + 1
        before = plain[max(line_start, m.start() - _SLOT_GAP):m.start()]
        if slot.search(before):
            out.append((m.start(), m[0], canonical_choice(m[0])))
    return out


def _options(pattern: re.Pattern, plain: str, part=None) -> list[tuple[int, str, str]]:
    """(position, text as written, canonical form) of every option stated in ``plain``."""
    found = [(m.start(), m[0], canonical_choice(m[0])) for m in pattern.finditer(plain)]
    if pattern is _SHAPE:
        taken = {pos for pos, _, _ in found}
        slot = _slot(part)
        found += [o for p in (_TUPLE, _PRODUCT, _SPOKEN_PRODUCT) for o in _after_slot(plain, p, slot) if o[0] not in taken]
    if pattern is _EINSUM:
        taken = {pos for pos, _, _ in found}
        found += [(m.start(), m[0], canonical_choice(m[0])) for p in (_MATMUL, _SPOKEN_EINSUM)
                  for m in p.finditer(plain) if m.start() not in taken]
        taken = {pos for pos, _, _ in found}
        for m in _WRAPPED_EINSUM.finditer(plain):
            if m.start() not in taken:
                args = [a.strip() for a in (m[2] + "," + m[3]).split(",") if a.strip()]
                found.append((m.start(), m[0], canonical_choice(f'torch.einsum("{m[1]}", {", ".join(args)})')))
    return sorted(found)


def _option_lists(plain: str, options: list[tuple[int, str, str]], asides: set[int] = frozenset()) -> set[int]:
    """Positions of options that are a question's list of choices, not an answer: several
    different options on one line (asides such as "(not [d, q])" do not count, nor options
    each named by its own label: "A = [h, d, q], B = [d, k]"), options on a line that asks a
    question ("(c) What is C? ..."), and lines holding only an option right under such a line."""
    lines: dict[int, list[tuple[int, str, str]]] = {}
    for option in options:
        if option[0] in asides:
            continue
        lines.setdefault(plain.rfind("\n", 0, option[0]) + 1, []).append(option)
    listed: set[int] = set()
    previous_listed = False
    for start in sorted(lines):
        found = lines[start]
        end = plain.find("\n", start)
        line = plain[start:end if end >= 0 else len(plain)]
        only_option = len(found) == 1 and line.strip() == found[0][1].split("\n")[0].strip()
        above = plain.rfind("\n", 0, max(start - 1, 0)) + 1 if start else -1
        labels = [_label(plain, pos) for pos, _, _ in found]
        labelled = all(labels) and len(set(labels)) == len(labels)
        is_list = ((len({canon for _, _, canon in found}) > 1 and not labelled) or "?" in plain[start:found[0][0]]
                   or (only_option and previous_listed and above in lines))
        if is_list:
            listed |= {pos for pos, _, _ in found}
        previous_listed = is_list
    return listed


def _plain(text: str) -> str:
    """The text with code markup, ``\\texttt{}`` and escaped underscores removed, positions kept
    where it matters little (one answer line at a time)."""
    s = html.unescape(re.sub(r"</?code>", "", text))
    s = _TEXTTT.sub(r"\1", s).replace("\\_", "_").replace("→", "->")
    return _SPACING.sub(lambda m: " " * len(m[0]), s)


def candidates(text: str, part) -> list[Candidate]:
    pattern = _pattern_for(part)
    plain = _plain(text)
    code_spans = fences(plain)
    options = _options(pattern, plain, part)
    roles, prev_end = {}, None
    for pos, raw, _ in options:
        roles[pos] = role_at(plain, pos, prev_end)
        prev_end = pos + len(raw.split("\n")[0])
    listed = _option_lists(plain, options, {pos for pos, role in roles.items() if role == ASIDE})
    out = []
    for pos, raw, canon in options:
        in_fence = any(s <= pos < e for s, e, _ in code_spans)
        ranked = (DISPLAY, "") if in_fence else line_rank(plain, pos)
        if ranked is None or (pos in listed and ranked[0] < ANSWER):
            continue
        out.append(Candidate(raw, ranked[0], pos, ranked[1], canon, roles[pos]))
    return out


_LABEL_ONLY = re.compile(r"^\s*(?:\d?\(?[a-z]\)\s*)?(?:self\.)?([A-Za-z]\w*)\s*[:=]?\s*$"
                         r"|^\s*\d?\(([a-z])\)\s*[:.]?\s*$")
_ASSIGNED = re.compile(r"(?:^|[\s,;])(?:self\.)?([A-Za-z]\w*)\s*[:=]\s*$")


def _label(plain: str, pos: int) -> str:
    """What the line names the option at ``pos``: the variable it is assigned to (``k = ...``,
    ``W_q: ...``) or the table row's label (``| B | [d, k] |``); "" when none."""
    before = re.sub(r"[*`$|]", " ", plain[plain.rfind("\n", 0, pos) + 1:pos])
    m = _LABEL_ONLY.match(before) or _ASSIGNED.search(before)
    return (m[1] or m[2]) if m and m.re is _LABEL_ONLY else m[1] if m else ""


def _own_labels(part) -> set[str]:
    """Names under which an answer to ``part`` is written: its blank's letter (4c -> C), the
    weight or tensor it is about (the key's ``slot``)."""
    if part is None:
        return set()
    letter = part.id.rstrip(".ivx")[-1:]
    slot = part.extra.get("slot", "")
    return {x for x in (letter, letter.upper(), slot, slot.replace("_", "")) if x}


def _named_for(cands: list[Candidate], plain: str, part) -> list[Candidate]:
    """Where some option is named for this part (``q = ...`` for the q projection, the row of
    blank C), options named for something else (``k = ...`` on the next line of the same code
    block, the row of blank D) answer other parts and are dropped."""
    own = _own_labels(part)
    labels = {id(c): _label(plain, int(c.pos)) for c in cands}
    if not any(labels[id(c)] in own for c in cands):
        return cands
    return [c for c in cands if labels[id(c)] in own or not labels[id(c)]]


def extract(text: str, part) -> list[tuple[str, str, list[str]]]:
    plain = _plain(text)
    cands = _named_for(candidates(text, part), plain, part)
    # in a table's answer cell the first option is the answer, later ones are explanation
    pick = best(cands)
    if pick is None:
        return []
    same_line = [c for c in cands if (c.rank, c.role) == (pick.rank, pick.role)
                 and plain.count("\n", 0, c.pos) == plain.count("\n", 0, pick.pos)]
    pick = min(same_line, key=lambda c: c.pos) if pick.rank >= ANSWER else pick
    return [(pick.text, pick.value, [f"source={RANK_NAMES[pick.rank]}"])]
