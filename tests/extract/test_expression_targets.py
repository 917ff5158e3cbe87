"""Targets found however their name is written (tractor.extract.expressions) and plain-text
math inside markdown bold (tractor.extract.candidates.math_runs)."""

import pytest

from tractor.extract.candidates import math_runs
from tractor.extract.expressions import extract
from tractor.homeworks import get

KEY = get("hw09").key
RHS = r"\frac{\phi(Q_i)^\top S}{\phi(Q_i)^\top Z}"


# the prime before or after the subscript, in LaTeX or Unicode, and a PDF's subscript without
# its underscore all name the key's target V'_i
@pytest.mark.parametrize("lhs", ["V_i'", "V_{i}'", "V^{\\prime}_i", "V_i^{\\prime}", "V'_{i}", "V′_i"])
def test_prime_and_subscript_in_any_order(lhs):
    [(raw, _, _)] = extract(f"${lhs} = {RHS}$", KEY.part("6b.iii"))
    assert raw.endswith(RHS)


@pytest.mark.parametrize("text", [
    "V′i = ϕ(Qi)ᵀ S / ϕ(Qi)ᵀ Z",
    "V'i = ϕ(Qi)ᵀ S / ϕ(Qi)ᵀ Z",
    "Vi′ = ϕ(Qi)ᵀ S / ϕ(Qi)ᵀ Z",
    "The output is V′i = ϕ(Qi)ᵀ S / ϕ(Qi)ᵀ Z",
    "V′ i = ϕ(Qi)ᵀ S / ϕ(Qi)ᵀ Z",
])
def test_pdf_target_without_underscore(text):
    found = extract(text, KEY.part("6b.iii"))
    assert found and found[0][0].split("=")[1].strip().startswith("ϕ(Qi)")


# other names stay apart: V_j' is not V'_i, nor is W'_i
@pytest.mark.parametrize("lhs", ["V_j'", "W'_i", "V''_i", "U_i", "V_{ij}'"])
def test_other_names_are_not_the_target(lhs):
    assert extract(f"${lhs} = {RHS}$", KEY.part("6b.iii")) == []


# markdown bold around an equation is not part of it; code's power d**0.5 is kept
@pytest.mark.parametrize("line, runs", [
    ("**s = √d**", ["s = √d"]),
    ("**Var(qᵀk) = d**", ["Var(qᵀk) = d"]),
    ("**sim(q, k) = (qᵀk + 1)²**", ["sim(q, k) = (qᵀk + 1)²"]),
    ("The scale is **s = √d**.", ["s = √d"]),
    ("**E[qᵀk] = ‖μ‖²** is the mean", ["E[qᵀk] = ‖μ‖²"]),
    ("s = d**0.5", ["s = d**0.5"]),
    ("**s = d**0.5**", ["s = d**0.5"]),
])
def test_markdown_bold(line, runs):
    assert math_runs(line) == runs
