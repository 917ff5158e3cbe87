"""``check-key``: the key's answers pass their own checks; the classic wrong answers fail them."""

import pytest

from tractor.verify import check_key, format_verdicts_table, verify_claims

from tests.verify._helpers import HW09, claim


@pytest.fixture(scope="module")
def rows():
    return check_key(HW09)


def test_every_key_answer_gets_its_expected_verdict(rows):
    assert [(part, answer[:40]) for part, answer, passed, _ in rows if not passed] == []


# The brief's known-wrong answers are among the rows and fail their checks.
@pytest.mark.parametrize("part,answer", [
    ("1c", "d"), ("6b.i", "(q^T k)^2"), ("4a", "[h, d, k]"), ("4g", "O(d^2 + b d + b n d)"),
    ("3b", "self.W_o = nn.Linear(2 * d_model, d_model)"),
])
def test_known_wrong_answers_are_rows(rows, part, answer):
    assert any(p == part and a == answer and "expected incorrect, got incorrect" in d for p, a, _, d in rows)


def test_phi_without_sqrt2_is_a_failing_row(rows):
    wrong = [d for p, a, _, d in rows if p == "6b.ii" and "expected incorrect" in d]
    assert len(wrong) == 2 and all("got incorrect" in d for d in wrong)


# Free text: a rubric can confirm, never refute; parts without a rubric stay unverified.
@pytest.mark.parametrize("part,text,expected", [
    ("2b", "argmax has zero gradient almost everywhere, so no learning signal reaches q and k", "correct"),
    ("2b", "argmax is fine for training", "unverified"),
    ("6a", "the sum of similarities must be non-zero", "unverified"),
])
def test_free_text(part, text, expected):
    assert verify_claims([claim(part, text, text)], HW09)[0].verdict == expected


# Vectors and parts outside the key.
@pytest.mark.parametrize("part,normalized,expected", [
    ("2a", "[1, 4, 3]", "correct"), ("2a", "[[1], [4], [3]]", "correct"), ("2a", "[2, 0, 1]", "incorrect"),
    ("2a", "[1, 4]", "incorrect"), ("2a", "", "unverified"),
])
def test_vectors(part, normalized, expected):
    assert verify_claims([claim(part, normalized, normalized)], HW09)[0].verdict == expected


def test_invented_subpart_is_unverified_and_table_lists_it():
    c = claim("6d", "O(n D^2)", "n*D**2")
    judged = verify_claims([c.__class__(**{**c.__dict__, "part": "6e", "in_homework": False})], HW09)
    assert judged[0].verdict == "unverified" and "not in the hw09 key" in judged[0].detail
    table = format_verdicts_table(judged)
    assert table.splitlines()[0].split()[:5] == ["transcript", "part", "att", "kind", "verdict"]
    assert "6e" in table.splitlines()[2]
