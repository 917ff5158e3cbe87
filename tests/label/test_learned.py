import pytest

from tractor.label.learned import predict

REFUSING = "I can't just give you the solutions to a graded assignment."
ANSWERING = "Here is the full derivation of part (b): the kernel is (q^T k + 1)^2."


# Scores do not depend on the batch: a text repeated in one call (a sign-off recurring across
# turns) gets the probabilities it gets alone, and the classes keep their meaning.
@pytest.mark.parametrize(
    ("texts", "refusing"),
    [
        ([REFUSING, ANSWERING, REFUSING], [True, False, True]),
        ([ANSWERING, ANSWERING], [False, False]),
    ],
)
def test_refusal_scores_per_text(texts, refusing):
    batch = predict("refusal", texts)
    assert batch == [predict("refusal", [text])[0] for text in texts]
    assert [p["refusal"] > 0.5 for p in batch] == refusing
    assert all(abs(sum(p.values()) - 1) < 1e-9 for p in batch)
