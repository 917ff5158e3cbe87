"""Answer candidates of table rows: the answer cell only, and of a cell stating a change only
the new value."""

import pytest

from tractor.extract.candidates import ANSWER, math_candidates, plain_lines


# PDF rows (tab-separated): the first cell after the label is the candidate, at answer rank; a
# change gives the new value, as an equation when the replaced one named what it defines.
@pytest.mark.parametrize("row, text", [
    ("(f)\tO(bd^2 + bnd)", "O(bd^2 + bnd)"),
    ("(b)(i)\tReplace sim(q, k) = (q^T k)^2 with (q^T k + 1)^2 .\tThe standard kernel", "sim(q, k) = (q^T k + 1)^2 ."),
    ("(c)\tChange s = d to s = √d\tunit variance", "s = √d"),
    ("(c)\tReplace s = d by √d\tunit variance", "s = √d"),
    ("(c)\ts should be √d\tnot d", "s = √d"),
    ("(b)\tThe kernel should be (q^T k + 1)^2\twith bias", "(q^T k + 1)^2"),
    ("(b)(ii)\tExpand the feature map to include: a constant\tThese extra components", "Expand the feature map to include: a constant"),
    ("6(b)(ii)\tϕ(x)_{ij} = x_i x_j (for i ≤ j), vectorized", "ϕ(x)_{ij} = x_i x_j (for i ≤ j), vectorized"),
])
def test_row_candidate(row, text):
    assert [(c.text, c.rank) for c in plain_lines(row)] == [(text, ANSWER)]


# Delimited math: segments in the replaced part or in explanation cells are no candidates.
@pytest.mark.parametrize("row, latex", [
    ("| (b)(i) | Replace $\\text{sim}(q, k) = (q^T k)^2$ with $(q^T k + 1)^2$ . | bias $+1$ |", ["(q^T k + 1)^2"]),
    ("| (c) | Change $s = d$ to $s = \\sqrt{d}$ | $d$ was wrong |", ["s = \\sqrt{d}"]),
    ("| (c) | Replace $a \\text{ with } b$ by $c$ | why |", ["c"]),  # "with" inside math does not count
    ("| (c) | $s = d$ and $s^2 = d^2$ | why $x$ |", ["s = d", "s^2 = d^2"]),
])
def test_row_math(row, latex):
    assert [c.text for c in math_candidates(row)] == latex


# code's power after a bracket or a name is no markdown bold: it stays a power
@pytest.mark.parametrize("claim, part", [
    ("sim(q, k) = (qTk + 1)**2", "6b.i"),
    ("sim(q,k) = (q^T k + 1)**2", "6b.i"),
    ("s = d**0.5", "1c"),
    ("s = (d)**0.5", "1c"),
    ("**s = d**(1/2)**", "1c"),
])
def test_code_power_is_not_bold(claim, part):
    from tractor.verify import check_claim

    assert check_claim(claim, part=part).verdict == "correct"
