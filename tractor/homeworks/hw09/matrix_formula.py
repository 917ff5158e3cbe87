"""Evaluating a claimed vector/matrix formula numerically, whatever its orientation.

Answers such as ``V'_i = phi(Q_i)^T (sum_j phi(K_j) V_j^T) / phi(Q_i)^T (sum_j phi(K_j))`` mix
transposes, sums and a division whose extent the writer left to the reader. sympy's LaTeX
parsers do not model matrix shapes, so this module reads the small language such answers use
(products, ``^T``, ``\\frac``, ``/``, ``\\sum_j``, ``\\sqrt``, the ones vector ``\\mathbf{1}``,
function application) into a tree and evaluates it on random tensors. Vectors can be read as
columns or as rows; a formula is right when some reading reproduces the reference numerically.
Whole-matrix answers (``phi(Q) (phi(K)^T V) / phi(Q) (phi(K)^T 1)``) use the same tree: the
caller binds unindexed names to stacked matrices instead of vectors.

Abbreviations the answer defines after the formula ("..., where S_j = phi(K_j) V_j^T, Z_j =
phi(K_j)") are substituted. What a print or a chat page does to such formulas is read as the
writer meant it: ``[..]`` brackets group like parentheses, a sum whose limits fell onto the next
line sums over the one index its terms share, and ``1/(\\sqrt{D}) phi(Q)^T phi(K) V`` divides by
the bracket alone (an unbracketed ``a / b c`` still means ``a / (b c)``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...notation.expressions import ExpressionError

_TRANSPOSE = r"(?:\\top|\\intercal|T|\\mathsf\{T\}|\\text\{\s*top\s*\}|\\mathrm\{T\})"
_CLEAN = [
    (r"ᵢ", "_i"), (r"ⱼ", "_j"), (r"[′’]", "'"), (r"(?:Σ|∑)\s*([a-z])(?![A-Za-z(_])", r" SUM_\1 "),
    (r"\\(left|right|big|Big|bigg|Bigg)\b", ""), (r"\\[,;:! ]|\\quad|\\qquad", " "),
    (r"\\(?:text|textrm|mathrm)\{\s*(where|with|and)\s*\}", r" \1 "),
    (rf"\^\s*(?:\{{\s*{_TRANSPOSE}\s*\}}|{_TRANSPOSE})", "^T "),  # a brace only if it opened one
    (r"ᵀ|\^⊤|⊤", "^T "), (r"(\\(mathbf|mathbb|boldsymbol|bm)\{\s*1\s*\}|𝟏)(_\{?[A-Za-z]\}?)?", " ONES "),
    (r"\\(mathbf|boldsymbol|mathrm|bm)\{([^{}]*)\}", r"\2"), (r"\\sqrt|√", " SQRT "),
    (r"\\(var)?phi|φ|ϕ", "phi"), (r"\\sum|∑|Σ|\bsum(?=_)", " SUM"), (r"\\frac|\\dfrac|\\tfrac", " FRAC"),
    (r"_\{\s*([A-Za-z])\s*(\\cdot|\\cdotp|\.|,\s*:|:)?\s*\}", r"_\1"),
    # <a, b> and a \cdot b: the dot product of two vectors (a product where that is not the case)
    (r"(?:\\langle|⟨)([^,⟨⟩]{0,80}?),([^,⟨⟩]{0,80}?)(?:\\rangle|⟩)", r"(\1 DOT \2)"), (r"\\cdot|·", " DOT "),
    (r"\*", " "),
]
_TOKEN = re.compile(r"""\s*(
    SUM(?:_\{[^}]*\}|_[A-Za-z])?(?:\^\{[^}]*\}|\^[A-Za-z0-9])?   # a sum with its limits
  | FRAC | SQRT | ONES | \^T
  | [A-Za-z]+(?:'?_[A-Za-z])?'?                              # V_j, phi, V'_i
  | \d+(?:\.\d+)? | [()\[\]{}/+\-,])""", re.X)
_OPENERS = {"(": ")", "[": "]", "{": "}"}
# "..., where S = sum_j phi(K_j) V_j^T and Z = sum_j phi(K_j)": the definitions after the formula
_WHERE = re.compile(r"(?<![A-Za-z])(?:where|with)(?![A-Za-z])")
_DEFINITION_SPLIT = re.compile(r"[,;]|(?<![A-Za-z])and(?![A-Za-z])")
_DEFINED = re.compile(r"\s*([A-Za-z])(?:_([A-Za-z]))?\s*")


@dataclass(frozen=True)
class Node:
    op: str  # "name", "num", "ones", "apply", "T", "sqrt", "mul", "dot", "div", "add", "sub", "sum"
    args: tuple = ()
    value: str = ""


# a PDF text layer drops subscripts: "ϕ(Qi)", "Vjᵀ", "V′i" are Q_i, V_j, V'_i (only where no
# subscript was written at all)
_FLATTENED = re.compile(r"(?<![A-Za-z])([A-Z]['′]?)([a-z])(?![A-Za-z(])")


def clean(text: str) -> str:
    if "_" not in text and "ᵢ" not in text and "ⱼ" not in text:
        text = _FLATTENED.sub(r"\1_\2", text)
    for pattern, repl in _CLEAN:
        text = re.sub(pattern, repl, text)
    return text


def tokenize(text: str) -> list[str]:
    text, out, pos = clean(text).strip(), [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ExpressionError(f"unexpected {text[pos:pos + 12]!r} in formula")
        out.append(m[1])
        pos = m.end()
    return [t for t in out if t != ","]  # a lost "\," thin space between factors


def parse(text: str) -> Node:
    """The right-hand side of the last top-level ``=`` as a tree, with the names defined after
    a "where" replaced by their definitions (see :func:`substitute`)."""
    formula, definitions = _split_definitions(clean(text))
    node = _tree(_right_hand_side(formula))
    for name, index, body in definitions:
        node = substitute(node, name, index, body)
    return node


def _tree(text: str) -> Node:
    tokens = tokenize(text)
    node, rest = _expr(tokens, 0)
    if rest != len(tokens):
        raise ExpressionError(f"formula not understood past {' '.join(tokens[rest:rest + 4])!r}")
    return node


def _split_definitions(text: str) -> tuple[str, list[tuple[str, str | None, Node]]]:
    """The formula, and ``(name, index, tree)`` for each ``S = ...`` / ``S_j = ...`` stated
    after "where" (a ``\\in \\mathbb{R}^{..}`` shape remark dropped)."""
    where = _WHERE.search(text)
    if not where:
        return text, []
    definitions = []
    for clause in _DEFINITION_SPLIT.split(text[where.end():]):
        lhs, eq, rhs = clause.partition("=")
        if not eq or not (m := _DEFINED.fullmatch(lhs)):
            continue
        rhs = re.split(r"\\in(?![A-Za-z])|∈", rhs)[0]
        definitions.append((m[1], m[2], _tree(rhs)))
    return text[:where.start()].rstrip(" ,;"), definitions


def substitute(node: Node, name: str, index: str | None, body: Node) -> Node:
    """Replace ``name`` by its definition. A name used bare whose definition carries an index
    (``S`` with ``S_j = phi(K_j) V_j^T``) stands for the sum over that index, as in "S = sum_j
    S_j"; ``S_j`` used with the defined index is the definition itself."""
    if node.op == "name":
        if node.value == name:
            return Node("sum", (body,), index) if index else body
        if index and node.value == f"{name}_{index}":
            return body
        return node
    if node.op == "apply":
        return node
    return Node(node.op, tuple(substitute(a, name, index, body) for a in node.args), node.value)


def _right_hand_side(text: str) -> str:
    depth, start = 0, 0
    for pos, ch in enumerate(text):
        depth += ch in "({[" and 1 or (ch in ")}]" and -1 or 0)
        if ch == "=" and depth == 0:
            start = pos + 1
    return text[start:]


def _expr(t, i):
    node, i = _term(t, i)
    while i < len(t) and t[i] in "+-":
        op, (right, i) = t[i], _term(t, i + 1)
        node = Node("add" if op == "+" else "sub", (node, right))
    return node, i


def _term(t, i):
    node, i = _product(t, i)
    if i < len(t) and t[i] == "/":
        if i + 1 < len(t) and t[i + 1] in "([":
            # "1/(√D) phi(Q)^T phi(K) V": a bracketed denominator ends at its bracket
            den, i = _factor(t, i + 1)
            node = Node("div", (node, den))
            if i < len(t) and t[i] not in ")]}+-/":
                rest, i = _product(t, i)
                node = Node("mul", (node, rest))
        else:
            den, i = _product(t, i + 1)  # "a / b c" is read as a / (b c), as such answers mean
            node = Node("div", (node, den))
    return node, i


def _product(t, i):
    factors, dotted = [], []  # dotted[k]: factor k was joined to the left by a dot
    while i < len(t) and t[i] not in ")]}+-/":
        dot = t[i] == "DOT"
        if dot:
            i += 1
        if i < len(t) and t[i].startswith("SUM"):
            m = re.match(r"SUM(?:_\{?\s*([A-Za-z]))?", t[i])
            body, i = _product(t, i + 1)
            factors.append(Node("sum", (body,), m[1] or _sole_index(body)))
            dotted.append(dot)
            break
        f, i = _factor(t, i)
        factors.append(f)
        dotted.append(dot)
    if not factors or dotted[0]:
        raise ExpressionError("empty product")
    node = factors[0]
    for f, dot in zip(factors[1:], dotted[1:]):
        node = Node("dot" if dot else "mul", (node, f))
    return node, i


def _factor(t, i):
    node, i = _primary(t, i)
    while i < len(t) and t[i] == "^T":
        node, i = Node("T", (node,)), i + 1
    return node, i


def _close(t, i, closer):
    if i >= len(t) or t[i] != closer:
        raise ExpressionError(f"missing {closer!r}")
    return i + 1


def _sole_index(body: Node) -> str:
    """The index of a sum whose limits a PDF printed on the next line ("∑ϕ(K_j)V_j^T" over
    "j"): the one subscript its terms share."""
    names = (leaf.args[0].value if leaf.op == "apply" and leaf.args[0].op == "name" else leaf.value
             for leaf in leaves(body))
    found = {m[1] for n in names if (m := re.search(r"_([A-Za-z])$", n or ""))}
    if len(found) != 1:
        raise ExpressionError("a sum without its index")
    return found.pop()


def _primary(t, i):
    tok = t[i]
    if tok in _OPENERS:
        node, j = _expr(t, i + 1)
        return node, _close(t, j, _OPENERS[tok])
    if tok == "FRAC":
        num, j = _expr(t, _close(t, i + 1, "{"))
        den, j = _expr(t, _close(t, _close(t, j, "}"), "{"))
        return Node("div", (num, den)), _close(t, j, "}")
    if tok == "SQRT":
        arg, j = _primary(t, i + 1)
        return Node("sqrt", (arg,)), j
    if tok == "ONES":
        return Node("ones"), i + 1
    if re.fullmatch(r"\d+(\.\d+)?", tok):
        return Node("num", value=tok), i + 1
    if tok == "phi" and i + 1 < len(t) and t[i + 1] == "(":
        arg, j = _expr(t, i + 2)
        return Node("apply", (arg,), "phi"), _close(t, j, ")")
    if re.fullmatch(r"[A-Za-z]+'?(_[A-Za-z])?'?", tok):
        return Node("name", value=tok), i + 1
    raise ExpressionError(f"unexpected {tok!r}")


def leaves(node: Node):
    """Every leaf (``name``, ``apply``, ``ones``, ``num``) of the tree, left to right."""
    if node.op in ("name", "apply", "ones", "num"):
        yield node
    else:
        for arg in node.args:
            yield from leaves(arg)


def evaluate(node: Node, bind, env: dict, count: int):
    """Evaluate with ``bind(node, env)`` giving the tensors of ``name``/``apply``/``ones``
    leaves; 1x1 results act as scalars; ``count`` is the range of every sum index. A division
    is elementwise, or row-/column-wise when the denominator is a matching column/row."""
    import torch

    if node.op == "num":
        return torch.tensor([[float(node.value)]], dtype=torch.float64)
    if node.op in ("name", "apply", "ones"):
        return bind(node, env)
    if node.op == "T":
        return evaluate(node.args[0], bind, env, count).T
    if node.op == "sqrt":
        return evaluate(node.args[0], bind, env, count).sqrt()
    if node.op == "sum":
        return sum(evaluate(node.args[0], bind, {**env, node.value: j}, count) for j in range(count))
    a, b = (evaluate(x, bind, env, count) for x in node.args)
    if node.op in ("add", "sub"):
        return a + b if node.op == "add" else a - b
    if node.op == "div":
        if b.numel() != 1 and not (b.shape == a.shape or b.shape == (a.shape[0], 1)
                                   or b.shape == (1, a.shape[1])):
            raise ExpressionError(f"division of a {tuple(a.shape)} by a {tuple(b.shape)} matrix")
        return a / b
    if a.numel() == 1 or b.numel() == 1:
        return a * b
    if node.op == "dot" and a.shape == b.shape and 1 in a.shape:
        return (a * b).sum().view(1, 1)
    return a @ b
