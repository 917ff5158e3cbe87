"""Two small notation rules of tractor.notation.latex: a dot product of vectors is one symbol in
either order, and \\textbf{} is a font macro."""

import pytest

from tractor.notation.latex import normalize_latex, to_normalized


# k^T q, <k, q>, k . q are q^T k: one symbol, so (k^T q + 1)^2 equals the key's (q^T k + 1)^2
@pytest.mark.parametrize("latex", [
    r"(k^\top q + 1)^2",
    r"(k^T q + 1)^2",
    r"(\langle k, q\rangle + 1)^2",
    r"(k \cdot q + 1)^2",
    r"(\mathbf{k}^\intercal \mathbf{q} + 1)^2",
    r"(\mathbf{k}^\top \mathbf{q} + 1)^2",
])
def test_vector_dot_product_is_symmetric(latex):
    assert to_normalized(latex) == to_normalized(r"(q^\top k + 1)^2") == ("(qk + 1)**2", "")


# matrices (capital names) keep their order: K^T Q is the transpose of Q^T K
@pytest.mark.parametrize("a, b", [("K", "Q"), ("V", "K"), ("W", "X"), ("A", "B"), ("Y", "Z")])
def test_matrix_products_keep_their_order(a, b):
    assert to_normalized(f"{a}^T {b}") != to_normalized(f"{b}^T {a}")


# \textbf{} is stripped like \mathbf{}: the bold name is the name
@pytest.mark.parametrize("latex, plain", [
    (r"\textbf{sim}(q,k)", r"\mathrm{sim}(q,k)"),
    (r"\textbf{x} + y", "x + y"),
    (r"\textbf{s} = \sqrt{d}", r"s = \sqrt{{d}}"),
    (r"\textbf{Var}(q^T k)", r"\mathrm{Var}(\mathrm{qk})"),
    (r"\mathbf{q}^\top \textbf{k}", r"\mathrm{qk}"),
])
def test_textbf_is_a_font(latex, plain):
    assert normalize_latex(latex) == plain
