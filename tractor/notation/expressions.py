"""Reading expressions into sympy and deciding equivalence.

Claims arrive as ``str()`` of a sympy expression (see :mod:`tractor.extract`); answer keys write
LaTeX-ish text. Every name becomes a *positive* Symbol (sizes, scales and norms are positive,
which lets ``sqrt(d**2)`` simplify to ``d``), and case is kept (``N`` and ``n`` differ; ``E`` and
``Q`` are never sympy built-ins). Equivalence uses Math-Verify's ``verify`` on the sympy objects
with a timeout, then sympy's own simplification, and a numeric counterexample explains a "no".
Equations (``Eq(lhs, rhs)``, from a claim checked against a bare reference) compare as
Math-Verify compares them: a value named by its left side (``x = 11``) is its value, an
equation of two expressions (``2x + 4y - 3 = 0``) is a relation, equal to another whose sides'
difference is a constant multiple of its own. Matrices compare entry by entry.
"""

from __future__ import annotations

import random
import re

import sympy
from sympy.parsing.sympy_parser import (convert_xor, implicit_multiplication_application,
                                        parse_expr, standard_transformations)

_FUNCTIONS = {"sqrt": sympy.sqrt, "exp": sympy.exp, "log": sympy.log, "Abs": sympy.Abs,
              "Rational": sympy.Rational, "Integer": sympy.Integer, "Float": sympy.Float,
              "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "sec": sympy.sec, "csc": sympy.csc,
              "cot": sympy.cot, "tanh": sympy.tanh, "pi": sympy.pi,
              "Eq": lambda lhs, rhs: sympy.Eq(lhs, rhs, evaluate=False), "Matrix": sympy.ImmutableMatrix,
              "Sum": sympy.Sum}
_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
_PLAIN = standard_transformations + (implicit_multiplication_application, convert_xor)


class ExpressionError(ValueError):
    """Text that cannot be read as an expression; a verifier reports it as unverified."""


def _names(text: str) -> dict:
    """Every name a positive Symbol, except a name applied to arguments (``f(x)``): a function."""
    calls = set(re.findall(r"([A-Za-z_][A-Za-z_0-9]*)\(", text))
    return {n: sympy.Function(n) if n in calls else sympy.Symbol(n, positive=True)
            for n in _NAME.findall(text) if n not in _FUNCTIONS}


def load(text: str) -> sympy.Expr:
    """A sympy ``str()`` form (the extractor's ``normalized``) -> expression with positive symbols."""
    return _parse(text, standard_transformations + (convert_xor,))


def load_plain(text: str) -> sympy.Expr:
    """Plain math as a person types it (``b d^2 + b n d``, ``N^2(D+M)``); ``O(...)`` is dropped."""
    text = text.strip()
    m = re.fullmatch(r"O\s*\((.*)\)", text, re.S)
    return _parse(m[1] if m else text, _PLAIN, split_words=False)


def _parse(text: str, transformations, split_words: bool = False) -> sympy.Expr:
    if not text or not text.strip():
        raise ExpressionError("empty expression")
    local = {**_names(text), **_FUNCTIONS}
    try:
        expr = parse_expr(text, local_dict=local, global_dict={"Symbol": sympy.Symbol, **_FUNCTIONS},
                          transformations=transformations, evaluate=True)
    except Exception as exc:  # sympy raises anything from SyntaxError to TokenError
        raise ExpressionError(f"cannot read {text!r}: {type(exc).__name__}") from exc
    if not isinstance(expr, (sympy.Expr, sympy.Eq, sympy.MatrixBase)):
        raise ExpressionError(f"{text!r} is not an expression")
    return expr


def _is_name(side) -> bool:
    """An equation's left side that names its value (``x``, ``f(x)``, ``|AB|``): no numbers."""
    return bool(side.free_symbols) and not (side.atoms(sympy.Number) - {sympy.Integer(-1)})


def equivalent(claim, reference, timeout: int = 5) -> bool:
    """True when the two expressions are equal for all positive values of their symbols;
    equations and matrices as the module docstring says."""
    claim_eq, ref_eq = isinstance(claim, sympy.Eq), isinstance(reference, sympy.Eq)
    if claim_eq and ref_eq:
        if claim.lhs == reference.lhs and _is_name(claim.lhs):
            return equivalent(claim.rhs, reference.rhs, timeout)
        return _same_relation(claim, reference)
    if claim_eq:
        return equivalent(claim.rhs, reference, timeout)
    if ref_eq:
        return _is_name(reference.lhs) and equivalent(claim, reference.rhs, timeout)
    if isinstance(claim, sympy.MatrixBase) or isinstance(reference, sympy.MatrixBase):
        return (isinstance(claim, sympy.MatrixBase) and isinstance(reference, sympy.MatrixBase)
                and claim.shape == reference.shape
                and all(equivalent(a, b, timeout) for a, b in zip(claim, reference)))
    return _equal(claim, reference, timeout)


def _same_relation(claim, reference) -> bool:
    """``a = b`` and ``c = d`` state the same relation: (a - b) / (c - d) is a nonzero constant."""
    try:
        ratio = sympy.simplify((claim.lhs - claim.rhs) / (reference.lhs - reference.rhs))
    except Exception:  # a zero side or exotic input: not shown to be the same relation
        return False
    return ratio.is_number and ratio != 0 and ratio.is_finite is True


def _equal(claim: sympy.Expr, reference: sympy.Expr, timeout: int) -> bool:
    from math_verify import verify

    if verify(reference, claim, timeout_seconds=timeout):
        return True
    try:
        return sympy.simplify(claim - reference) == 0
    except Exception:  # simplify can fail on exotic input; fall back to "not shown equal"
        return False


def counterexample(claim, reference, tries: int = 20) -> str:
    """A positive assignment where the two differ, as text, or "" when none is found."""
    if not all(isinstance(x, sympy.Expr) for x in (claim, reference)):
        return ""
    symbols = sorted(claim.free_symbols | reference.free_symbols, key=str)
    rng = random.Random(0)
    for attempt in range(tries):
        values = {s: (attempt + 2 if attempt < 3 else rng.randint(2, 9)) for s in symbols}
        try:
            a, b = complex(claim.subs(values)), complex(reference.subs(values))
        except (TypeError, ValueError):
            continue
        if abs(a - b) > 1e-9 * max(1.0, abs(b)):
            at = ", ".join(f"{s}={v}" for s, v in values.items()) or "any values"
            return f"at {at}: claim gives {_num(a)}, reference {_num(b)}"
    return ""


def _num(z: complex) -> str:
    return f"{z.real:.6g}" if abs(z.imag) < 1e-12 else f"{z:.6g}"
