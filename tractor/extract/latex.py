"""LaTeX normalisation and parsing shared by every extractor.

Transcripts write the same mathematics many ways: ``q^\\top k``, ``q^{\\text{top } k}`` (a chat
page's broken export), ``qᵀk`` (a PDF), ``\\langle q, k\\rangle``. :func:`normalize_latex`
rewrites deep-learning notation into one LaTeX dialect that ``latex2sympy2_extended`` parses, and
:func:`parse_latex` parses it with symbol case kept (``K`` and ``k`` differ) and a time limit.
Special symbols (dot products, norms, multi-letter names) are hidden behind ``\\mathrm{...}``
so the parser keeps them as one symbol; see the package docstring for the resulting names.
"""

from __future__ import annotations

import functools
import re
import signal
import threading
from contextlib import contextmanager

import sympy

from ..ingest.pdf_layout import LOST_MATH

PARSE_TIMEOUT_S = 2.0
MAX_PARSE_CHARS = 400

# Unicode math as PDFs and plain-text exports give it -> LaTeX.
_UNICODE = {
    "√": r"\sqrt ", "·": r" \cdot ", "⋅": r" \cdot ", "×": r" \times ", "⊗": r" \otimes ", "⊙": r" \odot ",
    "≤": r" \leq ", "≥": r" \geq ", "≠": r" \neq ", "≈": r" \approx ", "→": r" \rightarrow ", "⇒": r" \Rightarrow ",
    "…": r" \dots ", "⋯": r" \dots ", "∑": r"\sum ", "∈": r" \in ", "−": "-", "–": "-", "‖": r"\|", "∞": r"\infty ",
    "ᵀ": "^T", "⊤": r"^\top", "²": "^2", "³": "^3", "⁴": "^4", "ᵢ": "_i", "ⱼ": "_j", "₁": "_1", "₂": "_2",
    "⟨": r"\langle ", "⟩": r"\rangle ", "ϕ": r"\phi ", "φ": r"\phi ",
}
_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "θ": "theta", "λ": "lambda",
    "μ": "mu", "ν": "nu", "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "ψ": "psi", "ω": "omega",
    "Σ": "Sigma", "Φ": "Phi",
}
_UNICODE.update({ch: rf"\{name} " for ch, name in _GREEK.items()})
# Greek letters spelled out in plain text ("d mu^2", "sigma^2"): a whole word, not part of one.
_SPELLED_GREEK = re.compile(rf"(?<![\\A-Za-z])({'|'.join(sorted(set(_GREEK.values()), key=len, reverse=True))})(?![A-Za-z])")

_TRANSPOSE = r"(?:\^\s*\{?\s*(?:\\top|T|\\intercal|\\mathsf\{T\}|\\text\{T\})\s*\}?)"
_VEC = r"(?:\\mathbf\{(?P<{0}b>[A-Za-z])\}|\\(?P<{0}g>mu|sigma|alpha|beta|theta)\b|(?P<{0}l>[A-Za-z](?:_\{?[A-Za-z0-9]\}?)?))"


def _vec(tag: str) -> str:
    return _VEC.replace("{0}", tag)


def _name(m: re.Match, tag: str) -> str:
    name = m[f"{tag}b"] or m[f"{tag}g"] or m[f"{tag}l"]
    return re.sub(r"[{}]", "", name)


def _dot_symbol(a: str, b: str) -> str:
    """The one symbol a dot product becomes: ``qk`` for q, k; ``norm_mu**2`` for mu with itself.
    A dot product of vectors is symmetric: ``k^T q`` is the same symbol (the names in one fixed
    order); of matrices (capitals: ``K^T Q``) it is not."""
    if a[:1].islower() and b[:1].islower():
        a, b = sorted((a, b), reverse=True)
    return rf"\mathrm{{norm\_{a}}}^{{2}}" if a == b else rf"\mathrm{{{a}{b}}}"


def unicode_to_latex(text: str) -> str:
    """Rewrite the Unicode math of PDF and plain-text transcripts as LaTeX (``√d`` -> ``\\sqrt d``)."""
    out = "".join(_UNICODE.get(ch, ch) for ch in text)
    out = re.sub(r"\^\s*(?=\^)", "", out)  # a PDF's "q^⊤" already marks the superscript
    return re.sub(r"\\sqrt\s+([A-Za-z0-9])", r"\\sqrt{\1}", out)


def normalize_latex(text: str) -> str:
    """One LaTeX dialect for every notation the transcripts use (see the module docstring)."""
    s = unicode_to_latex(text).strip().strip("$").strip()
    s = _SPELLED_GREEK.sub(r"\\\1", s)
    s = s.replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&")
    s = re.sub(r"\\(?:left|right|big|Big|bigg|Bigg)(?![A-Za-z])\s*", "", s)
    s = re.sub(r"\\(?:displaystyle|quad|qquad|,|;|!|:)(?![A-Za-z])", " ", s)
    s = re.sub(r"\\(?:mathbf|boldsymbol|bm|vec|textbf)\{([^{}]*)\}", r"\1", s)
    s = re.sub(r"\\(?:mathbb|mathrm|operatorname|text|textrm|mathcal|mathit)\{\s*E\s*\}", "E", s)
    s = re.sub(r"\\(?:mathrm|operatorname|text|textrm)\{\s*(Var|Cov|sim|softmax|vec)\s*\}", r"\1", s)
    s = re.sub(r"(?<![A-Za-z\\])(Var|Cov|sim|softmax|vec|E)\s*(?=[(\[])", r"\\mathrm{\1}", s)
    s = re.sub(r"\\mathcal\{O\}", "O", s)
    s = re.sub(r"\\dfrac|\\tfrac", r"\\frac", s)
    # ChatGPT page exports render q^\top k as q^{\text{top } k} or q^{\mathrm{top} \, k}.
    s = re.sub(r"\^\s*\{\s*\\(?:text|mathrm)\{\s*top\s*\}?\s*([A-Za-z](?:_\{?\w+\}?)?)\s*\}?\s*\}", r"^T \1", s)
    s = re.sub(r"\^\s*\{\s*\\(?:text|mathrm)\{top\s*\}\s*\}", "^T", s)
    # ... and a print of such a page loses the backslashes: q^{top k}, q^{top}
    s = re.sub(r"\^\s*\{\s*top\s+([A-Za-z](?:_\{?\w+\}?)?)\s*\}", r"^T \1", s)
    s = re.sub(r"\^\s*\{\s*top\s*\}", "^T", s)
    s = _rewrite_dot_products(s)
    s = re.sub(r"\\\|\s*([A-Za-z]|\\[a-z]+)\s*\\\|", lambda m: rf"\mathrm{{norm\_{m[1].lstrip(chr(92))}}}", s)
    s = re.sub(r"\\lVert\s*([A-Za-z]|\\[a-z]+)\s*\\rVert", lambda m: rf"\mathrm{{norm\_{m[1].lstrip(chr(92))}}}", s)
    s = re.sub(r"\\text\{[^{}]*\}", " ", s)
    s = re.sub(r"\s+", " ", s).strip().rstrip(".,;").strip()
    return _protect_d(s)


def _rewrite_dot_products(s: str) -> str:
    """``q^T k``, ``q \\cdot k``, ``\\langle q, k\\rangle`` -> the single dot-product symbol."""
    a, b = _vec("a"), _vec("b")
    s = re.sub(rf"\\langle\s*{a}\s*,\s*{b}\s*\\rangle", lambda m: _dot_symbol(_name(m, "a"), _name(m, "b")), s)
    s = re.sub(rf"(?<![A-Za-z\\]){a}\s*{_TRANSPOSE}\s*{b}(?![A-Za-z_(])",
               lambda m: _dot_symbol(_name(m, "a"), _name(m, "b")), s)
    s = re.sub(rf"(?<![A-Za-z\\]){a}\s*(?:\\cdot|\\bullet)\s*{b}(?![A-Za-z_(])",
               lambda m: _dot_symbol(_name(m, "a"), _name(m, "b")) if _is_vector_name(_name(m, "a")) else m[0], s)
    return s


def _is_vector_name(name: str) -> bool:
    """``q \\cdot k`` is a dot product, ``2 \\cdot d`` is not: only lowercase vector-ish names."""
    return name.rstrip("_0123456789") in {"q", "k", "x", "y", "u", "v", "w", "mu", "a", "b"}


def _protect_d(s: str) -> str:
    """latex2sympy reads ``d x`` as a differential; a lone ``d`` in braces is a plain symbol."""
    if s == "d":
        return s
    return re.sub(r"\\mathrm\{[^}]*\}|\\[A-Za-z]+|(?<![A-Za-z])d(?![A-Za-z_])",
                  lambda m: "{d}" if m[0] == "d" else m[0], s)


class ParseTimeout(Exception):
    pass


@contextmanager
def _time_limit(seconds: float):
    """A limit on the CPU time the process spends (``ITIMER_PROF``), not on wall time: on a busy
    machine a wall-clock limit fails parses that are merely waiting for a core, and the same
    corpus would then build differently. Only the main thread can use signals; elsewhere this is
    a no-op."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _raise(signum, frame):
        raise ParseTimeout(f"parse took longer than {seconds}s")

    old = signal.signal(signal.SIGPROF, _raise)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, old)


def parse_latex(latex: str) -> sympy.Expr:
    """Parse normalised LaTeX to sympy; raises ValueError with the reason when it cannot."""
    from latex2sympy2_extended import latex2sympy
    from latex2sympy2_extended.latex2sympy2 import ConversionConfig

    if len(latex) > MAX_PARSE_CHARS:
        raise ValueError(f"too long to parse ({len(latex)} chars)")
    try:
        with _time_limit(PARSE_TIMEOUT_S):
            expr = latex2sympy(latex, conversion_config=ConversionConfig(
                lowercase_symbols=False, interpret_as_mixed_fractions=False))
    except ParseTimeout as exc:
        raise ValueError(str(exc)) from exc
    except Exception as exc:  # the parser raises bare Exceptions for syntax errors
        raise ValueError(f"latex parse error: {str(exc).splitlines()[0][:80]}") from exc
    if not isinstance(expr, sympy.Expr):
        raise ValueError(f"not an expression: {type(expr).__name__}")
    return _plain_symbols(expr)


def _plain_symbols(expr: sympy.Expr) -> sympy.Expr:
    """Rename parser symbols to sympify-safe names: ``d_{model}`` -> ``d_model``, ``norm\\_mu`` -> ``norm_mu``."""
    renames = {}
    for sym in expr.free_symbols:
        name = re.sub(r"[{}\\ ]", "", sym.name).replace("-", "m").replace("+", "p").replace("'", "prime")
        if name != sym.name:
            renames[sym] = sympy.Symbol(name)
    expr = expr.xreplace(renames) if renames else expr
    # the parser reads a lone E or I as Euler's number / the imaginary unit; here they are names
    expr = expr.xreplace({sympy.E: sympy.Symbol("E"), sympy.I: sympy.Symbol("I")})
    from sympy.core.function import AppliedUndef

    calls = {f: sympy.Function(re.sub(r"\\text\{(\w+)\}|\\(\w+)", lambda m: m[1] or m[2], f.func.__name__))(*f.args)
             for f in expr.atoms(AppliedUndef)}
    return expr.xreplace(calls) if calls else expr


_FUNCTIONS = {"sqrt", "exp", "log", "Abs", "sin", "cos", "tanh", "Max", "Min", "Sum", "Rational", "Integer"}


def load_expression(normalized: str) -> sympy.Expr:
    """Read a ``normalized`` expression or big-O string back: every name is a plain Symbol."""
    from sympy.parsing.sympy_parser import parse_expr

    names = set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", normalized)) - _FUNCTIONS
    calls = set(re.findall(r"([A-Za-z_][A-Za-z_0-9]*)\(", normalized)) - _FUNCTIONS
    local = {n: sympy.Function(n) if n in calls else sympy.Symbol(n) for n in names}
    return parse_expr(normalized, local_dict=local, evaluate=True)


@functools.lru_cache(maxsize=4096)
def to_normalized(latex: str) -> tuple[str, str]:
    """``(str(expr), "")`` for parseable LaTeX, else ``("", reason)``. Text carrying the PDF
    reader's lost-structure mark is not read at all: a guess at the lost radical or bar would be
    a claim the model never made. Cached: the same formula (the key's references, a claim
    restated across attempts and posts) is parsed once per process."""
    if LOST_MATH in latex:
        return "", "the PDF print lost math structure here (a drawn radical or bar)"
    normalized = normalize_latex(latex)
    if re.search(r"\^\s*\{?\s*(?:T|\\top)\b", normalized):
        return "", "matrix expression (transpose left after dot products): not scalar algebra"
    try:
        return str(parse_latex(normalized)), ""
    except ValueError as exc:
        return "", str(exc)
