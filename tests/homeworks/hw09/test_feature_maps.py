"""Feature maps as they are really written -> component families (tractor.homeworks.hw09.feature_maps).

Each group is one notation class; every row is a map in that notation with the families it
must give. REF is the degree-2 map [1, sqrt2 x_i, x_i^2, sqrt2 x_i x_j (i<j)].
"""

import json

import pytest

from tractor.homeworks.hw09.feature_maps import candidates, extract, parse_feature_map

REF = [("1", [], ""), ("sqrt(2)", ["i"], ""), ("1", ["i", "i"], ""), ("sqrt(2)", ["i", "j"], "i<j")]


def families(latex, trailing=""):
    return [(f["coef"], f["monomial"], f["where"]) for f in parse_feature_map(latex, trailing)]


# spacing macros between and inside items are space: "\ ", "\,", "\;", "\:", "\quad", "~"
@pytest.mark.parametrize("latex", [
    r"\phi(x) = [1,\ \sqrt{2}\,x_i,\ x_i^2,\ \sqrt{2}\,x_i x_j\ (i<j)]",
    r"\phi(x) = [1,\; \sqrt{2}\;x_i,\; x_i^2,\; \sqrt{2}\;x_i\;x_j \;(i<j)]",
    r"\phi(x) = [1,\quad \sqrt{2}x_i,\quad x_i^2,\quad \sqrt{2}x_ix_j\quad (i<j)]",
    r"\phi(x) = [1,~\sqrt{2}~x_i,~x_i^2,~\sqrt{2}~x_i x_j~(i<j)]",
    r"\phi(x) = [1,\: \sqrt{2}\:x_i,\: x_i^2,\: \sqrt{2}\:x_i x_j\: (i<j)]",
    r"\phi(x) = \left[1,\ \sqrt{2}\,x_i,\ x_i^{2},\ \sqrt{2}\,x_i x_j\ (i<j)\right]",
])
def test_spacing_macros(latex):
    assert families(latex) == REF


# a radical however typed: \sqrt{2}, \sqrt2, \sqrt 2, code's sqrt(2) / math.sqrt(2), with * or \cdot
@pytest.mark.parametrize("latex", [
    r"\phi(x) = [1, \sqrt2 x_i, x_i^2, \sqrt2 x_i x_j (i<j)]",
    r"\phi(x) = [1, \sqrt 2\, x_i, x_i^2, \sqrt 2\, x_i x_j (i<j)]",
    r"\phi(x) = [1, \sqrt2 \cdot x_i, x_i^2, \sqrt2 \cdot x_i x_j (i<j)]",
    "phi(x) = [1, sqrt(2)*x_i, x_i^2, sqrt(2)*x_i*x_j (i<j)]",
    "phi(x) = [1, math.sqrt(2) * x_i, x_i**2, math.sqrt(2) * x_i * x_j (i<j)]",
    r"\phi(x) = [1, x_i\sqrt2, x_i^2, x_i x_j \sqrt2 (i<j)]",
])
def test_radicals(latex):
    assert families(latex) == REF


# ellipses between samples: \dots, \ldots, \cdots, \dotsc, "...", a PDF's spaced ". . .", "…"
@pytest.mark.parametrize("dots", [r"\dots", r"\ldots", r"\cdots", r"\dotsc", "...", ". . .", "…"])
def test_ellipses(dots):
    latex = (rf"\phi(x) = [1, \sqrt{{2}}x_1, {dots}, \sqrt{{2}}x_D, x_1^2, {dots}, x_D^2, "
             rf"\sqrt{{2}}x_1x_2, {dots}, \sqrt{{2}}x_{{D-1}}x_D]")
    assert families(latex) == REF


# factors written without a space: x_ix_j, x_{i}x_{j}, x_a x_b, q_iq_j under phi(q)
@pytest.mark.parametrize("latex, expected", [
    (r"\phi(x) = [1, \sqrt{2}x_i, x_ix_i, \sqrt{2}x_ix_j (i<j)]", REF),
    (r"\phi(x) = [1, \sqrt{2}x_{i}, x_{i}^2, \sqrt{2}x_{i}x_{j} (i<j)]", REF),
    (r"\phi(q) = [1, \sqrt{2}q_i, q_i^2, \sqrt{2}q_iq_j (i<j)]", REF),
    (r"\phi(x) = [1, \sqrt{2}x_a, x_a^2, \sqrt{2}x_ax_b (a<b)]",
     [("1", [], ""), ("sqrt(2)", ["a"], ""), ("1", ["a", "a"], ""), ("sqrt(2)", ["a", "b"], "a<b")]),
    (r"\phi(x) = [1, \sqrt{2}x_i, x_i^2, x_ix_j\sqrt{2} (i<j)]", REF),
])
def test_adjacent_factors(latex, expected):
    assert families(latex) == expected


# a note on an item's indices: a condition restricts it, a range ("i = 1..D") does not
@pytest.mark.parametrize("note, where", [
    ("(i<j)", "i<j"),
    (r"(1 \le i < j \le D)", "i<j"),
    (r"(1 \leq i \leq j \leq D)", "i<=j"),
    (r"(i \neq j)", "i!=j"),
    ("(i = 1..D,\\ j = 1..D)", ""),
    (r"(i, j = 1, \dots, D)", ""),
])
def test_index_notes(note, where):
    latex = rf"\phi(x) = [1, \sqrt{{2}}x_i\ (i = 1..D), x_i^2\ (i=1,\dots,D), \sqrt{{2}}x_ix_j\ {note}]"
    assert families(latex) == REF[:3] + [("sqrt(2)", ["i", "j"], where)]


# a map given component by component is one map, whatever separates the components
@pytest.mark.parametrize("latex", [
    r"\phi(x)_0 = 1,\ \phi(x)_i = \sqrt{2}x_i,\ \phi(x)_{ii} = x_i^2,\ \phi(x)_{ij} = \sqrt{2}x_ix_j\ (i<j)",
    r"\phi(x)_0 = 1; \phi(x)_i = \sqrt2 x_i; \phi(x)_{ii} = x_i^2; \phi(x)_{ij} = \sqrt2 x_i x_j (i<j)",
    r"\phi(x)_0 = 1, \phi(x)_{i} = \sqrt{2}\,x_i, \phi(x)_{ii} = x_i^{2} \text{ and } \phi(x)_{ij} = \sqrt{2}x_ix_j (i<j)",
    r"\phi(q)_0 = 1,\quad \phi(q)_i = \sqrt{2}q_i,\quad \phi(q)_{ii} = q_i^2,\quad \phi(q)_{ij} = \sqrt{2}q_iq_j\ (i<j)",
    "φ(x)_0 = 1, φ(x)_i = √2 x_i, φ(x)_{ii} = x_i², φ(x)_{ij} = √2 x_i x_j (i<j)",
])
def test_component_lists(latex):
    assert families(latex) == REF


# phi applied inside a product ("phi(q)^T phi(k) = ...") is a check of the map, not the map
@pytest.mark.parametrize("text", [
    "φ(x) = [1, √2 x, x ⊗ x] (dimension 1 + D + D²), so φ(q)ᵀφ(k) = 1 + 2qᵀk + (qᵀk)²",
    r"$\phi(x) = [1, \sqrt{2}x, x \otimes x]$, and $\phi(q)^\top \phi(k) = (q^\top k + 1)^2$",
    r"$\phi(x) = [1, \sqrt{2}x, x \otimes x]$ since $\phi(q) \cdot \phi(k) = (q^T k + 1)^2$",
    "φ(x) = [1, √2 x, x ⊗ x]; check: φ(q)·φ(k) = (qᵀk + 1)²",
    r"$\phi(x) = [1, \sqrt{2}x, x \otimes x]$ gives $\phi(q)^T\phi(k) = 1 + 2q^Tk + (q^Tk)^2$",
])
def test_phi_in_a_product_is_not_the_map(text):
    [(raw, normalized, tags)] = extract(text, None)
    assert raw.replace(" ", "").startswith(("φ(x)", r"\phi(x)")) and normalized, tags


# a label before the definition "(ii) phi(x) = ..." is not a product; ascii "phi" and "varphi"
@pytest.mark.parametrize("text", [
    "(ii) φ(x) = [1, √2 x, x ⊗ x]",
    "6(b)(ii) phi(x) = [1, sqrt(2) x, x ⊗ x]",
    r"(ii) $\varphi(x) = [1, \sqrt{2}x, x \otimes x]$",
    "varphi(x) = [1, sqrt(2)*x, x ⊗ x]",
    "Answer: phi(x) = [1, sqrt(2) x, x ⊗ x]",
])
def test_definition_after_a_label_and_ascii_names(text):
    assert [c.text.split("=")[0].strip().lstrip("\\") for c in candidates(text)][-1:] in (["φ(x)"], ["phi(x)"],
                                                                                          ["varphi(x)"])
    [(_, normalized, _)] = extract(text, None)
    assert normalized


# a PDF text layer: flattened subscripts (x1, xD, xD−1, x1x1) are read; a flattened power
# printed apart from its subscript ("x2 1" for x_1^2) is ambiguous and not read
@pytest.mark.parametrize("latex, expected", [
    ("ϕ(x) = [1, √2 x1, . . . , √2 xD, x1x1, . . . , xDxD, √2 x1x2, . . . , √2 xD−1xD]", REF),
    ("ϕ(x) = [1, √2 x1, … , √2 xd, x1x1, … , xdxd, √2 x1x2, … , √2 xd−1xd]", REF),
    ("ϕ(x) = [1, √2 x1, √2 x2, x1x1, x2x2, √2 x1x2]",
     [("1", [], ""), ("sqrt(2)", [1], ""), ("sqrt(2)", [2], ""), ("1", [1, 1], ""), ("1", [2, 2], ""),
      ("sqrt(2)", [1, 2], "")]),
    ("ϕ(q) = [1, √2 q1, . . . , √2 qD, q1q1, . . . , qDqD, √2 q1q2, . . . , √2 qD−1qD]", REF),
    ("ϕ(x) = [1, √2xi, xixi, √2xixj (i < j)]", REF),
])
def test_pdf_flattened_subscripts(latex, expected):
    assert families(latex) == expected


@pytest.mark.parametrize("latex", [
    "ϕ(x) = [1, 2x1, . . . , 2xD, x2 1, . . . , x2 D, 2x1x2, . . . , 2xD−1xD]",
    "ϕ(x) = [1, √2x1, x2 1, √2x1x2]",
    "ϕ(x) = [1, √2 xi, x2 i, √2 xixj]",
    r"\phi(x) = [1, \sqrt{2} x_1, x_1 2, x_2 2]",
    "ϕ(q) = [1, √2 q1, . . . , q2 1, . . . ]",
])
def test_pdf_flattened_power_is_not_read(latex):
    with pytest.raises(ValueError, match="flattened"):
        parse_feature_map(latex)


# a vector typeset as a matrix (rows split by \\, cells by &, \vdots between samples)
@pytest.mark.parametrize("text", [
    r"$$\phi(x) = \begin{bmatrix} 1 \\ \sqrt{2}x_1 \\ \vdots \\ \sqrt{2}x_D \\ x_1^2 \\ \vdots \\ x_D^2 \\ "
    r"\sqrt{2}x_1x_2 \\ \vdots \\ \sqrt{2}x_{D-1}x_D \end{bmatrix}$$",
    r"$$\phi(x) = \begin{pmatrix} 1 \\ \sqrt{2}x_i \\ x_i^2 \\ \sqrt{2}x_ix_j\ (i<j) \end{pmatrix}$$",
    r"$$\phi(x) = \begin{bmatrix} 1 & \sqrt{2}x_i & x_i^2 & \sqrt{2}x_ix_j\ (i<j) \end{bmatrix}^\top$$",
    r"$$\phi(x) = \begin{array}{c} 1 \\ \sqrt{2}x_i \\ x_i^2 \\ \sqrt{2}x_ix_j\ (i<j) \end{array}$$",
    r"$$\phi(x)=\begin{bmatrix}1\\\sqrt2\,x_1\\\vdots\\\sqrt2\,x_D\\x_1^2\\\vdots\\x_D^2\\\sqrt2\,x_1x_2\\\vdots\\"
    r"\sqrt2\,x_{D-1}x_D\end{bmatrix}$$",
])
def test_matrix_layout(text):
    [(raw, normalized, tags)] = extract(text, None)
    assert [(f["coef"], f["monomial"], f["where"]) for f in json.loads(normalized)] == REF, tags


# a condition in words inside an item ("\text{ for } i<j", "for all i") and an item written as
# a set over its indices (\{\sqrt{2} x_i x_j\}_{i<j})
@pytest.mark.parametrize("latex", [
    r"\phi(x) = [1, \sqrt{2}x_i \text{ for all } i, x_i^2 \text{ for all } i, \sqrt{2}x_ix_j \text{ for } i<j]",
    r"\phi(x) = [1, \sqrt{2}x_i, x_i^2, \sqrt{2}x_ix_j \text{ for } 1 \le i < j \le D]",
    r"\phi(x) = [1, \sqrt{2}x_i, x_i^2, \sqrt{2}x_ix_j \text{ where } i<j]",
    r"\phi(x) = \big[1,\ \{\sqrt{2}x_i\}_{i=1}^D,\ \{x_i^2\}_{i=1}^D,\ \{\sqrt{2}x_ix_j\}_{i<j}\big]",
    r"\phi(x) = [1, \{\sqrt{2}x_i\}_{i}, \{x_i^2\}_{i}, \{\sqrt{2}x_ix_j\}_{1 \le i < j \le D}]",
])
def test_conditions_inside_items(latex):
    assert families(latex) == REF


# a pair x_i x_j with no stated range beside the squares is marked implicit (the verifier tries
# each range); a stated range, x ⊗ x, vec(x x^T) or a map without squares is not
@pytest.mark.parametrize("latex, implicit", [
    (r"\phi(x) = [1, \sqrt{2}x_i, x_i^2, \sqrt{2}x_ix_j]", True),
    (r"\phi(x) = [1, \sqrt{2}x_i, x_i^2, x_ix_j]", True),
    (r"\phi(x) = [1, \sqrt{2}x_a, x_a^2, \sqrt{2}x_ax_b]", True),
    (r"\phi(x)_0 = 1, \phi(x)_i = \sqrt{2}x_i, \phi(x)_{ii} = x_i^2, \phi(x)_{ij} = \sqrt{2}x_ix_j", True),
    ("φ(x) = [1, √2 x_i, x_i², √2 x_i x_j]", True),
    (r"\phi(x) = [1, \sqrt{2}x_i, x_i^2, \sqrt{2}x_ix_j (i<j)]", False),
    (r"\phi(x) = [1, \sqrt{2}x, x \otimes x]", False),
    (r"\phi(x) = [1, \sqrt{2}x, \text{vec}(xx^T)]", False),
    (r"\phi(x) = [1, \sqrt{2}x_i, x_ix_j]", False),
    (r"\phi(x) = [1, \sqrt{2}x_1, \dots, \sqrt{2}x_D, x_1^2, \dots, x_D^2, \sqrt{2}x_1x_2, \dots, \sqrt{2}x_{D-1}x_D]",
     False),
])
def test_unstated_pair_range(latex, implicit):
    assert any(f.get("implicit") for f in parse_feature_map(latex)) is implicit


# which pairs a listing of samples covers: the upper triangle, every ordered pair, or unsaid
@pytest.mark.parametrize("pairs, where, implicit", [
    (r"x_1^2, \dots, x_D^2, \sqrt{2}x_1x_2, \dots, \sqrt{2}x_{D-1}x_D", "i<j", False),   # ends at x_{D-1}x_D
    (r"x_1^2, \dots, x_D^2, \sqrt{2}x_1x_2, \dots", "i<j", False),                     # squares apart
    (r"x_1x_1, x_1x_2, \dots, x_1x_D, x_2x_2, \dots, x_Dx_D", "i<j", False),           # row 2 starts at x_2x_2
    (r"x_1x_1, x_1x_2, \dots, x_1x_D, x_2x_1, \dots, x_Dx_D", "i!=j", False),          # row 2 starts at x_2x_1
    (r"x_1x_1, x_2x_1, x_1x_2, x_2x_2, \dots", "i!=j", False),                          # a lower pair
    (r"x_1x_1, x_1x_2, \dots, x_Dx_D", "i<j", True),                                    # unsaid
    (r"x_1^2, x_1x_2, \dots, x_D^2", "i<j", True),                                      # unsaid
])
def test_pair_range_of_samples(pairs, where, implicit):
    [pair] = [f for f in parse_feature_map(rf"\phi(x) = [1, \sqrt{{2}}x_1, \dots, \sqrt{{2}}x_D, {pairs}]")
              if f["monomial"] == ["i", "j"]]
    assert (pair["where"], bool(pair.get("implicit"))) == (where, implicit)
