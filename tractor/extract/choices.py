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


def _pattern_for(part) -> re.Pattern:
    reference = part.reference if part is not None else ""
    return _EINSUM if "einsum" in reference else _SHAPE


def candidates(text: str, part) -> list[Candidate]:
    pattern = _pattern_for(part)
    plain = html.unescape(re.sub(r"</?code>", "", text))
    code_spans = fences(plain)
    out = []
    for m in pattern.finditer(plain):
        in_fence = any(s <= m.start() < e for s, e, _ in code_spans)
        ranked = (DISPLAY, "") if in_fence else line_rank(plain, m.start())
        if ranked is None:
            continue
        out.append(Candidate(m[0], ranked[0], m.start(), ranked[1], canonical_choice(m[0])))
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
