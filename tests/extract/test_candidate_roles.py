"""Roles of answer candidates: within an attempt the conclusion wins over the steps before it,
and an aside (a rejected alternative, a comparison, a worked number) loses to the answer it
comments on. Rows written for these tests by class, at least five variants each."""

import pytest

from tractor.extract import expressions
from tractor.extract.candidates import ASIDE, CONCLUSION, DISPLAY, INLINE, STEP, best, math_candidates
from tractor.homeworks import get

KEY = get("hw09").key


def roles(text: str) -> list[tuple[str, int]]:
    return [(c.text, c.role) for c in math_candidates(text)]


# a concluding word between the steps and the candidate
@pytest.mark.parametrize("text", [
    "The first term is $a$ and the second $b$, so the total is $c$.",
    "We get $a$ and $b$; hence $c$.",
    "From $a$ and $b$ it follows, therefore, that $c$.",
    "Adding $a$ to $b$ gives $c$.",
    "Combining $a$ with $b$, in total $c$.",
    "Steps: $a$, then $b$, i.e. $c$.",
    "With $a$ and $b$ this simplifies to $c$.",
])
def test_conclusion(text):
    found = roles(text)
    assert found[-1] == ("c", CONCLUSION) and all(role == STEP for _, role in found[:-1])


# a comment after the answer: parentheses, a comparing word, a hypothetical, an example
@pytest.mark.parametrize("text", [
    "The answer is $a$ (not $b$).",
    "The answer is $a$, not $b$.",
    "The answer is $a$ versus $b$ for the other model.",
    "The answer is $a$ instead of $b$.",
    "The answer is $a$, rather than $b$.",
    "The answer is $a$, compared with $b$ before.",
    "The answer is $a$; the other variant would be $b$.",
    "The answer is $a$, an h-fold reduction of $b$.",
    "The answer is $a$, e.g. $b$ in the small case.",
])
def test_aside(text):
    assert roles(text) == [("a", STEP), ("b", ASIDE)]


# a value worked out for one size is an instance of the answer, not the answer
@pytest.mark.parametrize("text, instance", [
    ("$s = \\sqrt{d}$; for $d = 64$, $s = 8$.", "s = 8"),
    ("$s = \\sqrt{d}$, so with d = 16 we get $s = 4$.", "s = 4"),
    ("$s = \\sqrt{d}$; at d = 100 that is $s = 10$.", "s = 10"),
    ("$s = \\sqrt{d}$ and $s = 8$ for $d = 64$.", "s = 8"),
    ("$s = \\sqrt{d}$; plugging in d = 9 gives $s = 3$.", "s = 3"),
    ("$s = \\sqrt{d}$; if d = 4 then $s = 2$.", "s = 2"),
])
def test_instance(text, instance):
    found = dict(roles(text))
    assert found[instance] == ASIDE and found["s = \\sqrt{d}"] != ASIDE


# an index range or an index is no worked instance
@pytest.mark.parametrize("text", [
    "For $i = 1, \\dots, D$: $\\phi_i(x) = x_i$",
    "for $i = 1, \\ldots, d$ we have $y = x_i^2$",
    "for $j = 1$ to $D$, $z = x_j$",
    "with $i = 1..D$, $w = x_i$",
    "for $i = 1, …, N$: $v = q_i$",
])
def test_index_range_is_no_instance(text):
    assert roles(text)[-1][1] != ASIDE


# a comparing word far back in a long lead-in does not make the answer an aside
@pytest.mark.parametrize("text", [
    "It is not hard to see that the value we want is $a$.",
    "Unlike what one may first guess, after some algebra the result is $a$.",
    "Rather surprisingly, after all of the algebra the result is $a$.",
    "This is not obvious at first, but writing it out the answer is $a$.",
    "We would expect, after a careful derivation of each term, $a$.",
])
def test_far_comparing_word(text):
    assert roles(text) == [("a", STEP)]


# math alone on its line is displayed; followed by a sentence it is inline, ranked as the
# rest of the line
@pytest.mark.parametrize("text, rank", [
    ("$s = \\sqrt{d}$", DISPLAY),
    ("$s = \\sqrt{d}$.", DISPLAY),
    ("Text\n$s = \\sqrt{d}$,\nmore", DISPLAY),
    ("$s = \\sqrt{d}$. Wait, that is wrong.", INLINE),
    ("$s = \\sqrt{d}$ since the variance is $d$", INLINE),
    ("$s = \\sqrt{d}$, e.g. 8 for d = 64", INLINE),
])
def test_display_needs_its_own_line(text, rank):
    assert math_candidates(text)[0].rank == rank


# the pick of an expression part: the conclusion, not the step nor the aside nor the instance
@pytest.mark.parametrize("text, value", [
    ("$s = \\sqrt{d}$. Wait, the variance of $q^T k / s$ is $d/s$, so actually $s = d$.", "d"),
    ("$s = d$ at first; no, so $s = \\sqrt{d}$.", "\\sqrt{d}"),
    ("$s = \\sqrt{d}$ (not $s = d$, which leaves variance $1/d$)", "\\sqrt{d}"),
    ("$s = \\sqrt{d}$, e.g. $s = 8$ for $d = 64$", "\\sqrt{d}"),
    ("Since the variance is $d$, we need $s^2 = d$, so $s = \\sqrt{d}$.", "\\sqrt{d}"),
])
def test_expression_pick(text, value):
    assert best(expressions.candidates(text, KEY.part("1c"))).value == value
