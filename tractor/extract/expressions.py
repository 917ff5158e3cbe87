"""Expression claims: the value the attempt finally gives for the part's target.

An equation counts when one of its left-hand sides is the part's ``target`` (or one of its
``target_aliases``) from the key -- ``s``, ``E[q^T k]``, ``sim(q, k)`` -- compared after
normalisation; chains (``a = b = c``) give their last member; arrows and ``\\quad`` separate
clauses. A bare expression counts only where an answer is stated (boxed, "Answer:", a table's
answer cell). Normalized: ``str`` of the sympy expression (see the package docstring).
"""

from __future__ import annotations

import re

from .candidates import ANSWER, RANK_NAMES, Candidate, best, math_candidates, pdf_superscripts, plain_equations
from .latex import normalize_latex, to_normalized

_CLAUSE_SPLIT = re.compile(r"\\(?:rightarrow|Rightarrow|to|implies|longrightarrow|Longrightarrow|iff|qquad|quad)(?![A-Za-z])"
                           r"|\\\\|;|,\s*(?=\\text)|\s(?:so|hence|thus|i\.e\.)\s")
_RELATION = re.compile(r"(?<![<>!\\])=(?!=)|\\approx(?![A-Za-z])|\\equiv(?![A-Za-z])")
_COMMENT = re.compile(r"\(\s*\\text\{[^{}]*\}[^()]*\)|\\text\{\s*(?:for|where|with|taking|if|since)\b[^{}]*\}.*$")
_TAIL = re.compile(r"\\in\s*\\mathbb\{R\}.*$|\\(?:text|mathrm)\{\s*\}|\\;")


_PRIME = re.compile(r"\^?\{?(?:\\prime|′)\}?")


def _canon(latex: str) -> str:
    r"""A target as written, compared loosely: a prime is a prime whether typed (``V'``),
    printed (``V^′`` in PDF text) or in LaTeX (``V^{\prime}``)."""
    return re.sub(r"[\s{}]|\\mathrm|\\left|\\right", "", normalize_latex(_PRIME.sub("'", latex)))


def _members(latex: str) -> list[list[str]]:
    """Clauses of a math segment, each split into the members of its relation chain."""
    s = re.sub(r"\\(?:begin|end)\{(?:aligned|align\*?|equation\*?|gathered|split)\}|&", " ", latex)
    s = s.strip()
    if s.startswith("[") and s.endswith("]") and _RELATION.search(s):
        s = s[1:-1]  # a chat export's "[ ... ]" display brackets
    out = []
    for clause in _CLAUSE_SPLIT.split(s):
        parts = [_clean(p) for p in split_relations(clause)]
        if any(parts):
            out.append(parts)
    return _join_continuations(out)


def _join_continuations(clauses: list[list[str]]) -> list[list[str]]:
    """``a \\\\ &= b`` lines continue the chain above them."""
    out: list[list[str]] = []
    for parts in clauses:
        if out and parts and parts[0] == "" and len(parts) > 1:
            out[-1] = out[-1] + parts[1:]
        else:
            out.append(parts)
    return out


def split_relations(clause: str) -> list[str]:
    """Split on ``=`` / ``\\approx`` outside brackets."""
    parts, depth, last = [], 0, 0
    for m in re.finditer(r"[({\[]|[)}\]]|" + _RELATION.pattern, clause):
        tok = m[0]
        if tok in "({[":
            depth += 1
        elif tok in ")}]":
            depth = max(0, depth - 1)
        elif depth == 0:
            parts.append(clause[last:m.start()])
            last = m.end()
    parts.append(clause[last:])
    return parts


def _clean(part: str) -> str:
    part = _COMMENT.sub("", part)
    part = _TAIL.sub("", part)
    return part.strip().rstrip(".,;:").strip()


def _targets(part) -> list[str]:
    if part is None:
        return []
    extra = part.extra
    names = [extra["target"]] if "target" in extra else []
    return names + list(extra.get("target_aliases", ()))


def candidates(text: str, part, pdf: bool = False) -> list[Candidate]:
    """Every stated value for the part, as Candidates whose text is ``lhs = value`` or ``value``."""
    wanted = {_canon(t) for t in _targets(part)}
    cands = math_candidates(text)
    if not cands:  # Unicode math (PDF text): whole lines are the segments
        cands = plain_equations(pdf_superscripts(text) if pdf else text)
    out = []
    for cand in cands:
        for members in _members(cand.text):
            if len(members) >= 2 and members[-1]:
                lhs = [m for m in members[:-1] if m]
                if not wanted or any(_canon(m) in wanted for m in lhs[:1] + lhs[-1:]):
                    out.append(Candidate(f"{members[0]} = {members[-1]}", cand.rank, cand.pos, cand.line, members[-1],
                                         cand.role))
            elif len(members) == 1 and cand.rank >= ANSWER and members[0]:
                out.append(Candidate(members[0], cand.rank, cand.pos, cand.line, members[0], cand.role))
    return out


def extract(text: str, part, pdf: bool = False) -> list[tuple[str, str, list[str]]]:
    """``[(claim, normalized, detail tags)]`` for the final stated value, or ``[]``.
    ``pdf``: the text came from a PDF, whose flattened superscripts are restored first."""
    pick = best(candidates(text, part, pdf))
    if pick is None:
        return []
    normalized, reason = to_normalized(pick.value)
    tags = [f"source={RANK_NAMES[pick.rank]}"] + ([f"unparsed: {reason}"] if reason else [])
    return [(pick.text, normalized, tags)]
