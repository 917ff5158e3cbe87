"""identify_homework: which homework of the bank a conversation is about, from its text alone."""

import shutil
from pathlib import Path

import pytest

from tractor.segment.homework_id import contains, identify_homework, normalise

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"

# A second homework for the bank, as a course would add it: only a key file.
FAKE_KEY = """
homework = "hw10"
title = "Homework 10: diffusion models"
version = "1"

[[question]]
number = 1
title = "Denoising Diffusion Probabilistic Models"
phrasings = ["forward noising process", "variance schedule beta_t", "evidence lower bound on the log likelihood"]

[[question]]
number = 2
title = "Classifier-Free Guidance"
phrasings = ["guidance scale w", "unconditional score estimate", "drop the class label with probability p"]
"""
FAKE_TRANSCRIPT = """Please solve problem 1, Denoising Diffusion Probabilistic Models.
The forward noising process adds Gaussian noise with a variance schedule $\\beta_t$ ...
Derive the evidence lower bound on the log-likelihood.
Now problem 2 (Classifier-Free Guidance): during training we drop the class label with
probability p; at sampling time the guidance scale $w$ mixes the conditional and the
unconditional score estimate."""
OFF_TOPIC = """Can you explain how a residual connection helps a ResNet train, and what a feature map
is in a convolutional network? Also, what is a good learning rate for Adam on CIFAR-10?"""


@pytest.fixture
def bank(tmp_path, monkeypatch):
    """A bank holding hw09 (copied) and the fake hw10."""
    shutil.copytree(REPO / "data" / "homeworks" / "hw09", tmp_path / "homeworks" / "hw09")
    (tmp_path / "homeworks" / "hw10").mkdir()
    (tmp_path / "homeworks" / "hw10" / "key.toml").write_text(FAKE_KEY)
    monkeypatch.setenv("TRACTOR_DATA", str(tmp_path))


def _sample(stem):
    return (CORPUS / f"{stem}.txt").read_text()


# The samples against the bundled bank: each is hw09, including 002 which starts mid-conversation.
@pytest.mark.parametrize("stem, evidence_start", [
    ("000_c66c20e44076dd47", "matched 23 phrasings of hw09 (score 21): "),
    ("001_c77c6757d0383bc8", "matched 15 phrasings of hw09 (score 12.667): "),
    ("002_dae959164a571601", "matched 6 phrasings of hw09 (score 5.667): 'Kernelized Linear Attention (Part I)', "
                             "'any constant factor is set to be 1', 'kernelized linear attention', "
                             "'quadratic kernel attention' and 2 more"),
])
def test_samples(stem, evidence_start):
    homework, evidence = identify_homework(_sample(stem))
    assert homework == "hw09"
    assert evidence.startswith(evidence_start)


# With two homeworks in the bank: each transcript finds its own; off-topic and mixed texts are unknown.
@pytest.mark.parametrize("text, homework, evidence", [
    (FAKE_TRANSCRIPT, "hw10", "matched 8 phrasings of hw10 (score 8): 'evidence lower bound on the log "
                              "likelihood', 'Denoising Diffusion Probabilistic Models', 'drop the class label "
                              "with probability p', 'unconditional score estimate' and 4 more; runner-up hw09 0"),
    (_sample("002_dae959164a571601"), "hw09", None),
    (_sample("000_c66c20e44076dd47"), "hw09", None),
    # two generic hw09 phrasings ("residual connection", "feature map") are not enough
    (OFF_TOPIC, "unknown", "no homework in the bank matched: best hw09 scored 1.333 (2 phrasings: "
                           "'residual connection', 'feature map'); runner-up hw10 0; needs 2, 1.5 more and 1.5 "
                           "times the runner-up"),
    ("", "unknown", "no homework in the bank matched: best hw09 scored 0 (0 phrasings); runner-up hw10 0; "
                    "needs 2, 1.5 more and 1.5 times the runner-up"),
    # one homework's phrasings plus many of the other's: no clear margin
    (FAKE_TRANSCRIPT + "\nNow the argmax version of attention, queryable softmax pooling, scaled dot product "
     "attention, kernelized linear attention, incremental decoding, multi-query attention and prev_K.",
     "unknown", None),
])
def test_bank_with_two_homeworks(bank, text, homework, evidence):
    found, why = identify_homework(text)
    assert found == homework
    assert evidence is None or why == evidence


# Normalisation: LaTeX markup, punctuation and case vanish; symbols named by commands stay.
@pytest.mark.parametrize("raw, normalised", [
    ("$q, k \\stackrel{\\text{iid}}{\\sim} \\mathcal{N}(\\mu, \\sigma^2 I)$", "q k iid sim n mu sigma 2 i"),
    ('torch.einsum("bd,hdq->bhq", x, W_q)', "torch einsum bd hdq bhq x w q"),
    ("<code>W_o</code> = nn.Linear(2 * d_model, d_model)", "w o nn linear 2 d model d model"),
    ("Kernelized   Linear\nAttention (Part I)", "kernelized linear attention part i"),
])
def test_normalise(raw, normalised):
    assert normalise(raw) == normalised


# Matching: long phrasings survive one garbled character; short ones must match whole words exactly.
@pytest.mark.parametrize("text, phrasing, found", [
    ("we perform argmax attenti0n with the following keys and values", "perform argmax attention with the following keys and values", True),
    ("the Kernelized Linear Attention (Part I) question", "kernelized linear attention", True),
    ("prev_X = cache", "prev_K", False),
    ("the feature maps of a CNN", "feature map", False),
    ("a feature map phi", "feature map", True),
])
def test_contains(text, phrasing, found):
    assert contains(f" {normalise(text)} ", phrasing) is found


# A homework the student names ("Homework 7", "HW 7", "hw7") is taken when the bank decides
# nothing, even without a key; several numbers, or none, name nothing.
@pytest.mark.parametrize("student_text, homework", [
    ("Here is my chat for Homework 7.", "hw07"),
    ("HW 7 question 2", "hw07"),
    ("hw7", "hw07"),
    ("HW#07 problem 3", "hw07"),
    ("homework-12 part b", "hw12"),
    ("My HW 3 and HW 4 chats", "unknown"),
    ("I asked about hw0", "unknown"),
    ("the homework was hard", "unknown"),
    ("see hw7.py for the code", "unknown"),
])
def test_stated_homework(student_text, homework):
    assert identify_homework("What is a tensor? A multi-dimensional array.", student_text)[0] == homework


# A transcript of a homework the bank has no key for, or of no homework, gets no part claims
# (its parts cannot be known); the same text read without a key would yield two.
@pytest.mark.parametrize("homework", ["hw07", "unknown"])
def test_no_part_claims_without_key(homework):
    from tractor.extract import extract_claims
    from tractor.pipeline import extract_and_verify
    from tractor.records import Message, Transcript

    transcript = Transcript("t", "x.txt", "text", [
        Message("user", "Solve 1(a) and 1(b) of HW 7."),
        Message("assistant", "**1(a)** The answer is $$x = 2$$\n\n**1(b)** The answer is $$y = 3$$")],
        homework=homework)
    assert len(extract_claims(transcript, None)) == 2
    assert extract_and_verify(transcript, verify=True) == []
