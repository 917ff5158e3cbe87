"""The dataset card: the versions a dataset was built with are read back from its YAML."""

import pytest

from tractor.dataset.card import CardFacts, card_versions, render_card


@pytest.mark.parametrize("card, expected", [
    (render_card(CardFacts(rows={}, key_versions={"hw09": "1"}, tractor_version="0.1.0")), ("0.1.0", {"hw09": "1"})),
    (render_card(CardFacts(rows={"transcripts": 3}, tractor_version="0.2.0")), ("0.2.0", {})),
    ("no card text", ("unknown", {})),
])
def test_card_versions(card, expected):
    assert card_versions(card) == expected
