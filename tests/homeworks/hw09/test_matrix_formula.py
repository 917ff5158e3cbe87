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


def judged(text):
    from tractor.verify import check_claim

    return check_claim(text, homework="hw09", part="6b.iii")


# Unicode subscripts and sums (ᵢ ⱼ Σⱼ ∑ⱼ ′), end to end; the wrong ones stay wrong
@pytest.mark.parametrize("text, expected", [
    ("V′ᵢ = φ(Qᵢ)ᵀ Σⱼ φ(Kⱼ) Vⱼᵀ / (φ(Qᵢ)ᵀ Σⱼ φ(Kⱼ))", "correct"),
    ("V′ᵢ = (Σⱼ φ(Qᵢ)ᵀ φ(Kⱼ) Vⱼ) / (Σⱼ φ(Qᵢ)ᵀ φ(Kⱼ))", "correct"),
    ("V′ᵢ = φ(Qᵢ)ᵀ ∑ⱼ φ(Kⱼ) Vⱼᵀ / (φ(Qᵢ)ᵀ ∑ⱼ φ(Kⱼ))", "correct"),
    ("V'ᵢ = (Σⱼ φ(Kⱼ)ᵀ φ(Qᵢ) Vⱼ) / (Σⱼ φ(Kⱼ)ᵀ φ(Qᵢ))", "correct"),
    ("V′ᵢ = φ(Qᵢ)ᵀ Σⱼ φ(Kⱼ) Vⱼᵀ", "incorrect"),
    ("V′ᵢ = (Σⱼ φ(Qᵢ)ᵀ φ(Kⱼ) Vⱼ) / (Σⱼ φ(Kⱼ)ᵀ φ(Kⱼ))", "incorrect"),
])
def test_unicode_subscripts_and_sums(text, expected):
    assert judged(text).verdict == expected


# a PDF text layer without subscripts: "ϕ(Qi)", "Vjᵀ", "Σj", "V′i" (the target too)
@pytest.mark.parametrize("text, expected", [
    ("V′i = ϕ(Qi)ᵀ Σj ϕ(Kj) Vjᵀ / (ϕ(Qi)ᵀ Σj ϕ(Kj))", "correct"),
    ("V′i = (Σj ϕ(Qi)ᵀ ϕ(Kj) Vj) / (Σj ϕ(Qi)ᵀ ϕ(Kj))", "correct"),
    ("V′i = ϕ(Qi)ᵀ ∑j ϕ(Kj) Vjᵀ / (ϕ(Qi)ᵀ ∑j ϕ(Kj))", "correct"),
    ("V'i = (Σj ϕ(Kj)ᵀ ϕ(Qi) Vj) / (Σj ϕ(Kj)ᵀ ϕ(Qi))", "correct"),
    ("V′i = ϕ(Qi)ᵀ Σj ϕ(Kj) Vjᵀ", "incorrect"),
    ("V′i = (Σj ϕ(Qj)ᵀ ϕ(Ki) Vj) / (Σj ϕ(Qj)ᵀ ϕ(Ki))", "incorrect"),
])
def test_pdf_flattened_subscripts(text, expected):
    assert judged(text).verdict == expected


# an index no sum binds is the query's position: K_i is the key beside the query, Q_j under
# \sum_j another query; such formulas are read as written and judged (letters may swap roles)
@pytest.mark.parametrize("text, expected", [
    (r"$V'_i = \frac{\sum_j \phi(Q_j)^\top \phi(K_i) V_j}{\sum_j \phi(Q_j)^\top \phi(K_i)}$", "incorrect"),
    (r"$V'_i = \frac{\phi(Q_i)^\top \sum_j \phi(K_j) V_j^\top}{\phi(Q_i)^\top \phi(K_i)}$", "incorrect"),
    (r"$V'_i = \frac{\sum_j \phi(Q_i)^\top \phi(K_i) V_j}{\sum_j \phi(Q_i)^\top \phi(K_j)}$", "incorrect"),
    (r"$V'_i = \frac{\sum_j \phi(Q_i)^\top \phi(K_j) V_i}{\sum_j \phi(Q_i)^\top \phi(K_j)}$", "incorrect"),
    (r"$V'_i = \frac{\sum_m \phi(Q_i)^\top \phi(K_m) V_m}{\sum_m \phi(Q_i)^\top \phi(K_m)}$", "correct"),
    (r"$V'_i = \frac{\sum_k \phi(Q_i)^\top \phi(K_k) V_k}{\sum_k \phi(Q_i)^\top \phi(K_k)}$", "correct"),
])
def test_unsummed_index_is_the_query(text, expected):
    assert judged(text).verdict == expected


# N is the number of tokens, D the input dimension: formulas using them evaluate
@pytest.mark.parametrize("text, expected", [
    (r"$V'_i = \frac{1}{N} \sum_j \phi(Q_i)^\top \phi(K_j) V_j$", "incorrect"),
    (r"$V'_i = \frac{1}{N} \sum_{j=1}^N V_j$", "incorrect"),
    (r"$V'_i = \frac{N \sum_j \phi(Q_i)^\top \phi(K_j) V_j}{N \sum_j \phi(Q_i)^\top \phi(K_j)}$", "correct"),
    (r"$V'_i = \frac{\sum_j \phi(Q_i)^\top \phi(K_j) V_j / N}{\sum_j \phi(Q_i)^\top \phi(K_j) / N}$", "correct"),
    (r"$V'_i = \frac{\sum_j \phi(Q_i)^\top \phi(K_j) V_j}{N}$", "incorrect"),
])
def test_token_count(text, expected):
    assert judged(text).verdict == expected


# a result that never has the output's shape is a misread or another quantity: unverified
@pytest.mark.parametrize("text", [
    r"$V'_i = \sum_j \phi(K_j)$",
    r"$V'_i = \phi(Q_i)^\top \sum_j \phi(K_j)$",
    r"$V'_i = \sum_j \phi(K_j) \phi(K_j)^\top$",
    r"$V'_i = \phi(Q_i)$",
    r"$V' = \phi(Q)^\top \phi(Q)$",
])
def test_wrong_shape_is_unverified(text):
    result = judged(text)
    assert result.verdict == "unverified" and "shape" in result.reason


# abbreviations of either case defined after the formula ("with S = ... and z = ...")
@pytest.mark.parametrize("text, expected", [
    (r"$V'_i = \frac{\phi(Q_i)^\top S}{\phi(Q_i)^\top z}$ with $S = \sum_j \phi(K_j) V_j^\top$ and "
     r"$z = \sum_j \phi(K_j)$", "correct"),
    (r"$V'_i = \frac{\phi(Q_i)^\top s}{\phi(Q_i)^\top z}$, where $s = \sum_j \phi(K_j) V_j^\top$, "
     r"$z = \sum_j \phi(K_j)$", "correct"),
    (r"$V'_i = \frac{\phi(Q_i)^\top u}{\phi(Q_i)^\top w}$ with $u = \sum_j \phi(K_j) V_j^\top$ and "
     r"$w = \sum_j \phi(K_j)$", "correct"),
    (r"$V'_i = \frac{\phi(Q_i)^\top A}{\phi(Q_i)^\top b}$, where $A = \sum_j \phi(K_j) V_j^\top$ and "
     r"$b = \sum_j \phi(K_j)$", "correct"),
    (r"$V'_i = \frac{\phi(Q_i)^\top S}{\phi(Q_i)^\top z}$ with $S = \sum_j \phi(K_j) V_j^\top$ and "
     r"$z = \sum_j \phi(K_j) \phi(K_j)^\top \phi(K_j)$", "incorrect"),
])
def test_lowercase_abbreviations(text, expected):
    assert judged(text).verdict == expected


# a dot product written \cdot, ·, or \langle a, b \rangle: the inner product of the two vectors
@pytest.mark.parametrize("text, expected", [
    (r"$V'_i = \dfrac{\sum_{j} \phi(Q_i)\cdot\phi(K_j)\, V_j}{\sum_{j} \phi(Q_i)\cdot\phi(K_j)}$", "correct"),
    (r"$V'_i = \frac{\sum_{j=1}^N \langle \phi(Q_i), \phi(K_j) \rangle V_j}"
     r"{\sum_{j=1}^N \langle \phi(Q_i), \phi(K_j) \rangle}$", "correct"),
    ("V′ᵢ = Σⱼ (φ(Qᵢ)·φ(Kⱼ)) Vⱼ / Σⱼ φ(Qᵢ)·φ(Kⱼ)", "correct"),
    ("V'_i = (Σ_j ⟨φ(Q_i), φ(K_j)⟩ V_j) / (Σ_j ⟨φ(Q_i), φ(K_j)⟩)", "correct"),
    (r"$V'_i = \frac{\sum_{j} \phi(Q_i)\cdot\phi(K_j)\, V_j}{\sum_{j} \phi(K_j)\cdot\phi(K_j)}$", "incorrect"),
    (r"$V'_i = \sum_{j} \langle \phi(Q_i), \phi(K_j) \rangle V_j$", "incorrect"),
])
def test_dot_products(text, expected):
    assert judged(text).verdict == expected


# abbreviations in a font: \mathbf{S} = ..., \boldsymbol{z} = ..., \mathrm{Z} = ...
@pytest.mark.parametrize("s_name, z_name", [
    (r"\mathbf{S}", r"\mathbf{z}"), (r"\boldsymbol{S}", r"\boldsymbol{z}"), (r"\mathbf{S}", "Z"),
    ("S", r"\mathrm{Z}"), (r"\bm{U}", r"\bm{u}"),
])
def test_abbreviations_in_a_font(s_name, z_name):
    text = (rf"$V'_i = \frac{{\phi(Q_i)^\top {s_name}}}{{\phi(Q_i)^\top {z_name}}}$, with "
            rf"${s_name} = \sum_j \phi(K_j) V_j^\top$ and ${z_name} = \sum_j \phi(K_j)$")
    assert judged(text).verdict == "correct"
