"""The notation layer (issue 12): one formula written many ways parses to one sympy form.

Each group is a class of notation, at least five spellings of it; the expected value is the
``normalized`` string a claim carries (``norm_mu`` for a norm, ``qk`` for a dot product).
"""

import pytest

from tractor.notation.latex import load_expression, to_normalized


def _ok(text):
    normalized, reason = to_normalized(text)
    assert not reason, reason
    return normalized


def _same_value(text, normalized):
    assert load_expression(_ok(text)) == load_expression(normalized)


# norms with subscripts and powers: the Euclidean subscript 2 is the default norm
@pytest.mark.parametrize("text", [
    r"\|\mu\|_2^2", r"\|\mu\|^2_2", r"\|\mu\|_{2}^{2}", r"\lVert\mu\rVert^2", r"\lVert \mu \rVert_2^2",
    r"\Vert\mu\Vert^2", "||mu||^2", "∥μ∥²₂", "‖μ‖²", r"\left\|\mu\right\|^2", r"\boxed{\|\mu\|_2^2}",
])
def test_norms(text):
    assert _ok(text) == "norm_mu**2"


# another norm's subscript is kept apart: a different quantity, not the Euclidean norm
@pytest.mark.parametrize("text, normalized", [
    (r"\|\mu\|_1^2", "norm1_mu**2"), (r"\|\mu\|_\infty", "normmax_mu"), (r"\|x\|_1", "norm1_x"),
    (r"\lVert x\rVert_1", "norm1_x"), ("‖μ‖₁", "norm1_mu"),
])
def test_other_norms(text, normalized):
    assert _ok(text) == normalized


# sums over every component become the vector notation they spell
@pytest.mark.parametrize("text, normalized", [
    (r"\sum_{i=1}^d \mu_i^2", "norm_mu**2"), (r"\sum_i \mu_i^2", "norm_mu**2"), ("Σᵢ μᵢ²", "norm_mu**2"),
    ("∑_i μ_i^2", "norm_mu**2"), (r"\sum_{i=0}^{d-1} \mu_i^2", "norm_mu**2"), (r"\sum_{j=1}^{d}\mu_j^{2}", "norm_mu**2"),
    (r"\sum_{i=1}^d 2\mu_i^2", "2*norm_mu**2"), (r"\sum_i q_i k_i", "qk"), ("Σᵢ qᵢkᵢ", "qk"),
    (r"\sum_{i=1}^d 1", "d"),
])
def test_sums(text, normalized):
    assert _ok(text) == normalized


# a sum the rules do not cover keeps its implied range as a name no problem uses
@pytest.mark.parametrize("text", [r"\sum_i \mu_i", r"\sum_i \mu_i^3", "Σᵢ μᵢ", r"\sum_i q_i", r"\sum_{i} \mu_i k"])
def test_sums_left_alone(text):
    assert "full_range" in _ok(text)


# transposes and dot products: one symmetric symbol (k^T q is q^T k)
@pytest.mark.parametrize("text, normalized", [
    (r"\mu^\top\mu", "norm_mu**2"), (r"\mu^T \mu", "norm_mu**2"), (r"\mu^\intercal\mu", "norm_mu**2"),
    ("μᵀμ", "norm_mu**2"), ("µTµ", "norm_mu**2"), (r"\mu^{\top}\mu", "norm_mu**2"),
    (r"q^\top k", "qk"), (r"k^\top q", "qk"), ("qTk", "qk"), (r"\langle k, q\rangle", "qk"), (r"(k^\top q + 1)^2", "(qk + 1)**2"),
])
def test_transposes(text, normalized):
    assert _ok(text) == normalized


# code forms of math
@pytest.mark.parametrize("text", ["sqrt(d)", "math.sqrt(d)", "np.sqrt(d)", "torch.sqrt(d)", "d**0.5", "d**(1/2)",
                                  "d ** 0.5", "numpy.sqrt(d)"])
def test_code_forms(text):
    assert _ok(text) == "sqrt(d)"


# TeX's one-token arguments and fraction variants
@pytest.mark.parametrize("text, normalized", [
    (r"\frac13", "1/3"), (r"\frac1{3}", "1/3"), (r"\frac{1}3", "1/3"), (r"\dfrac{1}{3}", "1/3"), (r"\cfrac13", "1/3"),
    (r"\tfrac{1}{3}", "1/3"), (r"\sqrt3", "sqrt(3)"), (r"\sqrt d", "sqrt(d)"), (r"\frac1{\sqrt d}", "1/sqrt(d)"),
])
def test_one_token_arguments(text, normalized):
    assert _ok(text) == normalized


# number formatting: thousands separators and mixed numbers
@pytest.mark.parametrize("text, normalized", [
    ("1{,}024", "1024"), ("7,425,000", "7425000"), ("1 000", "1000"), (r"1\,000", "1000"), ("10,000", "10000"),
    ("4 4/9", "40/9"), ("11 5/6", "71/6"), ("2 1/2", "5/2"), ("1 000 000", "1000000"),
])
def test_number_formats(text, normalized):
    _same_value(text, normalized)


# digits side by side that are no number are refused, never multiplied
@pytest.mark.parametrize("text", ["11 7/6", "11 6/6", "4 4/9 2", "12 3", "1 2"])
def test_numbers_side_by_side(text):
    normalized, reason = to_normalized(text)
    assert normalized == "" and "side by side" in reason


# delimiters, boxes and markdown bold around a formula
@pytest.mark.parametrize("text", ["$$d$$", r"\[d\]", r"\(d\)", r"\boxed{d}", "$d$", r"$\boxed{d}$", "**d**",
                                  r"\displaystyle d", r"\fbox{d}"])
def test_delimiters(text):
    assert _ok(text) == "d"


# spacing macros, dots-free: a product of d and mu^2 however it is spaced
@pytest.mark.parametrize("text", [r"d\,\mu^2", r"d\;\mu^2", r"d\ \mu^2", r"d\quad\mu^2", r"d~\mu^2", r"d\!\mu^2",
                                  r"d\:\mu^2"])
def test_spacing(text):
    assert _ok(text) == "d*mu**2"


# font and text macros keep their letter; a word in \text is a remark (a unit), not a factor
@pytest.mark.parametrize("text, normalized", [
    (r"\mathbf{d}", "d"), (r"\boldsymbol{\mu}^\top\boldsymbol{\mu}", "norm_mu**2"), (r"\mathrm{d}", "d"),
    (r"\textbf{d}", "d"), (r"125\textnormal{ miles}", "125"), (r"12\text{ cm}", "12"), (r"\mbox{s}", "s"),
    (r"\mathbf{x}^T\mathbf{y}", "yx"),
])
def test_font_and_text(text, normalized):
    assert _ok(text) == normalized


# Unicode scripts and look-alikes: the micro sign is mu, ϕ is φ
@pytest.mark.parametrize("text, normalized", [
    ("dµ²", "d*mu**2"), ("dμ²", "d*mu**2"), ("x³", "x**3"), ("d¹²", "d**12"), ("μᵢ²", "mu_i**2"),
    ("ϕ(x)", "phi(x)"), ("φ(x)", "phi(x)"), ("√(d+1)", "sqrt(d + 1)"), ("√ d", "sqrt(d)"), ("√12", "2*sqrt(3)"),
])
def test_unicode(text, normalized):
    _same_value(text, normalized)


# backslashes a program's string literal ate (\f of \frac became a form feed)
@pytest.mark.parametrize("text, normalized", [
    ("\x0crac{1}{3}", "1/3"), ("\x0crac13", "1/3"), ("2\times 3", "6"), ("\x08eta", "beta"), ("\x0crac{d}{2}", "d/2"),
])
def test_eaten_escapes(text, normalized):
    _same_value(text, normalized)


# equations and matrices (for a comparison against a bare reference)
@pytest.mark.parametrize("text, normalized", [
    ("x = 11", "Eq(x, 11)"), (r"k = \frac13", "Eq(k, 1/3)"), ("2x + z = 1", "Eq(2*x + z, 1)"),
    (r"\begin{pmatrix}1 & 2 \\ 3 & 4\end{pmatrix}", "Matrix([[1, 2], [3, 4]])"),
    (r"\begin{pmatrix}\frac{1}{2} & \frac13 \\ 0 & 1\end{pmatrix}", "Matrix([[1/2, 1/3], [0, 1]])"),
    (r"\begin{pmatrix}1 & 0 \\ 0 & 1\end{pmatrix} + \begin{pmatrix}1 & 0 \\ 0 & 1\end{pmatrix}", "Matrix([[2, 0], [0, 2]])"),
])
def test_relations_and_matrices(text, normalized):
    assert _ok(text) == normalized


# what is not one value is refused with the reason
@pytest.mark.parametrize("text, reason", [
    (r"28\%", "percentage"), ("28%", "percentage"), ("12:00", "colon"), ("a = b = c", "several relations"),
    ("x = 1, y = 2 = 3", "several relations"),
])
def test_refused(text, reason):
    normalized, why = to_normalized(text)
    assert normalized == "" and reason in why
