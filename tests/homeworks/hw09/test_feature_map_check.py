"""Feature maps: phi(q)·phi(k) against the degree-2 kernel on random vectors at several D."""

import json

import pytest

from tests.verify._helpers import verdict


def fam(*families):
    return json.dumps([{"coef": c, "monomial": m, "where": w} for c, m, w in families])


CONST, DIAG = ("1", [], ""), ("1", ["i", "i"], "")
MAPS = [
    # the reference map, and the same map in another layout (full outer product, no sqrt2)
    (fam(CONST, ("sqrt(2)", ["i"], ""), DIAG, ("sqrt(2)", ["i", "j"], "i<j")), "correct"),
    (fam(("sqrt(2)", ["i", "j"], "i<j"), DIAG, ("sqrt(2)", ["i"], ""), CONST), "correct"),
    (fam(CONST, ("sqrt(2)", ["i"], ""), ("1", ["i", "j"], "")), "correct"),
    # an explicit D = 2 listing
    (fam(CONST, ("sqrt(2)", [1], ""), ("sqrt(2)", [2], ""), ("1", [1, 1], ""), ("1", [2, 2], ""),
         ("sqrt(2)", [1, 2], "")), "correct"),
    # wrong: no sqrt2 (002, attempt 2), 2 instead of sqrt2 (000, attempt 2), homogeneous (000, attempt 1)
    (fam(CONST, ("sqrt(2)", ["i"], ""), ("1", ["i", "j"], "i<=j")), "incorrect"),
    (fam(CONST, ("2", ["i"], ""), DIAG, ("2", ["i", "j"], "i<j")), "incorrect"),
    (fam(("1", ["a", "b"], "a<=b")), "incorrect"),
    (fam(("1", ["i", "j"], "")), "incorrect"),
    # unreadable
    ("not json", "unverified"),
    (fam(("1", ["i"], "i<<j")), "unverified"),
]


@pytest.mark.parametrize("normalized,expected", MAPS)
def test_feature_maps(normalized, expected):
    assert verdict("6b.ii", "phi(x) = ...", normalized)[0] == expected


def test_discrepancy_is_reported():
    _, detail = verdict("6b.ii", "phi", fam(CONST, ("2", ["i"], ""), DIAG, ("2", ["i", "j"], "i<j")))
    assert "max rel. error" in detail and "D=" in detail


def judged(text):
    from tractor.verify import check_claim

    return check_claim(text, homework="hw09", part="6b.ii").verdict


# end to end (text -> extractor -> verifier): maps in spacing, radical, ellipsis, component and
# PDF notations are read and judged on their values, right ones and wrong ones alike
@pytest.mark.parametrize("text, expected", [
    (r"$\phi(x) = \left[1,\ \sqrt{2}\,x_i\ (i = 1..D),\ x_i^2\ (i = 1..D),\ \sqrt{2}\,x_i x_j\ (i < j)\right]$",
     "correct"),
    (r"$\phi(x) = [1,\ \sqrt{2}\,x_i,\ x_i^2,\ \sqrt{2}\,x_i x_j\ (i \le j)]$", "incorrect"),  # doubles x_i^2
    (r"$\phi(x) = [1, \sqrt2 \cdot x_1, \dots, \sqrt2 \cdot x_D, x_1^2, \dots, x_D^2, \sqrt2 \cdot x_1 x_2, \dots,"
     r" \sqrt2 \cdot x_{D-1} x_D]$", "correct"),
    (r"$\phi(x) = [1, \sqrt3 \cdot x_1, \dots, \sqrt3 \cdot x_D, x_1^2, \dots, x_D^2, \sqrt2 \cdot x_1 x_2, \dots,"
     r" \sqrt2 \cdot x_{D-1} x_D]$", "incorrect"),
    ("phi(x) = [1, sqrt(2)*x_1, ..., sqrt(2)*x_D, x_1^2, ..., x_D^2, sqrt(2)*x_1*x_2, ..., sqrt(2)*x_{D-1}*x_D]",
     "correct"),
    ("phi(x) = [1, sqrt(2)*x_1, ..., sqrt(2)*x_D, x_1^2, ..., x_D^2, x_1*x_2, ..., x_{D-1}*x_D]", "incorrect"),
    (r"$\phi(x)_0 = 1,\ \phi(x)_i = \sqrt{2}x_i,\ \phi(x)_{ii} = x_i^2,\ \phi(x)_{ij} = \sqrt{2}x_ix_j\ (i<j)$",
     "correct"),
    (r"$\phi(x)_0 = 1,\ \phi(x)_i = x_i,\ \phi(x)_{ii} = x_i^2,\ \phi(x)_{ij} = \sqrt{2}x_ix_j\ (i<j)$",
     "incorrect"),
    ("ϕ(x) = [1, √2 x1, . . . , √2 xD, x1x1, . . . , xDxD, √2 x1x2, . . . , √2 xD−1xD]", "correct"),
    ("ϕ(x) = [1, √2 x1, . . . , √2 xD, x1x1, . . . , xDxD, x1x2, . . . , xD−1xD]", "incorrect"),
    ("φ(x) = [1, √2 x, x ⊗ x], so φ(q)ᵀφ(k) = 1 + 2qᵀk + (qᵀk)²", "correct"),
    ("φ(x) = [1, √2 x, x ⊙ x], so φ(q)ᵀφ(k) = (qᵀk + 1)²", "incorrect"),
    # a PDF that lost its radicals ("2x1" for √2 x_1, "x2 1" for x_1^2): never judged
    ("ϕ(x) = [1, 2x1, . . . , 2xD, x2 1, . . . , x2 D, 2x1x2, . . . , 2xD−1xD]", "unverified"),
    ("ϕ(x) = [1, 2x1, 2x2, x2 1, x2 2, 2x1x2]", "unverified"),
])
def test_feature_maps_end_to_end(text, expected):
    assert judged(text) == expected


# a pair x_i x_j whose range is unstated: judged when every usual range (i<j, i≠j, all pairs)
# gives the same answer, else unverified with the ranges it would be right for
@pytest.mark.parametrize("text, expected", [
    (r"$\phi(x) = [1, \sqrt{2}x_i, x_i^2, \sqrt{2}x_ix_j]$", "unverified"),
    (r"$\phi(x) = [1, \sqrt{2}x_i, x_i^2, x_ix_j]$", "unverified"),
    ("φ(x) = [1, √2 x_i, x_i², √2 x_i x_j]", "unverified"),
    (r"$\phi(x) = [1, 2x_i, x_i^2, \sqrt{2}x_ix_j]$", "incorrect"),
    (r"$\phi(x) = [\sqrt{2}x_i, x_i^2, \sqrt{2}x_ix_j]$", "incorrect"),
    (r"$\phi(x) = [1, x_i, x_i^2, x_ix_j]$", "incorrect"),
    # the same for samples that do not say which pairs they cover; all ordered pairs said: judged
    (r"$\phi(x) = [1, \sqrt{2}x_1, \dots, \sqrt{2}x_D, x_1x_1, x_1x_2, \dots, x_Dx_D]$", "unverified"),
    (r"$\phi(x) = [1, \sqrt{2}x_1, \dots, \sqrt{2}x_D, x_1x_1, x_1x_2, \dots, x_1x_D, x_2x_1, \dots, x_Dx_D]$",
     "correct"),
    (r"$\phi(x) = [1, \sqrt{2}x_1, \dots, \sqrt{2}x_D, x_1x_1, x_1x_2, \dots, x_1x_D, x_2x_2, \dots, x_Dx_D]$",
     "incorrect"),
])
def test_unstated_pair_range(text, expected):
    assert judged(text) == expected
