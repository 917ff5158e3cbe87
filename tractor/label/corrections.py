"""``self_corrected`` where the verifier cannot judge: a correction the conversation itself shows.

An invented subpart, or a free-text part, has no verdict the verifier could give, yet the post may show
the correction plainly: the user says the answer is wrong ("your solution to 6e is incorrect"),
the model acknowledges ("You're right to flag that", "Let me fix 6(e)") and answers again. That
sequence -- an attempt not judged correct, a user sentence the stance classifier reads as "wrong"
about that part (or about no named part), an acknowledgement in the opening of the next attempt,
and a new attempt not judged incorrect -- is labelled with detector ``model`` and a confidence
below the verifier's, because the revision itself is not checked. On a part the verifier can
judge, an attempt left unverified (unread, unparsed) is no evidence either way: there only the
verifier's incorrect -> correct counts.
"""

from __future__ import annotations

from functools import cache

from ..records import USER, Claim, Label, Transcript
from .stance import STANCE_THRESHOLD, part_refs
from .text import doc, sentences
from .verdicts import attempts_by_part

ACKNOWLEDGEMENTS = [
    "you're right", "you are right", "you’re right", "good catch", "my mistake", "i made a mistake", "i made an error",
    "let me fix", "let me correct", "let me redo", "i should have", "that was wrong", "was incorrect",
    "i apologize", "apologies", "sorry about", "thanks for catching", "needs to be corrected", "to be corrected",
    "i implicitly", "i was wrong", "correct that", "revised answer", "corrected answer",
]
LEAD_SENTENCES = 5
DISCOUNT = 0.8  # the revision is not verified: never as confident as the verifier


@cache
def _acknowledgement_matcher():
    from spacy.matcher import PhraseMatcher

    from .text import nlp

    matcher = PhraseMatcher(nlp().vocab, attr="LOWER")
    matcher.add("ack", [nlp().make_doc(t) for t in ACKNOWLEDGEMENTS])
    return matcher


def acknowledges(text: str) -> str:
    """The opening sentence in which the model accepts a correction, or ""."""
    matcher = _acknowledgement_matcher()
    return next((s for s in sentences(text, LEAD_SENTENCES) if matcher(doc(s))), "")


def flagged_corrections(transcript: Transcript, claims: list[Claim]) -> list[Label]:
    from .learned import predict

    labels = []
    messages = transcript.messages
    for part, attempts in attempts_by_part(claims).items():
        for before, after in zip(attempts, attempts[1:]):
            if before.verdict == "correct" or after.verdict == "incorrect":
                continue
            if before.verdict and after.verdict:
                continue  # both judged: the verifier's own movement labels cover it
            if not _unjudgeable(before.claims + after.claims):
                continue  # a part the verifier can judge: only its incorrect -> correct counts
            if not 0 <= before.message_index < after.message_index < len(messages):
                continue
            said = [s for i in range(before.message_index + 1, after.message_index)
                    if messages[i].role == USER for s in sentences(messages[i].content)]
            said = [s for s in said if _about(s, part)]
            stances = predict("stance", said)
            flagged = [(s, p["wrong"]) for s, p in zip(said, stances) if p["wrong"] >= STANCE_THRESHOLD]
            ack = acknowledges(messages[after.message_index].content)
            if flagged and ack:
                sentence, p = max(flagged, key=lambda x: x[1])
                labels.append(Label(transcript.transcript_id, part, "self_corrected", after.message_index,
                                    f"user: {sentence[:140]} / model: {ack[:140]}", "model", round(p * DISCOUNT, 3)))
    return labels


def _unjudgeable(claims: list[Claim]) -> bool:
    """The verifier cannot judge this part at all (a part the key lacks, free text): an
    unverified attempt there says nothing; elsewhere it is an unread claim, not a correction."""
    from .. import kinds

    return all(not c.in_homework or not kinds.get(c.kind).states_value for c in claims)


def _about(sentence: str, part: str) -> bool:
    """The sentence names this part, or names no part at all."""
    from ..answer_key import parse_part_id

    refs = part_refs(sentence)
    parsed = parse_part_id(part)
    question = str(parsed[0]) if parsed else part
    return not refs or any(r.matches(part, question) for r in refs)
