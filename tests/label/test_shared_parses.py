"""The label detectors share one parse per message and skip sentences that cannot match: the
shortcuts must never change what the detectors find."""

import pytest

from tractor.label import label_transcript
from tractor.label import text as shared
from tractor.label.citations import _MAY_CITE, check_sentence, find_citations
from tractor.label.refusal import INTEGRITY_LEXICON, _matchers, _may_use_lexicon, judge, refusal_labels
from tractor.records import ASSISTANT

from .samples import sample_transcript

STEMS = ["000", "001", "002"]


def _all_sentences(stem: str) -> list[str]:
    transcript = sample_transcript(stem)
    texts = [m.content for m in transcript.messages] + [a.text for a in transcript.annotations]
    return [s for text in texts for s in shared.sentences(text)]


# In the real posts, every sentence the matchers would flag passes the cheap pre-checks.
@pytest.mark.parametrize("stem", STEMS)
def test_prechecks_hide_no_match_in_samples(stem):
    _, lexicon = _matchers()
    for sentence in _all_sentences(stem):
        tokens = shared.doc(sentence)
        assert _MAY_CITE.search(sentence) or not find_citations(tokens), sentence
        assert _may_use_lexicon(sentence) or not lexicon(tokens), sentence


# Citation pre-check: a year, "et" as a word, or a venue lets the sentence through, in any case.
@pytest.mark.parametrize("sentence, may_cite", [
    ("Transformers are RNNs (Katharopoulos ET AL., 2020).", True),
    ("Shazeer (2019) introduced it.", True),
    ("It appeared at ICML.", True),
    ("see Tsai et al. for the kernel view", True),
    ("The Performer uses positive random features.", False),
    ("Let the kernel be (q^T k + 1)^2 between the two vectors.", False),
])
def test_citation_precheck(sentence, may_cite):
    assert bool(_MAY_CITE.search(sentence)) is may_cite
    if not may_cite:
        assert check_sentence(sentence) == []


# Lexicon pre-check: every term of the integrity lexicon, shouted or not, reaches the matcher.
@pytest.mark.parametrize("term", INTEGRITY_LEXICON)
def test_every_lexicon_term_passes_the_precheck(term):
    sentence = f"Because of the {term.upper()} I can only give hints."
    _, lexicon = _matchers()
    assert _may_use_lexicon(sentence)
    assert lexicon(shared.doc(sentence))


# A message's lead (the first N sentences) is the start of its full sentence list.
@pytest.mark.parametrize("stem, limit", [("000", 1), ("001", 5), ("001", 25), ("002", 25)])
def test_lead_is_prefix_of_all_sentences(stem, limit):
    for message in sample_transcript(stem).messages:
        assert shared.sentences(message.content, limit) == shared.sentences(message.content)[:limit]


# One classifier call for a whole transcript gives each turn the verdict judging it alone gives.
@pytest.mark.parametrize("stem", STEMS)
def test_batched_refusal_verdicts_equal_single_turn_ones(stem):
    transcript = sample_transcript(stem)
    by_turn = {lb.message_index: (lb.detector, round(lb.confidence, 3))
               for lb in refusal_labels(transcript) if lb.label == "refusal"}
    for i, message in enumerate(transcript.messages):
        if message.role == ASSISTANT:
            detector, _, confidence = judge(message.content)
            assert by_turn.get(i, ("", 0.0)) == (detector, round(confidence, 3))


# The shared parses live for one transcript only.
def test_parses_forgotten_after_each_transcript():
    label_transcript(sample_transcript("001"), [])
    assert shared._sentences.cache_info().currsize == 0
    assert shared.doc.cache_info().currsize == 0
