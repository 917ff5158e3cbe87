"""A part's vocabulary: which parsed names count as the part's own (``incorrect`` only when sure)."""

from types import MappingProxyType

import pytest

from tractor.answer_key import Part
from tractor.records import Claim
from tractor.verify.outcome import correct, incorrect
from tractor.verify.vocabulary import guard, outside

PART = Part(id="1a", asks="", kind="expression", reference=r"\mu^T \mu",
            extra=MappingProxyType({"symbols": ["mu", "mu_i", "d", "sigma", "q", "k"]}))


# declared names, index-family members, and the names the notation layer builds from declared ones
@pytest.mark.parametrize("normalized, strangers", [
    ("d*mu**2", []),
    ("norm_mu**2", []),                 # a norm of a declared vector
    ("norm1_mu", []),                   # another norm of it: a faithful parse of a wrong answer
    ("qk + sigma**2", []),              # the dot product of two declared vectors
    ("mu_i**2 + mu_j", []),             # members of the family mu_i
    ("mu_1*d", []),
    ("norm_mu_2**2", ["norm_mu_2"]),    # an unread norm subscript
    ("Sigma_i*mu_i**2", ["Sigma_i"]),   # a sum sign read as a letter
    ("a*e*n*r*s*w", ["a", "e", "n", "r", "s", "w"]),  # "answer" as a product of letters
    ("d_k", ["d_k"]),                   # d is no index family
    ("Sum(mu_i, (i, 1, full_range))", ["full_range"]),  # a sum the layer could not turn into vectors
])
def test_outside(normalized, strangers):
    assert outside(normalized, PART) == strangers


# no vocabulary, or no sympy expression: nothing to say
@pytest.mark.parametrize("part, normalized", [
    (Part(id="2a", asks="", kind="vector", reference="[1, 4, 3]"), "x*y"),
    (PART, '[1, 4, 3]'),
    (PART, ""),
])
def test_outside_not_checked(part, normalized):
    assert outside(normalized, part) is None


# only incorrect verdicts on strangers are withheld, with the symbols named
@pytest.mark.parametrize("normalized, outcome, verdict", [
    ("norm_mu_2**2", incorrect("differs"), "unverified"),
    ("Sigma_i*mu_i**2", incorrect("differs"), "unverified"),
    ("d*sigma**2", incorrect("differs"), "incorrect"),
    ("norm_mu_2**2", correct("equal"), "correct"),
    ("norm_mu**2", correct("equal"), "correct"),
])
def test_guard(normalized, outcome, verdict):
    claim = Claim("t", "1a", True, 1, 0, "expression", "", normalized)
    got = guard(claim, PART, outcome)
    assert got.verdict == verdict
    if verdict != outcome.verdict:
        assert "vocabulary" in got.detail and outcome.detail in got.detail


SIZES = Part(id="6c", asks="", kind="big_o", reference="N^2 D + N^2 M",
             extra=MappingProxyType({"symbols": ["N", "D", "M", "b", "d"], "aliases": {"n": "N"}}))


# sizes written together are a product of declared sizes; the key's aliases are declared too
@pytest.mark.parametrize("normalized, strangers", [
    ("N**2*bnd", []),                   # b, N... glued: "bnd" is b*n*d only through the alias n
    ("bd + d**2", []),
    ("n**2*D", []),                     # the alias n of N
    ("NDM", []),
    ("Nx", ["Nx"]),                     # x is no size: not a product of sizes
    ("bndh", ["bndh"]),                 # h is not declared here
])
def test_glued_sizes_and_aliases(normalized, strangers):
    assert outside(normalized, SIZES) == strangers


ALIASED = Part(id="1c", asks="", kind="expression", reference=r"\sqrt{d}",
               extra=MappingProxyType({"symbols": ["s", "d", "q", "k"], "aliases": {"d_k": "d"}}))


# an alias is one declared name, never an index family: d_k is d, d_v is a stranger
@pytest.mark.parametrize("normalized, strangers", [
    ("sqrt(d_k)", []), ("d_k", []), ("sqrt(d_v)", ["d_v"]), ("d_q + d", ["d_q"]), ("d_1", ["d_1"]),
])
def test_alias_is_no_family(normalized, strangers):
    assert outside(normalized, ALIASED) == strangers
