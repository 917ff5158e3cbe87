"""Gold first-attempt verdicts on the sample posts: each part's first answer, cut from the real
text file, is extracted by the claim extractor and judged by the verifier.

A part counts incorrect when any of its claims is incorrect (as the gold README defines it).
The spans are (start, end) anchors in the sample text; segmentation is tested elsewhere.
"""

import json
from pathlib import Path

import pytest

from tractor import kinds
from tractor.records import Claim
from tractor.verify import verify_claims

from tests.verify._helpers import HW09

REPO = Path(__file__).resolve().parents[2]
STEMS = {"000": "000_c66c20e44076dd47", "001": "001_c77c6757d0383bc8", "002": "002_dae959164a571601"}

SPANS = [
    ("000", "1a", "(a)  $\\mathbb{E}[q^T k]$\n\nWrite", "**(b)"),
    ("000", "1b", "**(b)  $\\text{Var}(q^\\top k)$  for", "**(c)"),
    ("000", "1c", "**(c) Scaling factor", "This is exactly"),
    ("000", "2a", "### (a) Compute the argmax-attention output", "### (b) Why"),
    ("000", "3a", "### (a) Filled-in blanks", "## (b) Making"),
    ("000", "3b", "## (b) Making the doubled-value variant work", "For the multi-head attention code in PyTorch"),
    ("000", "4a", "| A    |", "| B    |"),
    ("000", "4b", "| B    |", "| C    |"),
    ("000", "4c", "| C    |", "| D    |"),
    ("000", "4d", "| D    |", "| E    |"),
    ("000", "4e", "| E    |", "### (f)"),
    ("000", "4f", "### (f) Computational complexity for MQA", "### (g) Memory"),
    ("000", "4g", "### (g) Memory-access complexity for MQA", "Compared with MHA"),
    ("000", "6b.i", "#### (i) Similarity function", "**(ii) Feature map**"),
    ("000", "6b.ii", "**(ii) Feature map**", "**(iii) Kernel-attention form**"),
    ("000", "6c", "**(c) Complexity of soft-max attention**", "**(d) Quadratic-kernel"),
    ("001", "1a", "1(a) Compute", "1(b) For"),
    ("001", "1b", "1(b) For", "1(c) Choose"),
    ("001", "1c", "1(c) Choose", "If this all looks good"),
    ("001", "2a", "2(a) Argmax attention with given keys/values", "2(b) Why using argmax"),
    ("001", "3a", "3(a) Fill in the blanks (a)–(h)", "3(b) When `W_v` outputs"),
    ("001", "3b", "3(b) When `W_v` outputs", "If you want, next we can go through Question 4"),
    ("001", "4a", "(a) What is A (shape of W_q)?", "(b) What is B"),
    ("001", "4b", "(b) What is B (shape of W_k)?", "(c) What is C"),
    ("001", "4c", "(c) What is C (expression for q)?", "(d) What is D"),
    ("001", "4d", "(d) What is D (expression for `k`)?", "(e) What is E"),
    ("001", "4e", "(e) What is E (expression for `v`)?", "4(f): Computational"),
    ("001", "4f", "4(f): Computational complexity for MQA", "4(g): Memory access"),
    ("001", "4g", "4(g): Memory access complexity for MQA", "If you'd like, next we can move on"),
    ("001", "6b.i", "6(b)(i) Quadratic polynomial kernel attention", "6(b)(ii) Feature map"),
    ("001", "6c", "6(c) Time & space complexity", "6(d) Deriving"),
    ("002", "4d", "(d)\t", "(e)\t"),
    ("002", "4e", "(e)\t", "(f)\t"),
    ("002", "4f", "(f)\t", "(g)\t"),
    ("002", "4g", "(g)\t", "This is exactly why"),
    ("002", "6b.i", "6(b)(i)", "6(b)(ii)"),
    # "x_i x_j \text{ for } 1 \leq i \leq j \leq d"; "V' = phi(Q)^T S / phi(Q)^T Z" with "where S_j = ..."
    ("002", "6b.ii", "6(b)(ii)", "6(b)(iii)"),
    ("002", "6b.iii", "6(b)(iii)", "6(c)"),
]


def gold(stem: str) -> dict:
    return json.loads((REPO / "data" / "gold" / f"dev_{stem}.json").read_text())["first_attempt"]


def test_spans_cover_every_gold_entry():
    covered = {s[:2] for s in SPANS}
    assert covered == {(stem, part) for stem in STEMS for part in gold(stem)}


@pytest.mark.parametrize("stem,part_id,start,end", SPANS)
def test_first_attempt_verdict_matches_gold(stem, part_id, start, end):
    text = (REPO / "corpus" / f"{STEMS[stem]}.txt").read_text(encoding="utf-8")
    i = text.index(start)
    span = text[i:text.index(end, i + len(start))]
    part = HW09.key.part(part_id)
    claims = [Claim(stem, part_id, True, 1, 0, part.kind, raw, norm, tags=tags)
              for raw, norm, tags in kinds.get(part.kind).extract(span, part, False)]
    verdicts = {c.verdict for c in verify_claims(claims, HW09)}
    got = "incorrect" if "incorrect" in verdicts else "correct" if verdicts == {"correct"} else sorted(verdicts)
    assert got == gold(stem)[part_id]
