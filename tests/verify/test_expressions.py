"""Expression claims: sympy equivalence with the key, Monte-Carlo cross-checks, PDF guard."""

import pytest

from tests.verify._helpers import verdict

# Right and wrong answers to Question 1 and 6(b)(i), in LaTeX, Unicode and plain notations.
CASES = [
    ("1a", r"\mathbb{E}[q^T k] = d\mu^2", "correct"),
    ("1a", r"\|\mu\|^2", "correct"),
    ("1a", r"\mu^\top \mu", "correct"),
    ("1a", r"\mu^2", "incorrect"),
    ("1a", r"d\mu^2 + \sigma^2", "incorrect"),
    ("1b", r"\text{Var}(q^\top k) = d", "correct"),
    ("1b", r"d^2", "incorrect"),
    ("1b", r"\sqrt{d}", "incorrect"),
    ("1c", r"s = \sqrt{d}", "correct"),
    ("1c", "s = √d", "correct"),
    ("1c", r"d^{1/2}", "correct"),
    ("1c", r"s = d", "incorrect"),
    ("1c", r"d^2", "incorrect"),
    ("6b.i", r"\text{sim}(q, k) = (q^T k + 1)^2", "correct"),
    ("6b.i", r"(q^\top k)^2 + 2 q^\top k + 1", "correct"),
    ("6b.i", "(qᵀk + 1)²", "correct"),
    ("6b.i", r"(q^\top k)^2", "incorrect"),
    ("6b.i", r"(q \cdot k + 2)^2", "incorrect"),
]


@pytest.mark.parametrize("part,raw,expected", CASES)
def test_expression_verdicts(part, raw, expected):
    assert verdict(part, raw)[0] == expected


# The wrong scale is refuted twice: symbolically and by simulation.
def test_wrong_scale_is_refuted_by_simulation_too():
    _, detail = verdict("1c", "s = d")
    assert "known wrong" in detail and "Monte-Carlo" in detail and "confirmed" in detail


# Unparseable claims and claims with symbols the simulation cannot value are never incorrect.
@pytest.mark.parametrize("part,raw,normalized", [
    ("1c", "the square root of the dimension", ""),
    ("1b", "Var", "Var + ((("),
])
def test_unreadable_claims_are_unverified(part, raw, normalized):
    assert verdict(part, raw, normalized)[0] == "unverified"


# PDF math is judged as printed where the reader kept its structure ("s = d" printed without a
# radical is the wrong answer d); where the reader marked a drawn shape it could not rebuild
# (U+FFFD before the radicand) the claim is never judged, right or wrong.
@pytest.mark.parametrize("part,raw,normalized,expected", [
    ("1c", "s = d", "d", "incorrect"),
    ("1c", "s = √d", "sqrt(d)", "correct"),
    ("6b.i", "(q^T k)^2", "qk**2", "incorrect"),
    ("1c", "s = \ufffdd", None, "unverified"),
    ("1c", "s = \ufffdd", "sqrt(d)", "unverified"),
    ("1c", "s = \ufffdd", "d", "unverified"),
])
def test_pdf_math_guard(part, raw, normalized, expected):
    assert verdict(part, raw, normalized, tags="source=text; pdf-math")[0] == expected


# The mark stops parsing itself: no guess at what the lost radical covered.
def test_lost_structure_is_not_parsed():
    from tractor.notation.latex import to_normalized

    assert to_normalized("s = \ufffdd") == ("", "the PDF print lost math structure here (a drawn radical or bar)")
