"""Feature-map claims: phi(x) as a list of component families the verifier can run.

Normalized format (JSON list, phi(x) = concatenation of the families in order)::

    {"coef": "<sympy str>", "monomial": [<index>, ...], "where": "<condition>"}

``monomial`` lists the index of each factor x_index (``[]`` = the constant 1). An index is a
literal 1-based int (an explicit listing for one D) or an index variable (``"i"``); listings
with an ellipsis or a symbolic end (``x_D``) are generalised to index-variable families. A family expands over every assignment of
its index variables to ``1..D`` satisfying ``where`` (a Python comparison such as ``"i<j"`` or
``"a<=b"``; ``""`` = all assignments), lexicographically in order of first appearance. So::

    [1, \\sqrt{2} x_i, x_i^2, \\sqrt{2} x_i x_j (i<j)]  ->
    [{"coef": "1", "monomial": [], "where": ""},
     {"coef": "sqrt(2)", "monomial": ["i"], "where": ""},
     {"coef": "1", "monomial": ["i", "i"], "where": ""},
     {"coef": "sqrt(2)", "monomial": ["i", "j"], "where": "i<j"}]

Written forms read: bracket lists with ellipses (``\\sqrt{2}x_1, \\dots, \\sqrt{2}x_D`` becomes one
family; explicit diagonal and off-diagonal samples become ``[i, i]`` and ``[i, j] i<j``
families with their own coefficients), set notation (``\\{ q_a q_b \\mid 1 \\le a \\le b \\le D\\}``),
components (``\\phi(x)_{ij} = x_i x_j`` for ``i \\le j``), ``vec(xx^T)``, ``x \\otimes x`` (all
ordered pairs), ``x \\odot x`` (squares), a bare ``\\sqrt{2} x`` (the linear family). A condition
after the map ("x_i x_j for 1 \\le i \\le j \\le d", "[...] (over all i \\le j)") restricts the
families that carry its indices; a remark there ("where x \\odot x denotes ...", ", vectorized")
is not part of the map. Also read: a map typeset as a matrix (``\\begin{bmatrix} .. \\end{bmatrix}``),
a map given component by component (``\\phi(x)_0 = 1, \\phi(x)_i = \\sqrt{2} x_i, ...``), spacing
macros, ``\\sqrt2`` and code's ``sqrt(2)``/``**``, index notes on an item ("(i = 1..D)", "\\text{ for }
i<j", ``\\{\\sqrt{2} x_i x_j\\}_{i<j}``) and a PDF's flattened subscripts (``x1``, ``xD−1xD``).
``\\phi(q)^T \\phi(k) = ...`` applies the map, it does not define it. A coefficient that does not read
as math, or a number printed apart from its factor (a PDF's ``x2 1`` for x_1^2), makes the claim
unparsed: the reading would be a guess.
"""

from __future__ import annotations

import json
import re
from collections import Counter

from ...extract.candidates import RANK_NAMES, Candidate, best, math_candidates, plain_lines
from ...extract.expressions import split_relations
from ...notation.latex import balanced, to_normalized, unicode_to_latex

# \dots \ldots \cdots \dotsc, "..." and a PDF's spaced ". . ."
_ELLIPSIS = re.compile(r"\\(?:[lcv]dots|dots[bcm]?)(?![A-Za-z])|\.\s*\.\s*\.")
# a column or row vector typeset as a matrix: its rows (or cells) are the items
_MATRIX = re.compile(r"\\begin\{([bpvBV]?matrix|array)\}(?:\{[^{}]*\})?(.{0,%d}?)\\end\{\1\}" % 2000, re.S)
# an item written as a set over its indices: \{\sqrt{2} x_i x_j\}_{i<j}, \{x_i^2\}_{i=1}^D
_INDEXED_SET = re.compile(r"^\s*\\\{(.*)\\\}\s*_\{([^{}]*)\}(?:\^\{?[^{}\s]*\}?)?\s*$")
_RELATION = re.compile(r"([a-z])\s*(<=|<|\\leq?|\\lt|\\neq|!=|\\ne)\s*(?=([a-z]))")
_OPS = {"<": "<", "<=": "<=", r"\le": "<=", r"\leq": "<=", r"\lt": "<", r"\neq": "!=", "!=": "!=", r"\ne": "!="}
# x_i, x_{ij}, x_i^2 and a PDF's x^2_i (the superscript printed before the subscript)
_FACTOR = re.compile(r"(?:(?<=_[A-Za-z0-9])|(?<![A-Za-z\\]))([a-z])(?:\^\{?(\d)\}?)?_(?:\{\s*([^{}]+?)\s*\}|(\d+|[A-Za-z]))"
                     r"(?:\^\{?(\d)\}?)?")
# the words that open a condition or a remark after the map: "for 1 <= i <= j <= d", "(over all
# i <= j)", "where x ⊙ x denotes ..."; the map ends there
_CONDITION_WORD = re.compile(r"(?<![A-Za-z\\])(?:for|where|with|over|if|when|i\.e\.)(?![A-Za-z])")
# a note on an item's indices: a condition ("(i<j)", "(1 \le i < j \le D)") or a range ("(i = 1..D)",
# "(i=1,\dots,D)"): index letters, numbers, relations and ellipses only, with at least one relation
_NOTE_TOKENS = re.compile(r"(?:\s|[A-Za-z0-9<>=≤≥,.+\-]|\\(?:leq?|geq?|lt|gt|neq|ne|in|[lc]?dots)(?![A-Za-z]))*")
_NOTE_RELATION = re.compile(r"[<>=≤≥]|\\(?:leq?|geq?|lt|gt|neq|ne|in)(?![A-Za-z])")
_PROSE = re.compile(r"\([^()]*[A-Za-z]{3,}[^()]*\)")  # "(symmetric, then vectorized)"
_INDEX_VARS = set("ijablmpst")
_LHS = r"\\?(?:phi|varphi)\s*\(\s*\\?(?:mathbf\{)?([a-z])\}?\s*\)\s*(?:_\{?([a-z0-9]{1,2})\}?)?\s*(?:\^\{?T\}?)?\s*="
_PHI_LHS = re.compile(r"^\s*" + _LHS)
# "\phi(x)_0 = 1, \phi(x)_i = \sqrt{2} x_i, \phi(x)_{ij} = ...": the map given component by component
_COMPONENT_LHS = re.compile(r"(?<![A-Za-z])" + _LHS.replace("?:_", "?:_(?=[{a-z0-9])").replace(")?\\s*(?:\\^", ")\\s*(?:\\^", 1))
# where phi is applied inside a product ("\phi(q)^T \phi(k) = ..."), not defined: after a
# transpose, a dot, or right after a closing bracket ("(ii) \phi(x) = ..." is a label, then a definition)
_IN_PRODUCT = re.compile(r"(?:[)}]|(?:[ᵀ⊤·]|\^\s*\{?\s*(?:T|\\top)\s*\}?|\\(?:cdot|top))\s*)$")
_PHI = re.compile(r"(?:\\(?:var)?phi|ϕ|φ|(?<![A-Za-z\\])(?:var)?phi)\s*\(")


def _clean(latex: str) -> str:
    s = unicode_to_latex(latex)
    s = re.sub(r"\\(?:text|textrm|mathrm|operatorname)\{\s*vec\s*\}", "vec", s)
    s = re.sub(r"\\(?:mathbf|boldsymbol|bm|vec|mathrm|operatorname)\{([^{}]*)\}", r"\1", s)
    s = re.sub(r"\\(?:left|right|big|Big)(?![A-Za-z])|\\[,;:! ]|\\q?quad(?![A-Za-z])|~", " ", s)
    # \sqrt2, \sqrt 2 and code's sqrt(2): one radical of one argument
    s = re.sub(r"\\sqrt\s*([0-9]+|[A-Za-z])", r"\\sqrt{\1}", s)
    s = re.sub(r"(?<![A-Za-z\\])(?:math\.|np\.)?sqrt\s*\(([^()]*)\)", r"\\sqrt{\1}", s)
    s = re.sub(r"(?<=\S)\*\*(?=\S)", "^", s)  # code's x_i**2
    if "_" not in s:  # PDF text flattens subscripts: x1, xD, xD-1, xixj
        s = re.sub(r"(?<![A-Za-z\\])([a-z])([DdN])\s*-\s*(\d)", r"\1_{\2-\3}", s)
        for _ in range(2):  # a second pass for a factor right after a flattened one (xixj)
            s = re.sub(r"(?:(?<=_[ijDd0-9])|(?<![A-Za-z\\]))([a-z])(\d+|[ijDd])(?![\d_])", r"\1_\2", s)
    return s


def _where(text: str) -> str:
    """``i<j`` from "(i<j)", "for $i \\leq j$", "1 \\le a \\le b \\le D"."""
    conds = [f"{a}{_OPS[op]}{b}" for a, op, b in _RELATION.findall(text)
             if a in _INDEX_VARS and b in _INDEX_VARS and a != b]
    return " and ".join(dict.fromkeys(conds))


def _index(raw: str):
    raw = raw.replace(" ", "")
    return int(raw) if raw.isdigit() else raw


def _term(item: str, var: str) -> dict | None:
    """One listed component -> family, or None for an ellipsis."""
    item = item.strip().rstrip("^T").strip()
    if not item or _ELLIPSIS.fullmatch(item):
        return None
    condition = ""
    if m := _INDEXED_SET.match(item):
        item, condition = m[1], _where(m[2])
    item = re.sub(r"\\(?:text|textrm|mathrm)\{([^{}]*)\}", r" \1 ", item)
    if m := _CONDITION_WORD.search(item):  # "\sqrt{2} x_i x_j \text{ for } i < j", "x_i^2 for all i"
        condition, item = condition or _where(item[m.start():]), item[:m.start()]
    m = re.search(r"\(([^()]*)\)\s*$", item)  # "(i<j)", "(1 \le i < j \le D)", "(i = 1..D)"
    if m and _NOTE_TOKENS.fullmatch(m[1]) and _NOTE_RELATION.search(m[1]):
        condition, item = condition or _where(m[1]), item[:m.start()]
    if re.search(rf"\\otimes|vec\s*\(|{var}\s*{var}\s*\^\s*\{{?T", item):
        return {"coef": "1", "monomial": ["i", "j"], "where": "", "pairs": "all"}
    if re.search(r"\\odot", item):
        return {"coef": "1", "monomial": ["i", "i"], "where": ""}
    monomial = []
    for m in _FACTOR.finditer(item):
        if re.match(r"\s+(?:\d|[ijDdN](?![A-Za-z_{(]))", item[m.end():]):  # a PDF's x_1^2 printed as "x2 1"
            raise ValueError(f"a number after {m[0]!r}: a flattened superscript or subscript?")
        monomial += [_index(m[3] or m[4])] * int(m[2] or m[5] or 1)
    rest = _FACTOR.sub(" ", item)
    if not monomial and re.search(rf"(?<![A-Za-z\\]){var}(?![A-Za-z_])", rest):
        monomial, rest = ["i"], re.sub(rf"(?<![A-Za-z\\]){var}(?![A-Za-z_])", " ", rest)
    rest = re.sub(r"\\cdot|\*", " ", rest).strip() or "1"
    coef, _ = to_normalized(rest)
    if not coef:
        raise ValueError(f"coefficient {rest.strip()!r} not read")
    return {"coef": coef, "monomial": monomial, "where": condition}


def _split_items(body: str) -> list[str]:
    items, depth, last = [], 0, 0
    for i, ch in enumerate(body):
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth == 0 and ch in ",;":
            items.append(body[last:i])
            last = i + 1
    return items + [body[last:]]


def _generalise(terms: list[dict], had_ellipsis: bool) -> list[dict]:
    """Literal samples around an ellipsis -> families over index variables."""
    symbolic_end = any(isinstance(x, str) and x not in _INDEX_VARS for t in terms for x in t["monomial"])
    if not (had_ellipsis or symbolic_end):
        return terms
    out: list[dict] = []
    groups: dict[tuple, list[str]] = {}
    for t in terms:
        mono = t["monomial"]
        if any(isinstance(x, str) and x in _INDEX_VARS for x in mono) or not mono:
            out.append(t)
            continue
        shape = ("linear",) if len(mono) == 1 else ("diag",) if len(set(map(str, mono))) == 1 else ("off",)
        if shape not in groups:
            groups[shape] = []
            out.append({"shape": shape})
        groups[shape].append(t["coef"])
    pairs = _pair_range([t["monomial"] for t in terms if len(t["monomial"]) == 2], ("diag",) in groups)
    families = {("linear",): (["i"], ""), ("diag",): (["i", "i"], ""), ("off",): (["i", "j"], pairs or "i<j")}
    result = []
    for t in out:
        if "shape" in t:
            mono, where = families[t["shape"]]
            coef = Counter(groups[t["shape"]]).most_common(1)[0][0]
            implicit = {"implicit": True} if t["shape"] == ("off",) and not pairs else {}
            result.append({"coef": coef, "monomial": mono, "where": where, **implicit})
        else:
            result.append(t)
    return result


def _pair_range(samples: list[list], squares: bool) -> str:
    """Which pairs a listing of samples x_a x_b covers: "i<j" where it shows the upper triangle
    (it ends at x_{D-1} x_D, row 1 is followed by x_2 x_2, or the squares are listed in a run of
    their own), "i!=j" where it shows all ordered pairs (x_2 x_1, or row 1 followed by x_2 x_1);
    "" where the samples do not say and the squares are mixed in (x_1 x_1, x_1 x_2, ..., x_D x_D:
    the upper triangle or every pair?)."""
    literal = [m for m in samples if all(isinstance(i, int) for i in m)]
    if any(a > b for a, b in literal):
        return "i!=j"
    for (a, b), (c, d) in zip(samples, samples[1:]):
        if a == 1 and c == 2 and b != a:
            if d == 1:
                return "i!=j"
            if d == 2:
                return "i<j"
    ends = [m for m in samples if isinstance(m[1], str) and re.fullmatch(r"\w-1", str(m[0]).replace(" ", ""))]
    diagonal = [str(a) == str(b) for a, b in samples]
    first_off = diagonal.index(False) if False in diagonal else len(diagonal)
    last_off = len(diagonal) - 1 - diagonal[::-1].index(False) if False in diagonal else -1
    apart = not any(diagonal[first_off:last_off + 1]) and (not any(diagonal[:first_off]) or not any(
        diagonal[last_off + 1:]))  # the squares in a run of their own: the pairs are the others
    return "i<j" if ends or not squares or apart else ""


def _split_condition(s: str) -> tuple[str, str]:
    """``(map, remark)``: the map ends at a condition word outside its brackets ("x_i x_j for
    1 \\le i \\le j \\le d", "[...] (over all i \\le j)", "[...] where x \\odot x denotes ...")."""
    s = re.sub(r"\\text\{([^{}]*)\}", r" \1 ", s)
    opened: list[int] = []
    for i, ch in enumerate(s):
        if ch in "([{":
            opened.append(i)
        elif ch in ")]}" and opened:
            opened.pop()
        elif _CONDITION_WORD.match(s, i):
            if not opened:
                return s[:i], s[i:]
            if len(opened) == 1 and s[opened[0]] == "(" and not s[opened[0] + 1:i].strip():
                return s[:opened[0]], s[opened[0]:]  # "(for i <= j)"
    return s, ""


def _restrict(terms: list[dict], where: str) -> list[dict]:
    """A condition stated once for the map ("over all i \\le j") holds for the families that have
    every index it names and no condition of their own."""
    names = set(re.findall(r"[a-z]", where))
    return [{**t, "where": where} if where and not t["where"] and names <= set(map(str, t["monomial"])) else t
            for t in terms]


def parse_feature_map(latex: str, trailing: str = "") -> list[dict]:
    """Parse ``\\phi(x) = ...`` (or just its right-hand side); ``trailing`` is the prose after it
    ("for i \\le j"). Raises ValueError when the form is not recognised."""
    return [{k: v for k, v in t.items() if k != "pairs"} for t in _parse(latex, trailing)]


def _parse(latex: str, trailing: str) -> list[dict]:
    s = _clean(latex)
    starts = [m.start() for m in _COMPONENT_LHS.finditer(s)]
    if len(starts) > 1 and not s[:starts[0]].strip():
        return _components([s[a:b] for a, b in zip(starts, starts[1:] + [len(s)])], trailing)
    var, component = "x", ""
    if m := _PHI_LHS.match(s):
        var, component, s = m[1], m[2] or "", s[m.end():]
    s = re.sub(r"\\in\s*(?:\\mathbb\{R\}|R(?![A-Za-z])|ℝ).*$", " ", s)  # a print loses \\mathbb
    s, remark = _split_condition(s)
    s = s.strip().rstrip(".,")
    if m := re.match(r"^\\?\{(.*?)(?:\\mid|\||∣|:)(.*)\\?\}", s):  # a print drops the "\\" of "\\{"
        term = _term(m[1], var)
        if term is None or not term["monomial"]:
            raise ValueError("set notation without a monomial")
        return [{**term, "where": _where(m[2])}]
    if component:
        term = _term(_PROSE.sub(" ", _split_items(s)[0]), var)  # "x_i x_j, vectorized"
        if not term or not term["monomial"]:
            raise ValueError("component form without a monomial")
        return [{**term, "where": term["where"] or _where(remark) or _where(trailing)}]
    body, after = s, ""
    if s[:1] in "[(" and (group := balanced(s, 0)):
        body, after = group[1:-1], s[len(group):]
    items = _split_items(body)
    had_ellipsis = any(_ELLIPSIS.search(i) for i in items)
    terms = [t for t in (_term(_ELLIPSIS.sub("", i) if not _ELLIPSIS.fullmatch(i.strip()) else i, var) for i in items) if t]
    if not terms or all(not t["monomial"] for t in terms) and len(terms) == 1 and terms[0]["coef"] != "1":
        raise ValueError("no components recognised")
    return _unstated_pairs(_restrict(_generalise(terms, had_ellipsis), _where(remark) or _where(after)))


def _unstated_pairs(terms: list[dict]) -> list[dict]:
    """A product of two different indices with no condition, listed beside the squares
    (``[.., x_i^2, \\sqrt{2} x_i x_j]``), ranges over pairs the writer did not state (i<j? i≠j?
    all?): marked ``implicit`` for the verifier to try each. ``x \\otimes x`` is all pairs."""
    squares = any(len(t["monomial"]) == 2 and t["monomial"][0] == t["monomial"][1] for t in terms)
    out = []
    for t in terms:
        mono, pairs = t["monomial"], t.pop("pairs", "")
        if (squares and not pairs and not t["where"] and len(mono) == 2 and mono[0] != mono[1]
                and all(isinstance(i, str) for i in mono)):
            t = {**t, "implicit": True}
        out.append(t)
    return out


def _components(pieces: list[str], trailing: str) -> list[dict]:
    """Families of a map written component by component; a constant component is allowed here."""
    out = []
    for piece in pieces:
        piece = re.sub(r"(?:[,;]|\band\b|\\text\{\s*and\s*\})\s*$", "", piece.strip()).strip()
        m = _PHI_LHS.match(piece)
        term = _term(_PROSE.sub(" ", _split_items(piece[m.end():])[0]), m[1])
        if term is None:
            raise ValueError(f"component {piece!r} not read")
        out.append(term)
    return _unstated_pairs(_restrict(out, _where(trailing)))


_MAX_MAP_CHARS = 2000  # a written-out map is far shorter; bounds the work on a long line of text


def _matrices_as_lists(latex: str) -> str:
    """``\\begin{bmatrix} 1 \\\\ \\sqrt{2} x_1 \\\\ \\vdots \\end{bmatrix}`` -> ``[1, \\sqrt{2} x_1, \\vdots]``."""
    return _MATRIX.sub(lambda m: "[" + re.sub(r"(?<!\\)\\\\|&", ",", m[2]) + "]", latex)


def candidates(text: str) -> list[Candidate]:
    out = []
    for cand in math_candidates(text) or plain_lines(text):
        covered, latex = 0, _matrices_as_lists(cand.text)  # a component list is one candidate
        for m in _PHI.finditer(latex):
            chunk = re.split(r"(?<!\\)\\\\", latex[m.start():m.start() + _MAX_MAP_CHARS])[0]
            if m.start() < covered or _IN_PRODUCT.search(latex[:m.start()]):
                continue
            if "=" not in chunk or not (lhs := _PHI_LHS.match(_clean(chunk[:80]))):
                continue
            if lhs[2] and len(_COMPONENT_LHS.findall(_clean(chunk))) > 1:
                expr, covered = chunk.strip(), m.start() + len(chunk)
            else:
                members = split_relations(chunk)
                expr = f"{members[0].strip()} = {members[1].strip()}"
            out.append(Candidate(expr.strip(), cand.rank, cand.pos + m.start() / 10_000, cand.line, role=cand.role))
    return out


def extract(text: str, part) -> list[tuple[str, str, list[str]]]:
    pick = best(candidates(text))
    if pick is None:
        return []
    trailing = pick.line.split(pick.text[-20:], 1)[-1] if pick.text[-20:] in pick.line else pick.line
    tags = [f"source={RANK_NAMES[pick.rank]}"]
    try:
        return [(pick.text, json.dumps(parse_feature_map(pick.text, trailing)), tags)]
    except ValueError as exc:
        return [(pick.text, "", tags + [f"unparsed: {exc}"])]
