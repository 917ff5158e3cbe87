"""How a wrong feature map is wrong (tractor.homeworks.hw09.feature_map_labels)."""

import json

import pytest

from tractor.homeworks.hw09.feature_map_labels import coefficient_mismatch
from tractor.notation.expressions import load

REF_MAP = [{"coef": "1", "monomial": [], "where": ""}, {"coef": "sqrt(2)", "monomial": ["i"], "where": ""},
           {"coef": "1", "monomial": ["i", "i"], "where": ""}, {"coef": "sqrt(2)", "monomial": ["i", "j"], "where": "i<j"}]
NO_SQRT2 = [{"coef": "1", "monomial": [], "where": ""}, {"coef": "sqrt(2)", "monomial": ["i"], "where": ""},
            {"coef": "1", "monomial": ["i", "j"], "where": "i<=j"}]
TWOS = [{"coef": "1", "monomial": [], "where": ""}, {"coef": "2", "monomial": ["i"], "where": ""},
        {"coef": "1", "monomial": ["i", "i"], "where": ""}, {"coef": "2", "monomial": ["i", "j"], "where": "i<j"}]
HOMOGENEOUS = [{"coef": "1", "monomial": ["i", "j"], "where": "i<=j"}]
OUTER = [{"coef": "1", "monomial": ["i", "j"], "where": ""}]


# Feature maps: right monomials with wrong weights, versus right maps and different monomials.
@pytest.mark.parametrize("families, kernel, mismatch", [
    (REF_MAP, "(qk + 1)**2", ""),
    (NO_SQRT2, "(qk + 1)**2", "x1*x2: phi gives 1, kernel needs 2"),
    (TWOS, "(qk + 1)**2", "x1: phi gives 4, kernel needs 2"),
    (HOMOGENEOUS, "(qk + 1)**2", ""),  # monomials differ: a bias problem, not coefficients
    (HOMOGENEOUS, "qk**2", "x1*x2: phi gives 1, kernel needs 2"),
    (OUTER, "qk**2", ""),  # vec(x x^T) is exact for (q^T k)^2
])
def test_coefficient_mismatch(families, kernel, mismatch):
    got = coefficient_mismatch(json.dumps(families), load(kernel))
    assert got.startswith(mismatch) if mismatch else got == ""
