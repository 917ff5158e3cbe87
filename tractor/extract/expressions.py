"""Expression claims: the value the attempt finally gives for the part's target.

An equation counts when one of its left-hand sides is the part's ``target`` (or one of its
``target_aliases``) from the key -- ``s``, ``E[q^T k]``, ``sim(q, k)`` -- compared after
normalisation; chains (``a = b = c``) give their last member; arrows and ``\\quad`` separate
clauses. A bare expression counts only where an answer is stated (boxed, "Answer:", a table's
answer cell). Normalized: ``str`` of the sympy expression (see the package docstring).

A member after ``\\approx`` approximates the one before it: ``x = 1/3 \\approx 0.33`` states 1/3.
A part without a target whose key marks it ``unnamed`` (a value compared with a bare reference,
as ``tractor check --reference`` does) also takes a bare formula anywhere when it is the text's
only one, a whole text that is nothing but a formula (``4 4/9``), and keeps an equation as an
equation (``Eq(lhs, value)``) so the comparison can tell ``x = 11`` (the value 11) from
``2x + z = 1`` (a relation). Symbols the key aliases (``d_k`` -> ``d``) are renamed.
Text that is not math (words read as a product of letters) is never a claim.
"""

from __future__ import annotations

import re

from ..notation.latex import normalize_latex, to_normalized
from .candidates import (_MATH as _MATH_SEGMENT, ANSWER, BOXED, RANK_NAMES, Candidate, _is_word, best, math_candidates, pdf_superscripts,
                         plain_equations, plain_lines)

_CLAUSE_SPLIT = re.compile(r"\\(?:rightarrow|Rightarrow|to|implies|longrightarrow|Longrightarrow|iff|qquad|quad)(?![A-Za-z])"
                           r"|\\\\|;|,\s*(?=\\text)|\s(?:so|hence|thus|i\.e\.)\s")
_RELATION = re.compile(r"(?<![<>!\\])=(?!=)|\\approx(?![A-Za-z])|\\equiv(?![A-Za-z])")
_APPROX = re.compile(r"\\approx(?![A-Za-z])|≈")
_ENVIRONMENT = re.compile(r"\\begin\{([a-zA-Z*]*(?:matrix|array)\*?)\}.*?\\end\{\1\}", re.S)
# markdown bold around an answer (**s = √d**), not Python's power (d**0.5)
_BOLD = re.compile(r"(?<![\w)\]}])\*\*(?=\S)|(?<=\S)\*\*(?![\w(])")
# "Answer: d", "the answer is d (the dimension)", "Final answer = 3"
_ANSWER_PHRASE = re.compile(r"(?i)\b(?:final\s+)?answer\s*(?:is\b\s*:?|:|=)\s*(?P<value>.+)$")
# English words left in a formula (three letters or more, outside macros and names the layer made)
_WORDS = re.compile(r"(?<![\\A-Za-z_{])[A-Za-z]{3,}(?![A-Za-z_}(])")
_MATH_NAMES = {"sqrt", "exp", "log", "sin", "cos", "tan", "sec", "csc", "cot", "tanh", "sinh", "cosh", "max", "min",
               "Var", "Cov", "sim", "softmax", "norm", "frac", "cdot", "dots", "mathrm", "sum", "pmatrix", "bmatrix",
               "matrix", "array", "begin", "end"}
_COMMENT = re.compile(r"\(\s*\\text\{[^{}]*\}[^()]*\)|\\text\{\s*(?:for|where|with|taking|if|since)\b[^{}]*\}.*$")
_TAIL = re.compile(r"\\in\s*\\mathbb\{R\}.*$|\\(?:text|mathrm)\{\s*\}|\\;")


_PRIME = re.compile(r"\^?\{?(?:\\prime|′)\}?")


def _canon(latex: str) -> str:
    r"""A target as written, compared loosely: a prime is a prime whether typed (``V'``),
    printed (``V^′`` in PDF text) or in LaTeX (``V^{\prime}``), before or after the subscript
    (``V_i'``), and a subscript is one with or without its ``_`` (a PDF's ``V′i``)."""
    s = re.sub(r"[\s{}]|\\mathrm|\\left|\\right", "", normalize_latex(_PRIME.sub("'", latex)))
    s = re.sub(r"^([A-Za-z])(_?[A-Za-z0-9])'", r"\1'\2", s)
    return re.sub(r"^([A-Za-z]'?)_(?=[A-Za-z0-9]$)", r"\1", s)


def _members(latex: str) -> list[list[str]]:
    """Clauses of a math segment, each split into the members of its relation chain; a member
    after ``\\approx`` that only approximates an exact one before it is dropped. Matrix
    environments are kept whole (their ``\\\\`` and ``&`` separate rows and cells)."""
    kept: list[str] = []
    latex = _ENVIRONMENT.sub(lambda m: kept.append(m[0]) or f"@ENV{len(kept) - 1}@", latex)
    out = [[re.sub(r"@ENV(\d+)@", lambda m: kept[int(m[1])], member) for member in members]
           for members in _clauses(latex)]
    return out


def _clauses(latex: str) -> list[list[str]]:
    s = re.sub(r"\\(?:begin|end)\{(?:aligned|align\*?|equation\*?|gathered|split)\}|&", " ", latex)
    s = s.strip()
    if s.startswith("[") and s.endswith("]") and _RELATION.search(s):
        s = s[1:-1]  # a chat export's "[ ... ]" display brackets
    out = []
    for clause in _CLAUSE_SPLIT.split(s):
        parts = [_clean(p) for p in split_relations(clause)]
        approx = [bool(_APPROX.match(m[0])) for m in _relations(clause)]
        while len(parts) > 2 and approx and approx[-1] and parts[-2]:
            parts, approx = parts[:-1], approx[:-1]
        if any(parts):
            out.append(parts)
    return _join_continuations(out)


def _relations(clause: str) -> list[re.Match]:
    """The top-level relation signs of ``clause``, in order (as :func:`split_relations` splits)."""
    out, depth = [], 0
    for m in re.finditer(r"[({\[]|[)}\]]|" + _RELATION.pattern, clause):
        if m[0] in "({[":
            depth += 1
        elif m[0] in ")}]":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(m)
    return out


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


def _unnamed(part) -> bool:
    """A part whose answer is a value with no name (a reference comparison)."""
    return part is not None and bool(part.extra.get("unnamed"))


def strip_bold(text: str) -> str:
    """Markdown bold around math (``**s = √d**``) is emphasis, not part of the formula."""
    return _BOLD.sub("", text)


def _is_name(latex: str) -> bool:
    """Whether an equation's left side names its value (``x``, ``f(x)``, ``|AB|``, ``\\frac{NO}{BO}``)
    rather than being an expression of its own (``2x + z``, ``7``): no numbers in it."""
    import sympy

    from ..notation.expressions import ExpressionError, load

    normalized, _ = to_normalized(latex)
    try:
        expr = load(normalized)
    except ExpressionError:
        return False
    return bool(expr.free_symbols) and not (expr.atoms(sympy.Number) - {sympy.Integer(-1)})


def _stated(members: list[str], part) -> str:
    """What a relation chain states: its last member; for an unnamed part an equation stays an
    equation (``lhs = value``) unless it is a derivation from a non-name (``1 = a = 0``)."""
    if not _unnamed(part) or (len(members) > 2 and not _is_name(members[0])):
        return members[-1]
    return f"{members[0]} = {members[-1]}"


def _plain_answers(text: str) -> list[Candidate]:
    """An answer a line states in words: "Answer: d", "the answer is d (the dimension)": the
    math tokens after the lead-in, up to the first word or parenthetical remark."""
    out = []
    for cand in plain_lines(text):
        m = _ANSWER_PHRASE.search(cand.text)
        if not m:
            continue
        value = re.split(r"\s\((?=\s*[A-Za-z]{2,})", m["value"])[0]
        tokens = []
        for tok in value.split():
            if _is_word(tok):
                break
            tokens.append(tok)
        found = " ".join(tokens).rstrip(".,;:").strip()
        if found and "=" not in found:
            out.append(Candidate(found, ANSWER, cand.pos, cand.line, found))
    return out


def _whole_formula(text: str) -> list[Candidate]:
    """A text that is one formula and nothing else (``4 + 4/9``, ``7,425,000``, ``x = 1/3``)."""
    flat = " ".join(text.split())
    if "\n" in text.strip():  # two lines are two values ("11" / "5/6"), not one mixed number
        return []
    if not flat or "$" in flat or any(_is_word(tok) for tok in flat.split()) or len(flat) > 200:
        return []
    return [Candidate(flat, ANSWER, 0, flat)]


def candidates(text: str, part, pdf: bool = False) -> list[Candidate]:
    """Every stated value for the part, as Candidates whose text is ``lhs = value`` or ``value``."""
    wanted = {_canon(t) for t in _targets(part)}
    unnamed = _unnamed(part) and not wanted
    text = strip_bold(text)
    cands = math_candidates(text)
    if not cands:  # Unicode math (PDF text): whole lines are the segments
        plain = pdf_superscripts(text) if pdf else text
        cands = (_whole_formula(plain) if unnamed else []) or plain_equations(plain) + _plain_answers(plain)
    # an unnamed value may stand alone when nothing else in the text competes with it
    alone = unnamed and len({c.pos for c in cands}) == 1
    out = []
    for cand in cands:
        clauses = _members(cand.text)
        listed = any(re.search(r",(?![^{}()\[\]]*[)}\]])", x) for m in clauses for x in m[1:-1])
        if unnamed and (listed or sum(len(m) >= 2 for m in clauses) >= 2):  # x = 1, y = 2: several values
            out.append(Candidate(cand.text, cand.rank, cand.pos, cand.line, cand.text))
            continue
        for members in clauses:
            if len(members) >= 2 and members[-1]:
                lhs = [m for m in members[:-1] if m]
                if not wanted or any(_canon(m) in wanted for m in lhs[:1] + lhs[-1:]):
                    out.append(Candidate(f"{members[0]} = {members[-1]}", cand.rank, cand.pos, cand.line,
                                         _stated(members, part), cand.role))
            elif len(members) == 1 and (cand.rank >= ANSWER or alone) and members[0]:
                out.append(Candidate(members[0], cand.rank, cand.pos, cand.line, members[0], cand.role))
    return _unambiguous(out, alone) if unnamed else out


def _unambiguous(cands: list[Candidate], alone: bool) -> list[Candidate]:
    """An unnamed value only where the text states it unmistakably: the one boxed value (several
    different boxes are several values), an answer line whose prose states no other number
    ("The largest $n$ is 34" does not state $n$), or the text's only formula."""
    if len({c.value for c in cands if c.rank == BOXED}) > 1:
        cands = [c for c in cands if c.rank != BOXED]
    return [c for c in cands if c.rank == BOXED or ((c.rank >= ANSWER or alone) and not _numbers_in_prose(c))]


def _numbers_in_prose(cand: Candidate) -> bool:
    return bool(re.search(r"\d", _MATH_SEGMENT.sub(" ", cand.line.replace(cand.text, " "))))


def _words(latex: str) -> list[str]:
    """English words in a formula: text, not math (``Answer 9`` is no product of letters)."""
    bare = re.sub(r"\\[A-Za-z]+|\\mathrm\{[^{}]*\}|\\text\{[^{}]*\}", " ", latex)
    return [w for w in _WORDS.findall(bare) if w not in _MATH_NAMES]


def _aliased(normalized: str, part) -> tuple[str, list[str]]:
    """The key's aliases applied to a normalized claim (``d_k`` -> ``d`` where q, k live in R^d)."""
    aliases = dict(part.extra.get("aliases", {})) if part is not None else {}
    used = [a for a in aliases if re.search(rf"\b{re.escape(a)}\b", normalized)]
    for alias in used:
        normalized = re.sub(rf"\b{re.escape(alias)}\b", aliases[alias], normalized)
    return normalized, [f"aliased {a}->{aliases[a]}" for a in used]


def extract(text: str, part, pdf: bool = False) -> list[tuple[str, str, list[str]]]:
    """``[(claim, normalized, tags)]`` for the final stated value, or ``[]``.
    ``pdf``: the text came from a PDF, whose flattened superscripts are restored first."""
    pick = best(candidates(text, part, pdf))
    if pick is None:
        return []
    words = _words(normalize_latex(pick.value))
    if words:
        normalized, reason = "", f"words in the formula ({', '.join(words[:3])}): text, not math"
    else:
        normalized, reason = to_normalized(pick.value)
    normalized, aliased = _aliased(normalized, part)
    tags = [f"source={RANK_NAMES[pick.rank]}"] + aliased + ([f"unparsed: {reason}"] if reason else [])
    return [(pick.text, normalized, tags)]
