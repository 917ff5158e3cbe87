"""The big-O comparator: dominant monomials after the key's substitutions."""

import pytest

from tractor.verify.big_o import compare, prepare
from tractor.notation.expressions import load_plain

from tests.verify._helpers import verdict

MQA = {"k": "d/h", "q": "d/h", "v": "d/h"}

# (claim, reference, substitutions, relation)
RELATIONS = [
    ("b d^2 + b n d", "b d^2 + b n d", {}, "equal"),
    ("b d^2 + b n d + b d", "b d^2 + b n d", {}, "equal"),  # a dominated extra term changes nothing
    ("d^2 + b d + b n k", "d^2 + b d + b n d / h", MQA, "equal"),
    ("d^2 + b d + b n d", "d^2 + b d + b n d / h", MQA, "looser"),
    ("d^2 + b d", "d^2 + b d + b n d / h", MQA, "tighter"),
    ("b n d^2", "b d^2 + n d", {}, "looser"),
    ("N^2 D", "N^2 D + N^2 M", {}, "tighter"),
    ("N D", "N^2", {}, "incomparable"),
    ("N D^2 M", "N D^3", {"M": "D"}, "equal"),
]


@pytest.mark.parametrize("claim,reference,subs,relation", RELATIONS)
def test_relations(claim, reference, subs, relation):
    mine, ref = prepare(load_plain(claim), subs), prepare(load_plain(reference), subs)
    assert compare(mine, ref).relation == relation


# Claims as the extractor normalizes them, on the key's parts (resource tags select the bound).
CLAIMS = [
    ("4f", "b*d**2 + b*d*n", "", "correct"),
    ("4f", "b*d**2 + b*d*n/h", "", "incorrect"),
    ("4g", "b*d + d**2 + b*d*n/h", "", "correct"),
    ("4g", "d**2 + b*d + b*n*k", "", "correct"),
    ("4g", "d**2 + b*d + bnd", "", "incorrect"),  # glued product of sizes, the MHA bound
    ("6c", "N**2*(D + M)", "resource=time", "correct"),
    ("6c", "D**2*N + D*M*N + D*N**2 + M*N**2", "resource=time", "correct"),  # projections allowed
    ("6c", "n**2*D", "resource=time", "incorrect"),  # drops the N^2 M term
    ("6c", "N**2 + N*(D + M)", "resource=memory", "correct"),
    ("6c", "N**2", "", "unverified"),  # no resource and neither bound matches
    ("6d", "n*D**3", "resource=time", "correct"),
    ("6d", "D**3 + n*D", "resource=memory", "unverified"),  # memory is disputed
]


@pytest.mark.parametrize("part,normalized,tags,expected", CLAIMS)
def test_big_o_claims(part, normalized, tags, expected):
    assert verdict(part, f"O({normalized})", normalized, tags)[0] == expected


# Big-O read from a PDF: judged as printed unless the reader marked lost structure in it.
@pytest.mark.parametrize("raw,normalized,expected", [
    ("O(d^2 + bd + (bnd)/h)", "b*d + d**2 + (b*d*n)/h", "correct"),
    ("O(bnd/h)", "(b*d*n)/h", "incorrect"),  # the cache term alone
    ("O(d^2 + bd + \ufffdbnd)", "b*d + d**2 + b*d*n", "unverified"),
])
def test_pdf_big_o(raw, normalized, expected):
    assert verdict("4g", raw, normalized, "source=text; resource=memory; pdf-math")[0] == expected
