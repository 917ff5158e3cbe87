"""Question 3 code claims run in the sandbox against the reference attention."""

import copy
import json

import pytest

from tests.verify._helpers import HW09, verdict

REFERENCE = {"a": "d_model", "b": "d_model", "c": "d_model", "d": "Q", "e": "softmax", "f": "V",
             "g": "self.num_heads", "h": "W_o"}

# 3(a): blanks, as the extractor gives them (given blanks c and g may be left out).
BLANKS = [
    (REFERENCE, "correct"),
    ({k: v for k, v in REFERENCE.items() if k not in "cg"}, "correct"),
    ({**REFERENCE, "a": "self.d_model"}, "correct"),  # different text, same computation
    ({**REFERENCE, "h": "W_v"}, "incorrect"),  # runs, wrong numbers
    ({**REFERENCE, "e": "softmx"}, "incorrect"),  # does not run
    ({**REFERENCE, "d": "K"}, "incorrect"),
    ({k: v for k, v in REFERENCE.items() if k != "f"}, "unverified"),  # blank (f) not stated
]


@pytest.mark.parametrize("blanks,expected", BLANKS)
def test_blanks(blanks, expected):
    assert verdict("3a", json.dumps(blanks), json.dumps(blanks))[0] == expected


def code(*blocks):
    return json.dumps([{"type": "code", "text": b} for b in blocks])


W_O = "self.W_o = nn.Linear(2 * d_model, d_model)"
SPLIT = '''def split_heads(self, x):
    b, s, width = x.size()
    return x.view(b, s, self.num_heads, width // self.num_heads).transpose(1, 2)'''
COMBINE = '''def combine_heads(self, x):
    b, h, s, w = x.size()
    return x.transpose(1, 2).reshape(b, s, h * w)'''
COMBINE_ONLY_000 = '''def combine_heads(self, x):
    batch_size, _, seq_length, d_v = x.size()    # d_v = 2 * self.d_
    return x.transpose(1, 2).reshape(batch_size,
                                    seq_length, 2 * self.d_model)'''

# 3(b): patches. The official "W_o only" does not run; 000's two edits miss split_heads.
PATCHES = [
    (code(W_O, SPLIT, COMBINE), "correct", "edits 3"),
    (code("self.W_v = nn.Linear(in_features=d_model, out_features=2 * d_model)", W_O, SPLIT, COMBINE), "correct",
     "edits 3"),
    (code(W_O), "incorrect", "fix does not run"),
    (code(W_O, COMBINE_ONLY_000), "incorrect", "split_heads"),
    (code(SPLIT, COMBINE), "incorrect", "fix does not run"),  # output no longer [b, s, d_model]... W_o fails
    (json.dumps([{"type": "prose", "text": "change W_o to nn.Linear(2 * d_model, d_model)"}]), "incorrect",
     "fix does not run"),
    (json.dumps([{"type": "prose", "text": "widen the output projection"}]), "unverified", "no code"),
]


@pytest.mark.parametrize("edits,expected,detail", PATCHES)
def test_patches(edits, expected, detail):
    got, why = verdict("3b", "", edits)
    assert got == expected and detail in why


def test_patch_detail_records_the_minimal_edit_set():
    _, why = verdict("3b", "", code(W_O))
    assert "vs minimal 3 (combine_heads, self.W_o, split_heads)" in why


# Code read from a PDF (tag pdf-code): code that does not compile may be print damage, so it is
# unverified; code that compiles and fails at run time is still incorrect.
@pytest.mark.parametrize("blanks,edits,expected", [
    ({**REFERENCE, "a": "Filled-in blanks"}, None, "unverified"),  # 000 PDF before the row fix
    ({**REFERENCE, "e": "softmx"}, None, "incorrect"),
    (None, code(W_O, COMBINE_ONLY_000), "incorrect"),
])
def test_pdf_code_guard(blanks, edits, expected):
    part, normalized = ("3a", json.dumps(blanks)) if blanks else ("3b", edits)
    assert verdict(part, normalized, normalized, detail="edits=1; pdf-code")[0] == expected


# What the sandbox sends back is checked, not trusted to be well-formed: each row spoils one
# field of a real harness result (the reference class, case 0) and names the failure reported.
def _spoil(field, value):
    def spoil(result):
        result[field] = value(result[field])
    return spoil


SPOILED = [
    (_spoil("out", lambda packed: [packed[0], packed[1][:-8]]), "malformed result"),  # bytes cut short
    (_spoil("out", lambda packed: [packed[0], "not base64!"]), "malformed result"),
    (_spoil("x", lambda packed: [[2, 5], packed[1]]), "malformed result"),  # bytes do not fit the shape
    (_spoil("weights", lambda weights: {k: v for k, v in weights.items() if k != "W_o.weight"}),
     "reference not computable"),
    (_spoil("shape", lambda shape: [1, 1, 1]), "output shape [1, 1, 1]"),
]


@pytest.fixture(scope="module")
def reference_results():
    from tractor.homeworks import hw09_code
    from tractor.verify.code_patch import fill_blanks

    results, stop = hw09_code._run(fill_blanks(hw09_code.template(HW09.key.part("3a")), REFERENCE))
    assert stop is None
    return results


@pytest.mark.parametrize("spoil,failure", SPOILED)
def test_spoiled_results_are_failures(reference_results, spoil, failure):
    from tractor.homeworks.hw09_code import _compare

    results = copy.deepcopy(reference_results)
    spoil(results[0])
    worst, failures = _compare(results)
    assert len(failures) == 1 and failure in failures[0]
    assert worst < 1e-9  # the other cases still match


# The reference attention is computed once per distinct input and weights: comparing the same
# results again reuses it and agrees to the last bit.
def test_reference_is_computed_once_per_inputs(reference_results):
    from tractor.homeworks import hw09_code

    first = hw09_code._compare(reference_results)
    known = len(hw09_code._REFERENCES)
    assert hw09_code._compare(copy.deepcopy(reference_results)) == first
    assert len(hw09_code._REFERENCES) == known >= len(hw09_code._CASES)
    assert first[0] < 1e-9 and first[1] == []


# A transcript's code claims are verified together (their sandbox jobs run at once): every claim
# of the tables above, in one batch, gets the verdict it gets alone, in order.
def test_one_batch_gives_each_claim_its_own_verdict():
    from tests.verify._helpers import claim
    from tractor.verify import verify_claims

    rows = [("3a", json.dumps(b), expected) for b, expected in BLANKS] + \
           [("3b", edits, expected) for edits, expected, _ in PATCHES]
    judged = verify_claims([claim(part, "", normalized) if part == "3b" else
                            claim(part, normalized, normalized) for part, normalized, _ in rows], HW09)
    assert [c.verdict for c in judged] == [expected for _, _, expected in rows]
    assert [c.normalized for c in judged] == [normalized for _, normalized, _ in rows]
