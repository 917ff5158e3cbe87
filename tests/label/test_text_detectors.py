"""Text-based detectors (refusal, citations, annotation stance, flagged corrections) on the real
sample posts cut into turns by hand, plus inline near misses."""

import pytest

from tractor.label.citations import citation_labels
from tractor.label.corrections import flagged_corrections
from tractor.label.refusal import judge, refusal_labels
from tractor.label.stance import disagreement_labels, part_refs
from tractor.records import Annotation, Message, Transcript

from .samples import claim, sample_transcript


# Refusals in the real posts: 001 refuses at turns 3 and 7 and complies at 9 after the user's turn 8.
@pytest.mark.parametrize("stem, expected", [
    ("001", [("refusal", 3, "rule"), ("refusal", 7, "rule"), ("complied_after_refusal", 9, "rule")]),
    ("000", []),
    ("002", []),
])
def test_refusals_in_samples(stem, expected):
    labels = refusal_labels(sample_transcript(stem))
    assert [(lb.label, lb.message_index, lb.detector) for lb in labels] == expected


def test_compliance_names_the_persuading_user_turn():
    (complied,) = [lb for lb in refusal_labels(sample_transcript("001")) if lb.label == "complied_after_refusal"]
    assert complied.evidence.startswith("persuaded by message 8 (user): Me: Thanks for the concern")


# One assistant turn at a time: refusals in other wordings, and near misses that answer.
@pytest.mark.parametrize("text, refuses", [
    ("I'm sorry, but I can't complete your graded homework for you. Academic integrity matters. "
     "I can explain the concepts instead.", True),
    ("I can't provide full solutions to this assignment because of the honor code, but here is a hint.", True),
    ("Try computing the four dot products yourself first, then show me and I'll check your work.", True),
    # near misses: the integrity lexicon while answering, "I can't" about something else
    ("Yes, that makes sense. I'll explain each step rather than just dump final answers, so you're safe on "
     "the academic integrity side. Answer (1c): s = sqrt(d).", False),
    ("Academic integrity aside, this is the approved LLM exercise, so here is the full solution: s = sqrt(d).", False),
    ("I can't see the attached figure, but from the text the output is [1, 4, 3].", False),
    ("Here are the complete, correct answers to all parts.", False),
])
def test_judge_single_turn(text, refuses):
    assert bool(judge(text)[0]) is refuses


@pytest.mark.parametrize("stem, turns", [("002", [8]), ("000", []), ("001", [])])
def test_citations_in_samples(stem, turns):
    labels = citation_labels(sample_transcript(stem))
    assert [lb.message_index for lb in labels] == turns
    assert all("Katharopoulos" in lb.evidence for lb in labels)


# Part references in students' notes.
@pytest.mark.parametrize("sentence, refs", [
    ("For part (c), the LLM reasoned", [("", "c", "")]),
    ("6(b)(ii) was wrong", [("6", "b", "ii")]),
    ("Q1c and 4(g) are fine", [("1", "c", ""), ("4", "g", "")]),
    ("question 4 was right", [("4", "", "")]),
    ("f(a) = 3 for every a", []),
])
def test_part_refs(sentence, refs):
    assert [(r.question, r.letter, r.roman) for r in part_refs(sentence)] == refs


# The student's note on 000 says Q1 was fully correct; the verifier says 1c is wrong.
def _claims_000():
    return [claim("1a", 1, 1, "correct", normalized="d*mu**2"), claim("1b", 1, 1, "correct", normalized="d"),
            claim("1c", 1, 1, "incorrect", normalized="d"), claim("2a", 1, 3, "correct", kind="vector"),
            claim("3a", 1, 5, "correct", kind="code_blanks"), claim("3b", 1, 5, "incorrect", kind="code_patch"),
            claim("4g", 1, 7, "correct", kind="big_o"), claim("6b.i", 1, 11, "incorrect", normalized="qk**2"),
            claim("6b.i", 2, 13, "correct", normalized="(qk + 1)**2")]


def test_annotation_disagrees_in_sample_000():
    labels = disagreement_labels(sample_transcript("000"), _claims_000())
    assert ("1c", 1) in [(lb.part, lb.message_index) for lb in labels]
    assert all(lb.part not in ("1a", "1b", "2a", "4g", "6b.i") for lb in labels)


# Notes that agree with the verifier, or say nothing about correctness, never fire.
@pytest.mark.parametrize("note, verdict, fires", [
    ("For part (c), the model got it right.", "incorrect", True),
    ("For part (c), the model got it right.", "correct", False),
    ("Part (c) was wrong: it used s = d.", "correct", True),
    ("Part (c) was wrong: it used s = d.", "incorrect", False),
    ("For part (c), the LLM reasoned about the variance.", "incorrect", False),
    ("The model was correct.", "incorrect", True),  # no part named: the one part of the answer it follows
])
def test_note_stance(note, verdict, fires):
    t = Transcript("t", "p.txt", "text", [Message("user", "q1"), Message("assistant", "s = d")],
                   annotations=[Annotation(note, 1)], homework="hw09")
    labels = disagreement_labels(t, [claim("1c", 1, 1, verdict, normalized="d")])
    assert bool(labels) is fires


# A correction on a part the verifier cannot judge (001's invented 6e), and one without acknowledgement.
def test_flagged_correction_in_sample_001():
    t = sample_transcript("001")
    claims = [claim("6e", 1, 15, "unverified", kind="big_o", in_homework=False, normalized="D**2*N"),
              claim("6e", 2, 17, "unverified", kind="big_o", in_homework=False, normalized="D**2*M*N")]
    labels = flagged_corrections(t, claims)
    assert [(lb.label, lb.part, lb.message_index, lb.detector) for lb in labels] == [
        ("self_corrected", "6e", 17, "model")]
    assert labels[0].confidence < 1.0


def test_no_flagged_correction_without_a_complaint():
    t = Transcript("t", "p.txt", "text", [Message("user", "solve 6"), Message("assistant", "6(e): O(N D^2)"),
                                          Message("user", "Thanks, what about the memory?"),
                                          Message("assistant", "You're right to ask. Memory is O(N D).")])
    claims = [claim("6e", 1, 1, "unverified", in_homework=False), claim("6e", 2, 3, "unverified", in_homework=False)]
    assert flagged_corrections(t, claims) == []


# A sentence that judges its part closes the scope: the next sentence is not about that part.
def test_judged_scope_is_not_inherited():
    note = "6(b)(i) is correct. The feature map has all the right terms but the cross terms should carry sqrt(2)."
    t = Transcript("t", "p.txt", "text", [Message("user", "q6"), Message("assistant", "answers")],
                   annotations=[Annotation(note, 1)], homework="hw09")
    claims = [claim("6b.i", 1, 1, "correct", normalized="(qk + 1)**2"),
              claim("6b.ii", 1, 1, "incorrect", kind="feature_map")]
    assert disagreement_labels(t, claims) == []


# self_corrected from the conversation only where the verifier cannot judge the part at all (a part
# the key lacks, free text); on a judgeable part an unverified attempt is no evidence either way
@pytest.mark.parametrize("part, kind, in_homework, verdicts, fires", [
    ("6e", "big_o", False, ("unverified", "unverified"), True),
    ("2b", "free_text", True, ("unverified", "unverified"), True),
    ("2b", "free_text", True, ("unverified", "correct"), True),
    ("1c", "expression", True, ("unverified", "unverified"), False),
    ("1c", "expression", True, ("incorrect", "unverified"), False),
    ("1c", "expression", True, ("unverified", "correct"), False),
    ("4f", "big_o", True, ("unverified", "unverified"), False),
    ("3b", "code_patch", True, ("unverified", "unverified"), False),
])
def test_flagged_correction_only_where_unjudgeable(part, kind, in_homework, verdicts, fires):
    t = Transcript("t", "p.txt", "text", [
        Message("user", "solve it"), Message("assistant", f"({part[-1]}) first answer"),
        Message("user", f"Your answer to {part} is incorrect, please fix it."),
        Message("assistant", "You're right, my mistake. Here is the corrected answer.")], homework="hw09")
    claims = [claim(part, 1, 1, verdicts[0], kind=kind, in_homework=in_homework, normalized="x"),
              claim(part, 2, 3, verdicts[1], kind=kind, in_homework=in_homework, normalized="y")]
    assert bool(flagged_corrections(t, claims)) is fires
