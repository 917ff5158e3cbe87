"""Verifier-based labels on hand-built claim lists, as the extractor and verifier hand them over."""

import json

import pytest

from tractor.label.algebra import constant_relation, drops_constant_term
from tractor.label.verdicts import verdict_labels
from tractor.records import Message, Transcript
from tractor.notation.expressions import load

from .samples import claim

TWOS = [{"coef": "1", "monomial": [], "where": ""}, {"coef": "2", "monomial": ["i"], "where": ""},
        {"coef": "1", "monomial": ["i", "i"], "where": ""}, {"coef": "2", "monomial": ["i", "j"], "where": "i<j"}]
HOMOGENEOUS = [{"coef": "1", "monomial": ["i", "j"], "where": "i<=j"}]
OUTER = [{"coef": "1", "monomial": ["i", "j"], "where": ""}]


def _transcript(roles: str) -> Transcript:
    """Roles as letters: "uaua" -> user, assistant, user, assistant."""
    names = {"u": "user", "a": "assistant"}
    return Transcript("t", "post.txt", "text", [Message(names[r], f"turn {i}") for i, r in enumerate(roles)],
                      homework="hw09")


def _names(labels, part=None):
    return sorted((lb.label, lb.part) for lb in labels if part is None or lb.part == part)


# How a wrong expression relates to its reference (near misses: equal, or a different shape).
@pytest.mark.parametrize("claim_text, reference, relation", [
    ("d", "sqrt(d)", "claim = ref**2"),
    ("2*sqrt(d)", "sqrt(d)", "claim = 2*ref"),
    ("d/2", "d", "claim = 1/2*ref"),
    ("sqrt(d)", "sqrt(d)", ""),
    ("d + 1", "sqrt(d)", ""),
    ("sqrt(d_k)", "sqrt(d)", ""),
])
def test_constant_relation(claim_text, reference, relation):
    assert constant_relation(load(claim_text), load(reference)) == relation


# A dropped additive constant; (qk + c)^2 keeps a bias term, so it is not missing one.
@pytest.mark.parametrize("claim_text, reference, expected", [
    ("qk**2", "(qk + 1)**2", True),
    ("2*qk**2", "(qk + 1)**2", True),
    ("(qk + c)**2", "(qk + 1)**2", False),
    ("(qk + 1)**2", "(qk + 1)**2", False),
    ("qk**2", "qk**2", False),
    ("qk**3", "(qk + 1)**2", False),
])
def test_drops_constant_term(claim_text, reference, expected):
    assert drops_constant_term(load(claim_text), load(reference)) is expected


# Per-claim labels from verdicts; the key (hw09) supplies references when the claim has none.
@pytest.mark.parametrize("claims, expected", [
    ([claim("1c", 1, 1, "incorrect", normalized="d", text="s = d")], [("wrong_constant", "1c")]),
    ([claim("1c", 1, 1, "correct", normalized="sqrt(d)")], []),
    ([claim("1c", 1, 1, "incorrect", normalized="d + 1")], [("other_error", "1c")]),
    ([claim("6b.i", 1, 1, "incorrect", normalized="qk**2")], [("missing_bias_term", "6b.i")]),
    ([claim("6b.i", 1, 1, "incorrect", normalized="(qk + c)**2")], [("other_error", "6b.i")]),
    ([claim("6b.ii", 1, 1, "incorrect", kind="feature_map", normalized=json.dumps(TWOS))],
     [("wrong_coefficients", "6b.ii")]),
    ([claim("6b.ii", 1, 1, "incorrect", kind="feature_map", normalized=json.dumps(OUTER))],
     [("missing_bias_term", "6b.ii")]),
    ([claim("6b.i", 1, 1, "incorrect", normalized="qk**2"),
      claim("6b.ii", 1, 1, "incorrect", kind="feature_map", normalized=json.dumps(HOMOGENEOUS))],
     [("missing_bias_term", "6b.i"), ("wrong_coefficients", "6b.ii")]),  # against the model's own kernel
    ([claim("6e", 1, 1, "unverified", kind="big_o", in_homework=False, normalized="D**2*N")],
     [("invented_subpart", "6e")]),
    # a part of a question the key does not know, or a bare question number: nothing invented
    ([claim("9c", 1, 1, "unverified", kind="free_text", in_homework=False, normalized="x")], []),
    ([claim("8", 1, 1, "unverified", kind="free_text", in_homework=False, normalized="x")], []),
])
def test_claim_labels(claims, expected):
    assert _names(verdict_labels(_transcript("ua"), claims)) == expected


def test_no_invented_subpart_outside_the_bank():
    transcript = Transcript("t", "post.txt", "text", [Message("user", "q"), Message("assistant", "a")],
                            homework="unknown")
    claims = [claim("6e", 1, 1, "unverified", kind="big_o", in_homework=False, normalized="D**2*N"),
              claim("3h", 1, 1, "unverified", kind="free_text", in_homework=False, normalized="W_o")]
    assert verdict_labels(transcript, claims) == []


PATCH = {"edited_units": ["self.W_o", "split_heads"], "minimal_units": ["self.W_o", "split_heads"]}
BLANKS = '{"a": "d_model", "d": "Q", "e": "sigmoid", "f": "V"}'


# The verifier's facts, not its wording, decide each label: one row per fact pattern.
@pytest.mark.parametrize("kind, verdict, facts, expected", [
    # code patches: runs / error class / edit counts
    ("code_patch", "incorrect", {"runs": False, "error_class": "RuntimeError", "edits": 1, "minimal_edits": 3},
     ["fix_does_not_run"]),
    ("code_patch", "correct", {**PATCH, "runs": True, "edits": 4, "minimal_edits": 3}, ["non_minimal_fix"]),
    ("code_patch", "correct", {**PATCH, "runs": True, "edits": 3, "minimal_edits": 3}, []),
    ("code_patch", "incorrect", {**PATCH, "runs": False, "edits": 4, "minimal_edits": 3}, ["fix_does_not_run"]),
    ("code_patch", "error", {**PATCH, "edits": 4, "minimal_edits": 3}, []),  # the sandbox failed: no verdict
    ("code_patch", "incorrect", {"runs": True}, ["other_error"]),  # ran, wrong values: nothing more specific
    ("code_patch", "incorrect", {"runs": True, "output_shape": [2, 5, 16], "expected_shape": [2, 5, 8]},
     ["wrong_shape"]),
    # code blanks
    ("code_blanks", "incorrect", {"runs": False, "error_class": "AttributeError", "wrong_blanks": ["e"]},
     ["wrong_blank"]),
    ("code_blanks", "incorrect", {"runs": True, "wrong_blanks": ["a", "h"]}, ["wrong_blank"]),
    ("code_blanks", "incorrect", {"runs": True, "wrong_blanks": []}, ["other_error"]),
    # shapes and vectors
    ("shape", "incorrect", {"claim_shape": ["h", "d", "k"], "reference_shape": ["h", "d", "q"]}, ["wrong_shape"]),
    ("shape", "incorrect", {"claim_shape": ["d", "q"], "reference_shape": ["h", "d", "q"]}, ["wrong_shape"]),
    ("vector", "incorrect", {"claim_length": 4, "reference_length": 3}, ["wrong_shape"]),
    ("vector", "incorrect", {"claim_length": 3, "reference_length": 3, "wrong_entries": [0, 2]}, ["wrong_value"]),
    ("vector", "correct", {"claim_length": 3, "reference_length": 3, "wrong_entries": []}, []),
    # einsum subscripts (HW9's einsum kind) and big-O terms
    ("einsum", "incorrect", {"claim_subscripts": "bd,dk->bk", "reference_subscripts": "bd,hdq->bhq"},
     ["wrong_einsum_subscripts"]),
    ("einsum", "incorrect", {"claim_subscripts": "bd,hdq->bhq", "reference_subscripts": "bd,hdq->bhq"},
     ["other_error"]),
    ("big_o", "incorrect", {"bound_relation": "tighter", "missing_terms": ["M*N**2"], "extra_terms": []},
     ["wrong_complexity_term"]),
    ("big_o", "incorrect", {"bound_relation": "looser", "missing_terms": [], "extra_terms": ["b*d*n*h"]},
     ["wrong_complexity_term"]),
    ("big_o", "incorrect", {"bound_relation": "incomparable", "missing_terms": ["D**2*N"], "extra_terms": ["N**2"]},
     ["wrong_complexity_term"]),
    # no facts at all: the English detail is never read
    ("code_patch", "incorrect", {}, ["other_error"]),
])
def test_labels_from_facts(kind, verdict, facts, expected):
    part = {"code_patch": "3b", "code_blanks": "3a", "shape": "4a", "einsum": "4c", "vector": "2a", "big_o": "6c"}[kind]
    c = claim(part, 1, 1, verdict, kind=kind, normalized=BLANKS if kind == "code_blanks" else "x", facts=facts,
              detail="fix does not run: RuntimeError; edits 4 (a, b, c, d) vs minimal 3 (a, b, c)")
    assert [name for name, _ in _names(verdict_labels(_transcript("ua"), [c]))] == expected


def test_fact_evidence_names_what_differs():
    c = claim("3a", 1, 1, "incorrect", kind="code_blanks", normalized=BLANKS, facts={"wrong_blanks": ["e"]})
    c2 = claim("3b", 1, 1, "correct", kind="code_patch", normalized="x",
               facts={**PATCH, "runs": True, "edits": 3, "minimal_edits": 2, "minimal_units": ["self.W_o"]})
    assert sorted(lb.evidence for lb in verdict_labels(_transcript("ua"), [c, c2])) == [
        "(e) sigmoid", "3 edits (self.W_o, split_heads) where 2 suffice (self.W_o)"]


# Attempt sequences: a movement counts only with a user turn between the two attempts.
@pytest.mark.parametrize("roles, verdicts, expected", [
    ("uaua", [(1, "incorrect"), (3, "correct")], [("other_error", "4f"), ("self_corrected", "4f")]),
    ("uaua", [(1, "correct"), (3, "incorrect")], [("flip_to_wrong", "4f"), ("other_error", "4f")]),
    ("uaa", [(1, "incorrect"), (2, "correct")], [("other_error", "4f")]),
    ("uaua", [(1, "correct"), (3, "correct")], []),
    ("uauaua", [(1, "incorrect"), (3, "unverified"), (5, "correct")], [("other_error", "4f"), ("self_corrected", "4f")]),
])
def test_movements(roles, verdicts, expected):
    claims = [claim("4f", n + 1, i, v, kind="big_o", normalized="b*d**2") for n, (i, v) in enumerate(verdicts)]
    assert _names(verdict_labels(_transcript(roles), claims)) == sorted(expected)


def test_movement_label_sits_on_the_later_attempt():
    claims = [claim("6b.i", 1, 1, "incorrect", normalized="qk**2"),
              claim("6b.i", 2, 3, "correct", normalized="(qk + 1)**2", text="(q^T k + 1)^2")]
    moved = [lb for lb in verdict_labels(_transcript("uaua"), claims) if lb.label == "self_corrected"]
    assert [(lb.message_index, lb.evidence, lb.detector) for lb in moved] == [(3, "(q^T k + 1)^2", "verifier")]
