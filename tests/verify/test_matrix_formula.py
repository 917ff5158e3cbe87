"""6(b)(iii): kernel-attention formulas evaluated numerically in every orientation."""

import pytest

from tests.verify._helpers import verdict

FORMULAS = [
    # 002, attempt 1 (gold: correct)
    (r"V'_i = \phi(Q_i)^T (\sum_j \phi(K_j) V_j^T) / \phi(Q_i)^T (\sum_j \phi(K_j))", "correct"),
    # 000: row values, column features
    (r"V'_i = \frac{\phi(Q_{i\cdot})^T \sum_{j=1}^N \phi(K_{j\cdot}) V_{j\cdot}}"
     r"{\phi(Q_{i\cdot})^T \sum_{j=1}^N \phi(K_{j\cdot})}", "correct"),
    # 001: the sum outside, a thin space printed as a comma
    (r"V_i = \frac{\sum_{j=1}^N \phi(Q_i)^{\top} \phi(K_j), V_j}{\sum_{j=1}^N \phi(Q_i)^{\top} \phi(K_j)}", "correct"),
    ("V_i = φ(q_i)ᵀ ∑_j φ(k_j) v_jᵀ / (φ(q_i)ᵀ ∑_j φ(k_j))", "correct"),
    # wrong: no normalisation; normalised by the wrong quantity
    (r"V_i = \sum_j \phi(Q_i)^T \phi(K_j) V_j", "incorrect"),
    (r"V_i = \frac{\sum_j \phi(Q_i)^T \phi(K_j) V_j}{\sum_j \phi(K_j)^T \phi(K_j)}", "incorrect"),
    # not evaluable: undefined S and Z; D^{-1} as a diagonal normaliser is not read
    (r"V' = \phi(Q)^T S / \phi(Q)^T Z", "unverified"),
    (r"V' = D^{-1} \phi(Q) (\phi(K)^T V)", "unverified"),
    # whole matrices, right: stacked rows, a row-wise division by phi(Q) phi(K)^T 1
    (r"V' = \frac{\phi(Q)\,(\phi(K)^T V)}{\phi(Q)\,(\phi(K)^T \mathbf{1})}", "correct"),
    (r"V' = (\phi(Q) \phi(K)^T V) / (\phi(Q) \phi(K)^{\top} \mathbf{1}_N)", "correct"),
    # whole matrices, right: the transposed (column) layout, a column-wise division
    (r"V'^T = \frac{V^T \phi(K) \phi(Q)^T}{\mathbf{1}^T \phi(K) \phi(Q)^T}", "correct"),
    # whole matrices, wrong: 002 attempt 3 (1/sqrt(D) in place of the row normaliser); none at all
    (r"V' = \frac{1}{\sqrt{D}} \phi(Q)^T \phi(K) V", "incorrect"),
    (r"V' = \phi(Q) (\phi(K)^T V)", "incorrect"),
]


# abbreviations defined after "where" are substituted; a bare S with S_j defined is sum_j S_j (002
# attempt 1, text and PDF); a PDF's sum whose index fell onto the next line; [..] brackets; a
# bracketed denominator ends there (the PDF's "1/(√D)ϕ(Q)^T ϕ(K)V", 002 attempt 3)
FORMULAS += [
    (r"V' = \phi(Q)^T S / \phi(Q)^T Z, where S_j = \phi(K_j) V_j^T, Z_j = \phi(K_j)", "correct"),
    ("V^′ = ϕ(Q)^T S/ϕ(Q)^T Z, where S_j = ϕ(K_j)V_j^T, Z_j = ϕ(K_j)", "correct"),
    (r"V' = \phi(Q)^T S / \phi(Q)^T Z, where S = \sum_j \phi(K_j) V_j^T \in \mathbb{R}^{d' \times M}, "
     r"Z = \sum_j \phi(K_j)", "correct"),
    (r"V' = \phi(Q)^T S / \phi(Q)^T Z \quad \text{where} S = \sum_j \phi(K_j) V_j^T", "unverified"),
    (r"V' = \phi(Q)^T S / \phi(Q)^T Z, where S_j = \phi(K_j) V_j^T, Z_j = 2 \phi(K_j)", "incorrect"),
    ("V^′ = [ϕ(Q)^T(∑ϕ(K_j)V_j^T)]/[ϕ(Q)^T(∑ϕ(K_j))]", "correct"),
    ("V^′ = ϕ(Q)^T(∑ϕ(K_j)V_i^T)/ϕ(Q)^T(∑ϕ(K_j))", "unverified"),  # two indices: which is summed?
    ("V^′ = 1/(√D)ϕ(Q)^T ϕ(K)V", "incorrect"),
    ("V_i = (∑_j φ(q_i)ᵀ φ(k_j) v_j) / (∑_j φ(q_i)ᵀ φ(k_j))", "correct"),
]


@pytest.mark.parametrize("formula,expected", FORMULAS)
def test_kernel_attention_formulas(formula, expected):
    assert verdict("6b.iii", formula, "")[0] == expected


# a wrong formula is reported with the measured discrepancy, not only a verdict
def test_wrong_whole_matrix_formula_reports_discrepancy():
    verdict_, detail = verdict("6b.iii", r"V' = \frac{1}{\sqrt{D}} \phi(Q)^T \phi(K) V", "")
    assert verdict_ == "incorrect" and "max discrepancy" in detail
