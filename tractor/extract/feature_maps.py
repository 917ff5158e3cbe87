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
is not part of the map. A coefficient that does not read as math makes the claim unparsed.
"""

from __future__ import annotations

import json
import re
from collections import Counter

from .candidates import RANK_NAMES, Candidate, balanced, best, math_candidates, plain_lines
from .expressions import split_relations
from .latex import to_normalized, unicode_to_latex

_ELLIPSIS = re.compile(r"\\[lc]?dots|\\ldots|\.\.\.")
_RELATION = re.compile(r"([a-z])\s*(<=|<|\\leq?|\\lt|\\neq|!=|\\ne)\s*(?=([a-z]))")
_OPS = {"<": "<", "<=": "<=", r"\le": "<=", r"\leq": "<=", r"\lt": "<", r"\neq": "!=", "!=": "!=", r"\ne": "!="}
# x_i, x_{ij}, x_i^2 and a PDF's x^2_i (the superscript printed before the subscript)
_FACTOR = re.compile(r"(?<![A-Za-z\\])([a-z])(?:\^\{?(\d)\}?)?_(?:\{\s*([^{}]+?)\s*\}|(\d+|[A-Za-z]))"
                     r"(?:\^\{?(\d)\}?)?")
# the words that open a condition or a remark after the map: "for 1 <= i <= j <= d", "(over all
# i <= j)", "where x ⊙ x denotes ..."; the map ends there
_CONDITION_WORD = re.compile(r"(?<![A-Za-z\\])(?:for|where|with|over|if|when|i\.e\.)(?![A-Za-z])")
_PROSE = re.compile(r"\([^()]*[A-Za-z]{3,}[^()]*\)")  # "(symmetric, then vectorized)"
_INDEX_VARS = set("ijablmpst")
_PHI_LHS = re.compile(r"^\s*\\?(?:phi|varphi)\s*\(\s*\\?(?:mathbf\{)?([a-z])\}?\s*\)\s*(?:_\{?([a-z]{1,2})\}?)?\s*(?:\^\{?T\}?)?\s*=")


def _clean(latex: str) -> str:
    s = unicode_to_latex(latex)
    s = re.sub(r"\\(?:text|textrm|mathrm|operatorname)\{\s*vec\s*\}", "vec", s)
    s = re.sub(r"\\(?:mathbf|boldsymbol|bm|vec|mathrm|operatorname)\{([^{}]*)\}", r"\1", s)
    s = re.sub(r"\\(?:left|right|big|Big)(?![A-Za-z])|\\[,;!]|\\quad", " ", s)
    if "_" not in s:  # PDF text flattens subscripts: x1, xD
        s = re.sub(r"(?<![A-Za-z\\])([a-z])(\d+|[ijDd])(?!\d)", r"\1_\2", s)
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
    if m := re.search(r"\(([^()]*(?:[<≤>]|\\(?:leq?|neq|lt|le))[^()]*)\)\s*$", item):
        condition, item = _where(m[1]), item[:m.start()]
    if re.search(rf"\\otimes|vec\s*\(|{var}\s*{var}\s*\^\s*\{{?T", item):
        return {"coef": "1", "monomial": ["i", "j"], "where": ""}
    if re.search(r"\\odot", item):
        return {"coef": "1", "monomial": ["i", "i"], "where": ""}
    monomial = []
    for m in _FACTOR.finditer(item):
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
    families = {("linear",): (["i"], ""), ("diag",): (["i", "i"], ""), ("off",): (["i", "j"], "i<j")}
    result = []
    for t in out:
        if "shape" in t:
            mono, where = families[t["shape"]]
            coef = Counter(groups[t["shape"]]).most_common(1)[0][0]
            result.append({"coef": coef, "monomial": mono, "where": where})
        else:
            result.append(t)
    return result


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
    s = _clean(latex)
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
    return _restrict(_generalise(terms, had_ellipsis), _where(remark) or _where(after))


def candidates(text: str) -> list[Candidate]:
    out = []
    for cand in math_candidates(text) or plain_lines(text):
        for m in re.finditer(r"(?:\\phi|\\varphi|ϕ|φ)\s*\(", cand.text):
            chunk = cand.text[m.start():]
            if "=" in chunk.split("\\\\")[0] and _PHI_LHS.match(_clean(chunk)):
                members = split_relations(re.split(r"(?<!\\)\\\\", chunk)[0])
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
