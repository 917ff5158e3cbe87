"""Evaluating a claimed vector/matrix formula numerically, whatever its orientation.

Answers such as ``V'_i = phi(Q_i)^T (sum_j phi(K_j) V_j^T) / phi(Q_i)^T (sum_j phi(K_j))`` mix
transposes, sums and a division whose extent the writer left to the reader. sympy's LaTeX
parsers do not model matrix shapes, so this module reads the small language such answers use
(products, ``^T``, ``\\frac``, ``/``, ``\\sum_j``, ``\\sqrt``, the ones vector ``\\mathbf{1}``,
function application) into a tree and evaluates it on random tensors. Vectors can be read as
columns or as rows; a formula is right when some reading reproduces the reference numerically.
Whole-matrix answers (``phi(Q) (phi(K)^T V) / phi(Q) (phi(K)^T 1)``) use the same tree: the
caller binds unindexed names to stacked matrices instead of vectors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .expressions import ExpressionError

_TRANSPOSE = r"(?:\\top|\\intercal|T|\\mathsf\{T\}|\\text\{\s*top\s*\}|\\mathrm\{T\})"
_CLEAN = [
    (r"\\(left|right|big|Big|bigg|Bigg)\b", ""), (r"\\[,;:! ]|\\quad|\\qquad", " "),
    (rf"\^\s*(?:\{{\s*{_TRANSPOSE}\s*\}}|{_TRANSPOSE})", "^T "),  # a brace only if it opened one
    (r"ᵀ|\^⊤|⊤", "^T "), (r"(\\(mathbf|mathbb|boldsymbol|bm)\{\s*1\s*\}|𝟏)(_\{?[A-Za-z]\}?)?", " ONES "),
    (r"\\(mathbf|boldsymbol|mathrm|bm)\{([^{}]*)\}", r"\2"), (r"\\sqrt|√", " SQRT "),
    (r"\\(var)?phi|φ|ϕ", "phi"), (r"\\sum|∑|\bsum(?=_)", " SUM"), (r"\\frac|\\dfrac|\\tfrac", " FRAC"),
    (r"_\{\s*([A-Za-z])\s*(\\cdot|\\cdotp|\.|,\s*:|:)?\s*\}", r"_\1"), (r"\\cdot|·|\*", " "),
]
_TOKEN = re.compile(r"""\s*(
    SUM(?:_\{[^}]*\}|_[A-Za-z])?(?:\^\{[^}]*\}|\^[A-Za-z0-9])?   # a sum with its limits
  | FRAC | SQRT | ONES | \^T
  | [A-Za-z]+(?:'?_[A-Za-z])?'?                              # V_j, phi, V'_i
  | \d+(?:\.\d+)? | [(){}/+\-,])""", re.X)


@dataclass(frozen=True)
class Node:
    op: str  # "name", "num", "ones", "apply", "T", "sqrt", "mul", "div", "add", "sub", "sum"
    args: tuple = ()
    value: str = ""


def clean(text: str) -> str:
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
    """The right-hand side of the last top-level ``=`` as a tree."""
    tokens = tokenize(_right_hand_side(clean(text)))
    node, rest = _expr(tokens, 0)
    if rest != len(tokens):
        raise ExpressionError(f"formula not understood past {' '.join(tokens[rest:rest + 4])!r}")
    return node


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
        den, i = _product(t, i + 1)  # "a / b c" is read as a / (b c), as such answers mean
        node = Node("div", (node, den))
    return node, i


def _product(t, i):
    factors = []
    while i < len(t) and t[i] not in ")}+-/":
        if t[i].startswith("SUM"):
            m = re.match(r"SUM(?:_\{?\s*([A-Za-z]))?", t[i])
            if not m[1]:
                raise ExpressionError("a sum without its index")
            body, i = _product(t, i + 1)
            factors.append(Node("sum", (body,), m[1]))
            break
        f, i = _factor(t, i)
        factors.append(f)
    if not factors:
        raise ExpressionError("empty product")
    node = factors[0]
    for f in factors[1:]:
        node = Node("mul", (node, f))
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


def _primary(t, i):
    tok = t[i]
    if tok in "({":
        node, j = _expr(t, i + 1)
        return node, _close(t, j, ")" if tok == "(" else "}")
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
    return a @ b
