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
