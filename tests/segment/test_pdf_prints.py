"""Segmentation of PDF prints: blocks without markdown (formula lines, tab-separated tables,
notes quoting math) get the role the text version gives them."""

import json
import sys
from functools import cache
from pathlib import Path

import pytest

from tractor.ingest.pdf import read_pdf
from tractor.segment.blocks import Block, split_blocks
from tractor.segment.features import _own_features
from tractor.segment.turns import segment

REPO = Path(__file__).resolve().parents[2]
PDF = REPO / "corpus" / "pdf"


@cache
def _segmented(name: str):
    path = PDF / name
    return segment(read_pdf(path.read_bytes(), str(path)))


def _roles_holding(name: str, snippet: str) -> list[str]:
    result = _segmented(name)
    return ([message.role for message in result.messages if snippet in message.content]
            + ["annotation" for note in result.annotations if snippet in note.text]
            + (["summary"] if snippet in result.summary else []))


# Block text -> role in the real prints: the model's conclusion before a prompt on the next page,
# its tables (cells that say "the model"), its reply to a follow-up; the student's math-heavy notes.
@pytest.mark.parametrize("name, snippet, role", [
    ("000_c66c20e44076dd47.pdf", "Therefore\n\nO(d^2 + bd + (bnd)/h)", "assistant"),
    ("000_c66c20e44076dd47.pdf", "Compared with MHA's O(d^2 + bd + bnd)", "assistant"),
    ("000_c66c20e44076dd47.pdf", "blank\tcorrect code / value\treasoning", "assistant"),
    ("000_c66c20e44076dd47.pdf", "(a)\td_model\tkeys have the same dimension as the model",
     "assistant"),
    ("000_c66c20e44076dd47.pdf", "In my notation the cache term", "assistant"),
    ("000_c66c20e44076dd47.pdf", "This is exactly the 1/d scaling", "assistant"),
    ("000_c66c20e44076dd47.pdf", "Store S : O(PM) = O(D^3)", "assistant"),
    ("000_c66c20e44076dd47.pdf", "When I prompted the LLM with Question 1", "annotation"),
    ("000_c66c20e44076dd47.rawtex.pdf", "When I prompted the LLM with Question 1", "annotation"),
    ("000_c66c20e44076dd47.rawtex.pdf", "Its main mistake was in part (b)", "annotation"),
    ("000_c66c20e44076dd47.rawtex.pdf", "Expand the feature map to include", "assistant"),
    ("002_dae959164a571601.pdf", "What to write on your homework", "assistant"),
    ("002_dae959164a571601.pdf", "Almost there. Let's skip over Problem 5", "user"),
])
def test_print_block_roles(name, snippet, role):
    assert _roles_holding(name, snippet) == [role]


# Cues of a student's note versus an answer, and of print layout, as features.
@pytest.mark.parametrize("text, key, value", [
    ("Compared with MHA's O(bnd), the cache term is reduced by h.", "past_start", 0.0),
    ("Based on the expansion, the kernel needs a constant.", "past_start", 0.0),
    ("Missed the bias term here, same as the other models.", "past_start", 1.0),
    ("Went back to question 3 after the hint.", "past_start", 1.0),
    ("When I prompted the model with question 2, it copied it.", "asked_model", 1.0),
    ("If you prompted it differently, the answer would change.", "asked_model", 0.0),
    ("The LLM derived $E[x]$, then it computed $\\mathrm{Var}(x)$ and Claude got 1.",
     "narration", 1.0),
    ("Earlier I wrote the homogeneous kernel and set c = 0.", "narration", 0.0),
    ("(a)\td_model\tkeys have the same dimension as the model", "kind_table", 1.0),
    ("blank\tcode\nnot a row", "tabular", 0.5),
    ("O(d^2 + bd + (bnd)/h)", "symbolic", pytest.approx(9 / 21)),  # digits, operators, brackets
    ("Compared with the key, it is right.", "symbolic", 0.0),
])
def test_feature_cues(text, key, value):
    assert _own_features(Block(text))[key] == value


# Inline math does not dilute a note's word counts: the same note with and without formulas.
def test_math_left_out_of_word_counts():
    plain = _own_features(Block("I saw that it derived and it was right"))
    with_math = _own_features(Block("I saw that it derived $\\mathbb{E}[q^\\top k] = d\\mu^2$ "
                                    "and it was right"))
    assert with_math["first_person"] == plain["first_person"] > 0


# A PDF table (tab-separated rows) and the prose the reader set against it become two blocks.
@pytest.mark.parametrize("text, expected", [
    ("x\t1\ty\t2\nThe model got both rows right.",
     ["x\t1\ty\t2", "The model got both rows right."]),
    ("Summary table\nstep\tcost\nread\tO(n)", ["Summary table", "step\tcost\nread\tO(n)"]),
    ("no table here\njust prose", ["no table here\njust prose"]),
])
def test_table_rows_split_from_prose(text, expected):
    assert [block.text for block in split_blocks(text)] == expected


# The synthetic posts' renderings (text, print, TeX print) are what blocks.jsonl holds.
def test_rendered_posts_match_training_rows():
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import segment_synth
    finally:
        sys.path.pop(0)
    rows = [json.loads(line) for line in segment_synth.BLOCKS_PATH.read_text().splitlines()]
    posts = [json.loads(line) for line in
             (segment_synth.SYNTHETIC / "parts.jsonl").read_text().splitlines()]
    checked = 0
    for post in posts:
        for mode in post.get("renders", []):
            post_id = post["post"] + segment_synth.SUFFIX[mode]
            text, starts = segment_synth.render(post, mode)
            assert segment_synth.labelled_rows(post_id, text, starts) == \
                [row for row in rows if row["post"] == post_id]
            checked += 1
    assert checked >= 30
