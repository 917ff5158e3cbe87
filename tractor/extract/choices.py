"""Choice claims: the option the attempt picks, as a canonical string.

Two option shapes occur: bracketed shapes (``[h, d, q]``) and einsum calls
(``torch.einsum("bd,hdq->bhq", x, W_q)``). The part's reference in the key says which shape to
look for. :func:`canonical_choice` is the comparison form: apply it to the key's reference too.
"""

from __future__ import annotations

import html
import re

from .candidates import ANSWER, DISPLAY, RANK_NAMES, Candidate, best, fences, line_rank

_EINSUM = re.compile(r"(?:torch\.)?einsum\s*\(\s*[\"']([^\"']*)[\"']\s*((?:,\s*[\w.]+\s*)*)\)")
_SHAPE = re.compile(r"\[\s*[A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*\s*\]")


def canonical_choice(text: str) -> str:
    """``torch.einsum("bd,hdq->bhq", x, W_q)`` / ``[h, d, q]``; other text stripped of markup."""
    s = html.unescape(re.sub(r"</?code>|[`$]", "", text)).strip()
    if m := _EINSUM.search(s):
        args = [a.strip() for a in m[2].split(",") if a.strip()]
        return f'torch.einsum("{re.sub(r"[ ]", "", m[1])}"' + "".join(f", {a}" for a in args) + ")"
    if m := _SHAPE.search(s):
        return "[" + ", ".join(x.strip() for x in m[0][1:-1].split(",")) + "]"
    return re.sub(r"\s+", " ", s)


# A PDF table cell wraps a call and prints the next cell's words in between:
# 'torch.einsum("bd,dk->bk", x, produces a single key ...\nW_k) matching B.'
_WRAPPED_EINSUM = re.compile(r"(?:torch\.)?einsum\s*\(\s*[\"']([^\"'\n]*)[\"']\s*,((?:\s*[\w.]+\s*,)*)[^\n]*\n"
                             r"\s*((?:[\w.]+\s*,\s*)*[\w.]+)\s*\)")


def _pattern_for(part) -> re.Pattern:
    reference = part.reference if part is not None else ""
    return _EINSUM if "einsum" in reference else _SHAPE


def _options(pattern: re.Pattern, plain: str) -> list[tuple[int, str, str]]:
    """(position, text as written, canonical form) of every option stated in ``plain``."""
    found = [(m.start(), m[0], canonical_choice(m[0])) for m in pattern.finditer(plain)]
    if pattern is _EINSUM:
        taken = {pos for pos, _, _ in found}
        for m in _WRAPPED_EINSUM.finditer(plain):
            if m.start() not in taken:
                args = [a.strip() for a in (m[2] + "," + m[3]).split(",") if a.strip()]
                found.append((m.start(), m[0], canonical_choice(f'torch.einsum("{m[1]}", {", ".join(args)})')))
    return sorted(found)


def _option_lists(plain: str, options: list[tuple[int, str, str]]) -> set[int]:
    """Positions of options that are a question's list of choices, not an answer: several
    different options on one line, options on a line that asks a question ("(c) What is C?
    ..."), and lines holding only an option right under such a line."""
    lines: dict[int, list[tuple[int, str, str]]] = {}
    for option in options:
        lines.setdefault(plain.rfind("\n", 0, option[0]) + 1, []).append(option)
    listed: set[int] = set()
    previous_listed = False
    for start in sorted(lines):
        found = lines[start]
        end = plain.find("\n", start)
        line = plain[start:end if end >= 0 else len(plain)]
        only_option = len(found) == 1 and line.strip() == found[0][1].split("\n")[0].strip()
        above = plain.rfind("\n", 0, max(start - 1, 0)) + 1 if start else -1
        is_list = (len({canon for _, _, canon in found}) > 1 or "?" in plain[start:found[0][0]]
                   or (only_option and previous_listed and above in lines))
        if is_list:
            listed |= {pos for pos, _, _ in found}
        previous_listed = is_list
    return listed


def candidates(text: str, part) -> list[Candidate]:
    pattern = _pattern_for(part)
    plain = html.unescape(re.sub(r"</?code>", "", text))
    code_spans = fences(plain)
    options = _options(pattern, plain)
    listed = _option_lists(plain, options)
    out = []
    for pos, raw, canon in options:
        in_fence = any(s <= pos < e for s, e, _ in code_spans)
        ranked = (DISPLAY, "") if in_fence else line_rank(plain, pos)
        if ranked is None or (pos in listed and ranked[0] < ANSWER):
            continue
        out.append(Candidate(raw, ranked[0], pos, ranked[1], canon))
    return out


def extract(text: str, part) -> list[tuple[str, str, list[str]]]:
    cands = candidates(text, part)
    plain = html.unescape(re.sub(r"</?code>", "", text))
    # in a table's answer cell the first option is the answer, later ones are explanation
    pick = best(cands)
    if pick is None:
        return []
    same_line = [c for c in cands if c.rank == pick.rank and plain.count("\n", 0, c.pos) == plain.count("\n", 0, pick.pos)]
    pick = min(same_line, key=lambda c: c.pos) if pick.rank >= ANSWER else pick
    return [(pick.text, pick.value, [f"source={RANK_NAMES[pick.rank]}"])]
