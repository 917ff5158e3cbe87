import math

import pytest

from tractor.segment.blocks import Block
from tractor.segment.features import _own_features


# Token counts and word shares of one block (values from the Token-by-Token computation these
# features were trained with): math spans are left out of the words, contractions count as words,
# whitespace tokens ("\n", double spaces) count as neither, and "symbolic" is the share of
# characters that are not letters or prose punctuation.
@pytest.mark.parametrize(
    ("text", "tokens", "first_person", "second_person", "past_ed", "symbolic"),
    [
        ("I asked the LLM:\nit didn't derive $q^T k$ right", 13, 1 / 9, 0.0, 1 / 9, 0.06382978723404253),
        ("O(d^2 + bd)\t12", 5, 0.0, 0.0, 0.0, 0.5),
        ("We're done!  \n\n You're welcome.", 8, 0.0, 1 / 6, 0.0, 0.0),
        ("σ² ≤ ½ café_2", 4, 0.0, 0.0, 0.0, 0.23076923076923073),
    ],
)
def test_own_features(text, tokens, first_person, second_person, past_ed, symbolic):
    features = _own_features(Block(text=text))
    assert features["log_tokens"] == math.log1p(tokens)
    assert features["first_person"] == first_person
    assert features["second_person"] == second_person
    assert features["past_ed"] == past_ed
    assert features["symbolic"] == symbolic

