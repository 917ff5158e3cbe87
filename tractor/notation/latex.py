"""LaTeX normalisation and parsing shared by every extractor.

Transcripts write the same mathematics many ways: ``q^\\top k``, ``q^{\\text{top } k}`` (a chat
page's broken export), ``qᵀk`` (a PDF), ``\\langle q, k\\rangle``. :func:`normalize_latex`
rewrites deep-learning notation into one LaTeX dialect that ``latex2sympy2_extended`` parses, and
:func:`parse_latex` parses it with symbol case kept (``K`` and ``k`` differ) and a time limit.
Special symbols (dot products, norms, multi-letter names) are hidden behind ``\\mathrm{...}``
so the parser keeps them as one symbol; see the package docstring for the resulting names.

The layer is one pass of named steps, each for one family of notation (delimiters and boxes,
code forms such as ``math.sqrt(d)`` and ``d**0.5``, Unicode sub- and superscripts and
look-alikes, spacing, font and text macros, one-token macro arguments ``\\frac13``, number
formatting, norms with their subscripts and powers, sums); the parser then does the reading, and
:func:`canonical_sums` turns a sum over every component (``\\sum_i \\mu_i^2``, ``Σᵢ qᵢkᵢ``) into
the same norm and dot-product symbols the vector notation gives.
"""

from __future__ import annotations

import functools
import re
import signal
import threading
from contextlib import contextmanager

import sympy

from .marks import LOST_MATH

PARSE_TIMEOUT_S = 2.0
MAX_PARSE_CHARS = 400

# Unicode math as PDFs and plain-text exports give it -> LaTeX. Look-alikes map to one letter:
# the micro sign µ (U+00B5) is mu, ϕ and φ are phi, ∥ (parallel) and ‖ are the norm bars.
_UNICODE = {
    "√": r"\sqrt ", "·": r" \cdot ", "⋅": r" \cdot ", "×": r" \times ", "⊗": r" \otimes ", "⊙": r" \odot ",
    "≤": r" \leq ", "≥": r" \geq ", "≠": r" \neq ", "≈": r" \approx ", "→": r" \rightarrow ", "⇒": r" \Rightarrow ",
    "…": r" \dots ", "⋯": r" \dots ", "∑": r"\sum ", "∈": r" \in ", "−": "-", "–": "-", "‖": r"\|", "∥": r"\|",
    "∞": r"\infty ", "ᵀ": "^T", "⊤": r"^\top", "⟨": r"\langle ", "⟩": r"\rangle ", "ϕ": r"\phi ", "φ": r"\phi ",
    "µ": r"\mu ", "\u2009": " ", "\u202f": " ", "\u00a0": " ",
}
_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "θ": "theta", "λ": "lambda",
    "μ": "mu", "ν": "nu", "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "ψ": "psi", "ω": "omega",
    "Σ": "Sigma", "Φ": "Phi",
}
_UNICODE.update({ch: rf"\{name} " for ch, name in _GREEK.items()})
_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ⁿⁱ", "0123456789+-()ni"))
_SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋₍₎ᵢⱼₖₙₘₜₓₐₑₒᵣᵤᵥₗₚₛ", "0123456789+-()ijknmtxaeoruvlps"))
# Greek letters spelled out in plain text ("d mu^2", "sigma^2"): a whole word, not part of one.
SPELLED_GREEK = frozenset(_GREEK.values())
_SPELLED_GREEK = re.compile(rf"(?<![\\A-Za-z])({'|'.join(sorted(SPELLED_GREEK, key=len, reverse=True))})(?![A-Za-z])")

_TRANSPOSE = r"(?:\^\s*\{?\s*(?:\\top|T|\\intercal|\\mathsf\{T\}|\\text\{T\}|\\prime|')\s*\}?|')"
_VEC = r"(?:\\mathbf\{(?P<{0}b>[A-Za-z])\}|\\(?P<{0}g>mu|sigma|alpha|beta|theta)\b|(?P<{0}l>[A-Za-z](?:_\{?[A-Za-z0-9]\}?)?))"
# a norm's argument: a letter, a Greek name or a bold letter, with an optional subscript
_NORM_ARG = r"\s*((?:[A-Za-z]|\\[a-z]+)(?:_\{?[A-Za-z0-9]\}?)?)\s*"
_NORM_SCRIPT = r"(?P<scripts>(?:\s*[_^]\s*(?:\{[^{}]*\}|\\[A-Za-z]+|[A-Za-z0-9]))*)"
_SPACING = re.compile(r"(?<!\\)\\(?:(?:quad|qquad|enspace|thinspace|medspace|thickspace)(?![A-Za-z])|[,;!:>\s])|~")
_DOTS = re.compile(r"\\(?:dots[bcmio]?|ldots|cdots|vdots|ddots)(?![A-Za-z])|(?<![.\d])\.\s+\.\s+\.(?![.\d])|\.{3}")
_FONT = r"mathbf|boldsymbol|bm|vec|mathit|mathsf|mathnormal|textbf|textit|emph|mathbfit|pmb|hat|bar|tilde|widehat|overline"
_TEXT = r"text|mbox|textrm|textnormal|textsf|texttt|hbox"
# code spelling of math: math.sqrt(d), np.exp(x), torch.log(n), sympy.pi
_CODE_PREFIX = re.compile(r"\b(?:math|np|numpy|torch|sympy|sp|cmath|jnp|tf)\.(?=[a-z]+\b)")
_CODE_FUNCTIONS = ("sqrt", "exp", "log", "ln", "sin", "cos", "tan", "tanh", "sinh", "cosh")
_FUNCTION_NAMES = "Var|Cov|sim|softmax|vec|E|max|min|argmax|tr|diag"


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


def braced(text: str, at: int) -> tuple[str, int] | None:
    """The argument starting at ``text[at]`` (after spaces): a balanced ``{...}`` group (inner
    text), a ``\\command`` or one character; with the index just past it. None at the end."""
    i = at
    while i < len(text) and text[i] == " ":
        i += 1
    if i >= len(text):
        return None
    if text[i] == "{":
        depth = 0
        for j in range(i, len(text)):
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            if depth == 0:
                return text[i + 1:j], j + 1
        return None
    if text[i] == "\\":
        m = re.match(r"\\(?:[A-Za-z]+|.)", text[i:])
        return m[0], i + m.end()
    return text[i], i + 1


def _macro_args(s: str, macro: str, count: int, build) -> str:
    """Rewrite each ``\\macro`` with ``count`` TeX arguments (braced or one token, as TeX reads
    ``\\frac13``) by ``build(*args)``; an incomplete one is left as it is."""
    out, pos = [], 0
    for m in re.finditer(rf"\\(?:{macro})(?![A-Za-z])", s):
        if m.start() < pos:
            continue
        args, at = [], m.end()
        for _ in range(count):
            got = braced(s, at)
            if got is None:
                break
            args.append(got[0])
            at = got[1]
        if len(args) == count:
            out.append(s[pos:m.start()] + build(m[0], *args))
            pos = at
    return "".join(out) + s[pos:]


def unwrap(s: str, macros: str, keep=lambda inner: inner) -> str:
    """Replace each ``\\macro{inner}`` (balanced) by ``keep(inner)``, innermost last."""
    return _macro_args(s, macros, 1, lambda _, inner: keep(unwrap(inner, macros, keep)))


def _scripts(text: str, table: dict, mark: str) -> str:
    """A run of Unicode super- or subscript characters -> one ``^{...}`` / ``_{...}``."""
    chars = "".join(map(re.escape, table))
    return re.sub(f"[{chars}]+", lambda m: mark + "{" + "".join(table[c] for c in m[0]) + "}", text)


def unicode_to_latex(text: str) -> str:
    """Rewrite the Unicode math of PDF and plain-text transcripts as LaTeX (``√d`` -> ``\\sqrt{d}``,
    ``μᵢ²`` -> ``\\mu_{i}^{2}``, ``Σᵢ`` -> ``\\sum_{i}``)."""
    text = re.sub(r"[Σ∑](?=\s*[_ᵢⱼₖₙₘₜ₀₁])", r"\\sum ", text)  # a sigma with an index is a sum
    text = _scripts(_scripts(text, _SUPERSCRIPTS, "^"), _SUBSCRIPTS, "_")
    text = re.sub(r"√\s*(\d+(?:\.\d+)?|[A-Za-zα-ωµ](?:_\{[^{}]*\}|_\w)?)", r"\\sqrt{\1}", text)
    text = _radical_groups(text)
    out = "".join(_UNICODE.get(ch, ch) for ch in text)
    out = re.sub(r"\^\s*(?=\^)", "", out)  # a PDF's "q^⊤" already marks the superscript
    out = re.sub(r"\\sqrt\s*\{\\(\w+)\s*\}", r"\\sqrt{\\\1}", out)
    return re.sub(r"\\sqrt\s+([A-Za-z0-9])", r"\\sqrt{\1}", out)


def _radical_groups(text: str) -> str:
    """``√(d + 1)`` -> ``\\sqrt{d + 1}``: the radical covers the bracketed group."""

    out, pos = [], 0
    for m in re.finditer(r"√\s*\(", text):
        if m.start() < pos or (group := balanced(text, m.end() - 1)) is None:
            continue
        out.append(text[pos:m.start()] + "\\sqrt{" + group[1:-1] + "}")
        pos = m.end() - 1 + len(group)
    return "".join(out) + text[pos:]


# a backslash command whose "\\f", "\\b", "\\t", "\\r", "\\v", "\\a" a program's string literal
# turned into a control character ("\\frac" stored as form feed + "rac")
_EATEN = {"\f": r"\f", "\b": r"\b", "\v": r"\v", "\a": r"\a"}
_EATEN_WORDS = re.compile(r"\t(?=imes|ext|heta|au|ilde|op|frac|riangle)|\r(?=ight|ho|angle)")


def restore_escapes(s: str) -> str:
    s = "".join(_EATEN.get(ch, ch) for ch in s)
    return _EATEN_WORDS.sub(lambda m: {"\t": r"\t", "\r": r"\r"}[m[0]], s)


def strip_delimiters(s: str) -> str:
    """Math delimiters and boxes around a formula: ``$..$``, ``$$..$$``, ``\\[..\\]``, ``\\(..\\)``,
    ``\\boxed{..}``, ``\\fbox{..}``, ``\\displaystyle``, markdown bold around it."""
    s = s.strip()
    while True:
        before = s
        s = re.sub(r"^\*\*(.+)\*\*$", r"\1", s, flags=re.S).strip()
        s = re.sub(r"^\$\$(.*)\$\$$|^\$(.*)\$$|^\\\[(.*)\\\]$|^\\\((.*)\\\)$",
                   lambda m: next(g for g in m.groups() if g is not None), s, flags=re.S).strip()
        if s == before:
            break
    s = unwrap(s, "boxed|fbox|framebox")
    return re.sub(r"\\(?:displaystyle|textstyle|scriptstyle|limits|nolimits)(?![A-Za-z])", " ", s)


def code_forms(s: str) -> str:
    """Math as code writes it: ``math.sqrt(d)`` / ``sqrt(d)`` -> ``\\sqrt{d}``, ``exp(x)`` ->
    ``\\exp(x)``, ``d**0.5`` / ``d**(1/2)`` -> ``d^{0.5}`` / ``d^{(1/2)}``."""
    s = _CODE_PREFIX.sub("", s)
    out, pos = [], 0
    for m in re.finditer(r"(?<![\\A-Za-z])sqrt\s*\(", s):
        if m.start() < pos:
            continue
    
        group = balanced(s, m.end() - 1)
        if group is None:
            continue
        out.append(s[pos:m.start()] + r"\sqrt{" + code_forms(group[1:-1]) + "}")
        pos = m.end() - 1 + len(group)
    s = "".join(out) + s[pos:]
    s = re.sub(rf"(?<![\\A-Za-z])({'|'.join(f for f in _CODE_FUNCTIONS if f != 'sqrt')})\s*(?=\()", r"\\\1", s)
    return re.sub(r"\*\*\s*(\((?:[^()]|\([^()]*\))*\)|-?\d+(?:\.\d+)?|[A-Za-z_]\w*)", r"^{\1}", s)


def _font_and_text(s: str) -> str:
    """Font macros keep their content (``\\mathbf{x}`` -> ``x``); ``\\mathrm``/``\\operatorname``
    of one letter is that letter, of a name the name as one symbol; text macros holding a
    function name (``\\text{Var}``) give the name, holding words (units, remarks) nothing."""
    s = unwrap(s, _FONT)
    s = re.sub(r"\\(?:mathbb|mathrm|operatorname|text|textrm|mathcal|mathit)\{\s*E\s*\}", "E", s)
    s = re.sub(rf"\\(?:mathrm|operatorname\*?|text|textrm|mbox)\{{\s*({_FUNCTION_NAMES})\s*\}}", r"\1", s)
    s = unwrap(s, "mathrm|operatorname|mathcal|mathscr|mathfrak",
               lambda inner: inner.strip() if re.fullmatch(r"\s*[A-Za-z0-9]?\s*", inner) else rf"\mathrm{{{inner.strip()}}}")
    return unwrap(s, _TEXT, lambda inner: inner if re.fullmatch(r"\s*[A-Za-z]?\s*", inner) else " ")


def _one_token_arguments(s: str) -> str:
    """TeX reads one token as an argument: ``\\frac13`` is 1/3, ``\\sqrt3`` is √3, ``\\frac1{d}``."""
    s = re.sub(r"\\(?:dfrac|tfrac|cfrac)(?![A-Za-z])", r"\\frac", s)
    s = _macro_args(s, "frac", 2, lambda _, a, b: rf"\frac{{{a}}}{{{b}}}")
    return _macro_args(s, "sqrt(?!\\s*\\[)", 1, lambda _, a: rf"\sqrt{{{a}}}")


def number_formats(s: str) -> str:
    """Thousands separators (``7,425,000``, ``1{,}024``, ``1 000``, ``1\\,000``) are one number;
    ``4 4/9`` is the mixed number 4 + 4/9 (a proper fraction only: ``11 7/6`` is no number).
    Other digits left next to digits are no product: :func:`to_normalized` refuses them."""
    s = s.replace("{,}", ",")
    s = re.sub(r"(?<![\w.,])[1-9]\d{0,2}(?:,\d{3})+(?![\d,]|\.\d)", lambda m: m[0].replace(",", ""), s)
    s = re.sub(r"(?<![\w.^/])([1-9]\d{0,2}(?: \d{3})+)(?![\w.]| ?/)", lambda m: m[0].replace(" ", ""), s)
    return re.sub(r"(?<![\w.^/)])(\d+) +(\d+)\s*/\s*(\d+)(?![\w.]|\s*\d)",
                  lambda m: f"({m[1]} + {m[2]}/{m[3]})" if int(m[2]) < int(m[3]) else m[0], s)


def _norms(s: str) -> str:
    """``\\|x\\|``, ``\\lVert x\\rVert``, ``\\Vert``, ``||x||`` -> the symbol ``norm_x``; a
    subscript 2 (the Euclidean norm, the default) is dropped wherever it sits among the scripts
    (``\\|x\\|_2^2``, ``\\|x\\|^2_2``); any other subscript names another norm (``norm1_x``)."""
    s = re.sub(r"\\(?:lVert|rVert|Vert)(?![A-Za-z])", r"\\|", s)
    s = re.sub(r"(?<!\\)\|\|", r"\\|", s)

    def norm(m: re.Match) -> str:
        name = re.sub(r"[{}\\]", "", m[1])
        scripts = re.findall(r"([_^])\s*(\{[^{}]*\}|\\[A-Za-z]+|[A-Za-z0-9])", m["scripts"])
        kind, rest = "", ""
        for mark, value in scripts:
            value = value.strip("{} ")
            if mark == "_":
                kind = "" if value == "2" else re.sub(r"\W", "", value).replace("infty", "max")
            else:
                rest += f"^{{{value}}}"
        return rf"\mathrm{{norm{kind}\_{name}}}{rest}"

    return re.sub(rf"\\\|{_NORM_ARG}\\\|{_NORM_SCRIPT}", norm, s)


def _sums(s: str) -> str:
    """A sum with an index but no range (``\\sum_i``, ``Σᵢ``) runs over every component: it gets
    the range 1..``full_range``, which :func:`canonical_sums` reads."""
    return re.sub(r"\\sum\s*_\s*\{?\s*([A-Za-z])\s*\}?(?!\s*\^|\s*=|[A-Za-z0-9])",
                  r"\\sum_{\1=1}^{\\mathrm{full\\_range}} ", s)


def normalize_latex(text: str) -> str:
    """One LaTeX dialect for every notation the transcripts use (see the module docstring)."""
    s = strip_delimiters(unicode_to_latex(restore_escapes(text)))
    s = _SPELLED_GREEK.sub(r"\\\1", s)
    s = s.replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&")
    s = code_forms(s)
    s = re.sub(r"\\(?:left|right|big|Big|bigg|Bigg)[lr]?(?![A-Za-z])\s*\.?", "", s)
    s = _SPACING.sub(" ", s)
    s = _DOTS.sub(r" \\dots ", s)
    # ChatGPT page exports render q^\top k as q^{\text{top } k} or q^{\mathrm{top} \, k}.
    s = re.sub(r"\^\s*\{\s*\\(?:text|mathrm)\{\s*top\s*\}?\s*([A-Za-z](?:_\{?\w+\}?)?)\s*\}?\s*\}", r"^T \1", s)
    s = re.sub(r"\^\s*\{\s*\\(?:text|mathrm)\{top\s*\}\s*\}", "^T", s)
    s = _font_and_text(s)
    s = re.sub(rf"(?<![A-Za-z\\])({_FUNCTION_NAMES})\s*(?=[(\[])", r"\\mathrm{\1}", s)
    s = re.sub(r"\\mathcal\{O\}", "O", s)
    s = _one_token_arguments(s)
    s = number_formats(s)
    # ... and a print of such a page loses the backslashes: q^{top k}, q^{top}
    s = re.sub(r"\^\s*\{\s*top\s+([A-Za-z](?:_\{?\w+\}?)?)\s*\}", r"^T \1", s)
    s = re.sub(r"\^\s*\{\s*top\s*\}", "^T", s)
    s = _rewrite_dot_products(s)
    s = _norms(s)
    s = _sums(s)
    s = re.sub(r"\s+", " ", s).strip().rstrip(".,;").strip()
    return _protect_d(s)


def _rewrite_dot_products(s: str) -> str:
    """``q^T k``, ``q \\cdot k``, ``\\langle q, k\\rangle``, a PDF's ``qTk`` -> the single
    dot-product symbol."""
    a, b = _vec("a"), _vec("b")
    s = re.sub(rf"\\langle\s*{a}\s*,\s*{b}\s*\\rangle", lambda m: _dot_symbol(_name(m, "a"), _name(m, "b")), s)
    s = re.sub(rf"(?<![A-Za-z\\]){a}\s*{_TRANSPOSE}\s*{b}(?![A-Za-z_(])",
               lambda m: _dot_symbol(_name(m, "a"), _name(m, "b")), s)
    # a flattened transpose (qTk, µTµ): a capital T glued to the second vector
    s = re.sub(rf"(?<![A-Za-z\\]){a}\s*T{b}(?![A-Za-z_(])",
               lambda m: _dot_symbol(_name(m, "a"), _name(m, "b"))
               if _is_vector_name(_name(m, "a")) and _is_vector_name(_name(m, "b")) else m[0], s)
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


def parse_latex(latex: str):
    """Parse normalised LaTeX to sympy; raises ValueError with the reason when it cannot. A
    matrix comes back as an ImmutableMatrix (matrix arithmetic done); a float exponent as the
    fraction it spells (``d^{0.5}`` is ``sqrt(d)``)."""
    from latex2sympy2_extended import latex2sympy
    from latex2sympy2_extended.latex2sympy2 import ConversionConfig

    if len(latex) > MAX_PARSE_CHARS:
        raise ValueError(f"too long to parse ({len(latex)} chars)")
    try:
        with _time_limit(PARSE_TIMEOUT_S):
            expr = latex2sympy(latex, conversion_config=ConversionConfig(
                lowercase_symbols=False, interpret_as_mixed_fractions=False))
            if isinstance(expr, (sympy.MatrixBase, sympy.MatrixExpr)):
                expr = sympy.ImmutableMatrix(expr.doit())
    except ParseTimeout as exc:
        raise ValueError(str(exc)) from exc
    except Exception as exc:  # the parser raises bare Exceptions for syntax errors
        raise ValueError(f"latex parse error: {str(exc).splitlines()[0][:80]}") from exc
    if not isinstance(expr, (sympy.Expr, sympy.MatrixBase)):
        raise ValueError(f"not an expression: {type(expr).__name__}")
    expr = expr.replace(lambda e: e.is_Pow and e.exp.is_Float,
                        lambda e: sympy.Pow(e.base, sympy.nsimplify(e.exp)))
    return canonical_sums(_plain_symbols(expr))


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

    calls = {f: sympy.Function(re.sub(r"\\text\{(\w+)\}|\\(\w+)", lambda m: m[1] or m[2], f.func.__name__).strip())(*f.args)
             for f in expr.atoms(AppliedUndef)}
    return expr.xreplace(calls) if calls else expr


def _family_name(symbol: sympy.Symbol, index: sympy.Symbol) -> str | None:
    """``mu`` for ``mu_i`` summed over ``i``; None for a symbol not indexed by it."""
    m = re.fullmatch(rf"(.+)_{re.escape(index.name)}", symbol.name)
    return m[1] if m else None


def _over_every_component(index, low, high) -> bool:
    """1..n or 0..n-1 for a size n (a symbol, or the range a bare ``\\sum_i`` implies)."""
    if low == 1:
        return isinstance(high, sympy.Symbol)
    return low == 0 and isinstance(high + 1, sympy.Symbol)


def _component_sum(term: sympy.Expr, index: sympy.Symbol, count: sympy.Expr) -> sympy.Expr | None:
    """One term of a sum over every component as vector notation: ``c x_i^2`` -> ``c norm_x**2``,
    ``c x_i y_i`` -> ``c xy`` (the dot-product symbol), a term free of the index -> ``count``
    times it; None when the term is anything else (it stays a Sum)."""
    indexed = [s for s in term.free_symbols if _family_name(s, index)]
    coeff, rest = term.as_independent(*indexed, as_Add=False) if indexed else (term, sympy.Integer(1))
    if index in coeff.free_symbols:
        return None
    if rest == 1:
        return coeff * count
    names = [_family_name(s, index) for s in indexed]
    if len(names) == 1 and rest == indexed[0] ** 2:
        return coeff * sympy.Symbol(f"norm_{names[0]}") ** 2
    if len(names) == 2 and rest == indexed[0] * indexed[1]:
        return coeff * sympy.Symbol("".join(sorted(names, reverse=True)))
    return None


def canonical_sums(expr: sympy.Expr) -> sympy.Expr:
    """Sums over every component of indexed names read as the vector notation they spell:
    ``Sum(mu_i**2, (i, 1, d))`` -> ``norm_mu**2``, ``Sum(q_i*k_i, ...)`` -> ``qk``,
    ``Sum(1, (i, 1, d))`` -> ``d``. A sum the rules do not cover is left as it is (a
    ``full_range`` bound left in it is no name of the problem, so it is never judged)."""
    def rewrite(total):
        if len(total.limits) != 1 or len(total.limits[0]) != 3:
            return total
        index, low, high = total.limits[0]
        if not _over_every_component(index, low, high):
            return total
        count = high - low + 1
        terms = [_component_sum(t, index, count) for t in sympy.Add.make_args(sympy.expand(total.function))]
        return total if any(t is None for t in terms) else sympy.Add(*terms)

    return expr.replace(lambda e: isinstance(e, sympy.Sum), rewrite) if expr.has(sympy.Sum) else expr


_FUNCTIONS = {"sqrt", "exp", "log", "Abs", "sin", "cos", "tanh", "Max", "Min", "Sum", "Rational", "Integer"}


def load_expression(normalized: str) -> sympy.Expr:
    """Read a ``normalized`` expression or big-O string back: every name is a plain Symbol."""
    from sympy.parsing.sympy_parser import parse_expr

    names = set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", normalized)) - _FUNCTIONS
    calls = set(re.findall(r"([A-Za-z_][A-Za-z_0-9]*)\(", normalized)) - _FUNCTIONS
    local = {n: sympy.Function(n) if n in calls else sympy.Symbol(n) for n in names}
    return parse_expr(normalized, local_dict=local, evaluate=True)


def _top_level_equals(s: str) -> list[str]:
    """``s`` split at each ``=`` outside brackets (one piece when there is none)."""
    parts, depth, last = [], 0, 0
    for i, ch in enumerate(s):
        depth += {"{": 1, "(": 1, "[": 1, "}": -1, ")": -1, "]": -1}.get(ch, 0)
        if ch == "=" and depth == 0 and s[i - 1:i] not in ("<", ">", "!", "\\") and s[i + 1:i + 2] != "=":
            parts.append(s[last:i])
            last = i + 1
    return parts + [s[last:]]


@functools.lru_cache(maxsize=4096)
def to_normalized(latex: str, _in_relation: bool = False) -> tuple[str, str]:
    """``(str(expr), "")`` for parseable LaTeX, else ``("", reason)``. An equation ``a = b``
    gives ``Eq(a, b)``. Text carrying the PDF reader's lost-structure mark is not read at all:
    a guess at the lost radical or bar would be a claim the model never made; nor is a
    percentage (28% may mean 28 or 0.28). Cached: the same formula (the key's references, a
    claim restated across attempts and posts) is parsed once per process."""
    if LOST_MATH in latex:
        return "", "the PDF print lost math structure here (a drawn radical or bar)"
    if re.search(r"%|\bpercent\b|\bpct\b", latex):
        return "", "a percentage: whether it means the number or a hundredth of it is not said"
    normalized = normalize_latex(latex)
    if re.search(r"\d\s+\d", normalized):
        return "", "numbers side by side: neither one number nor a product"
    if re.search(r"(?<!\\):", normalized):
        return "", "a ratio or a time (a colon): not an expression"
    sides = _top_level_equals(normalized)
    if len(sides) > 2:
        return "", "several relations in one formula: several values, not one"
    if len(sides) == 2 and all(side.strip() for side in sides):
        if _in_relation:  # normalising a side made a relation again: no end to splitting
            return "", "a relation inside a side of a relation"
        lhs, rhs = (to_normalized(side.strip(), _in_relation=True) for side in sides)
        if lhs[0] and rhs[0]:
            return f"Eq({lhs[0]}, {rhs[0]})", ""
        return "", lhs[1] or rhs[1]
    if re.search(r"\^\s*\{?\s*(?:T|\\top)\b", normalized):
        return "", "matrix expression (transpose left after dot products): not scalar algebra"
    try:
        return str(parse_latex(normalized)), ""
    except ValueError as exc:
        return "", str(exc)

def balanced(text: str, open_at: int) -> str | None:
    """The text from the bracket at ``open_at`` to its match, inclusive."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    stack = []
    for i in range(open_at, len(text)):
        ch = text[i]
        if ch in pairs:
            stack.append(pairs[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
            if not stack:
                return text[open_at:i + 1]
    return None
