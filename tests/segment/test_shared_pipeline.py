"""Segmentation's shortcuts: one spaCy pipeline per process, block-only markdown parsing and
C-speed feature counts must give exactly what the slower forms gave."""

from pathlib import Path

import pytest

from tractor.segment import blocks
from tractor.segment.blocks import Block
from tractor.english import english
from tractor.segment.features import _own_features

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SAMPLES = sorted(CORPUS.glob("*.txt"))


# Every user of spaCy gets the same pipeline object (loaded once per process).
def test_one_pipeline_shared():
    from tractor.label.text import nlp
    from tractor.segment.model_id import _statement_matcher

    assert nlp() is english()
    assert _statement_matcher()[0] is english()


# Block-only parsing finds the same top-level blocks as the full parser (inline rules on).
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_block_parser_matches_full_parser(path):
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    full = MarkdownIt("commonmark").enable("table").use(dollarmath_plugin)
    text = path.read_text(encoding="utf-8")
    fast = [(t.type, t.level, t.nesting, t.map) for t in blocks._parser().parse(text)]
    assert fast == [(t.type, t.level, t.nesting, t.map) for t in full.parse(text)]
    assert fast  # the sample is not empty


# Feature counts: superscript digits count as digits (str.isdigit), math symbols and pronouns.
@pytest.mark.parametrize("text, key, value", [
    ("x² = 4", "digits", 2 / 6),
    ("I used it and my model and I", "first_person", 3 / 8),
    ("you and your model", "second_person", 2 / 4),
    ("the model was correct, the official solution matched", "evaluation", 4 / 8),
    ("∑ α √", "math", 1.0),
    ("plain words only", "math", 0.0),
])
def test_feature_counts(text, key, value):
    assert _own_features(Block(text))[key] == pytest.approx(value)
