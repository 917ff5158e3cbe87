"""Refusals: the model declines, or offers only hints, instead of answering.

Two detectors per assistant turn:

* rule -- a spaCy ``Matcher`` finds a refusal opener ("I'm not allowed to act as an answer
  key", "I can't just give you the solutions", "I need to be upfront") and a ``PhraseMatcher``
  the homework-integrity lexicon ("academic integrity", "graded assignment", "honor code"); the
  rule fires only when a turn has both, so a model that *mentions* academic integrity while
  answering, or says "I can't see the figure", is not refusing;
* model -- the refusal/compliance sentence classifier (:mod:`.learned`) must agree with a rule
  hit (so "I'll explain rather than just dump answers, so you're safe on the academic integrity
  side" followed by the answers is not a refusal), and alone, when very confident, catches the
  wording the rule cannot list ("Try the dot products yourself and I'll check them").

After the last refusal, the first turn that is not a refusal is where the model complied; the
user turn just before it is the one that persuaded it (``complied_after_refusal``).
"""

from __future__ import annotations

import re
from functools import cache

from ..records import ASSISTANT, USER, Label, Transcript
from .text import doc, sentences

LEAD_SENTENCES = 25  # refusals state themselves early; answers go on for pages
MODEL_THRESHOLD = 0.9  # the classifier alone must be very confident...
CORROBORATION = 0.5  # ...while a rule hit needs only its agreement (quoting a lexicon term is not refusing)
RULE_CONFIDENCE = 0.9
EVIDENCE_CHARS = 300

_MODALS = ["ca", "can", "wo", "will", "'m", "’m", "am", "must", "should", "shall", "do", "would"]
_NEGATIONS = ["n't", "n’t", "not", "unable", "decline", "refrain"]
_VERBS = ["provide", "give", "solve", "do", "complete", "act", "produce", "share", "write", "answer", "hand",
          "fill", "generate", "help", "just", "simply", "supply", "post", "dump"]
OPENERS = {
    "declines": [[{"LOWER": "i"}, {"LOWER": {"IN": _MODALS}}, {"LOWER": {"IN": _NEGATIONS}},
                  {"OP": "{0,4}"}, {"LOWER": {"IN": _VERBS}}]],
    "upfront": [[{"LOWER": "i"}, {"LOWER": {"IN": ["need", "have", "want", "'ve", "’ve", "got"]}}, {"OP": "?"},
                 {"LOWER": "to"}, {"LOWER": "be"}, {"LOWER": {"IN": ["upfront", "honest", "clear", "transparent",
                                                                      "careful"]}}]],
    "not_full_solutions": [[{"LOWER": {"IN": ["not", "without", "instead", "rather"]}}, {"OP": "{0,4}"},
                            {"LOWER": {"IN": ["full", "complete", "final", "direct", "ready-made", "finished",
                                              "copyable", "the"]}},
                            {"LOWER": {"IN": ["solutions", "answers", "solution", "answer", "homework"]}}]],
    "answer_key": [[{"LOWER": {"IN": ["as", "be", "an"]}}, {"LOWER": {"IN": ["an", "your"]}, "OP": "?"},
                    {"LOWER": "answer"}, {"LOWER": {"IN": ["key", "machine", "generator"]}}]],
}
INTEGRITY_LEXICON = [
    "academic integrity", "academic honesty", "academic dishonesty", "academic misconduct", "honor code",
    "course policy", "course policies", "course integrity", "integrity rules", "integrity policy",
    "graded assignment", "graded homework", "graded coursework", "graded course homework", "graded work",
    "current homework", "active assignment", "due date", "answer key", "cheating", "plagiarism",
    "submit as your own", "turn in", "hand in", "collaboration policy", "your own work", "learn the material",
]


@cache
def _matchers():
    from spacy.matcher import Matcher, PhraseMatcher

    from .text import nlp

    openers = Matcher(nlp().vocab)
    for name, patterns in OPENERS.items():
        openers.add(name, patterns)
    lexicon = PhraseMatcher(nlp().vocab, attr="LOWER")
    lexicon.add("integrity", [nlp().make_doc(t) for t in INTEGRITY_LEXICON])
    return openers, lexicon


def rule_evidence(text: str) -> str:
    """The sentence with a refusal opener when the text also uses the integrity lexicon; ""."""
    openers, lexicon = _matchers()
    lead = sentences(text, LEAD_SENTENCES)
    if not any(lexicon(doc(s)) for s in lead if _may_use_lexicon(s)):
        return ""
    return next((s for s in lead if openers(doc(s))), "")


def _may_use_lexicon(sentence: str) -> bool:
    """Cheap necessary condition for a lexicon match: every term is lower-case words joined by
    single spaces, and a sentence's whitespace is already collapsed, so the term is a substring
    of the lower-cased sentence. Sentences without any are not tokenised at all."""
    lowered = sentence.lower()
    return any(term in lowered for term in INTEGRITY_LEXICON)


def model_evidence(text: str) -> tuple[str, float]:
    """The lead sentence the classifier finds most refusing, with its probability."""
    (lead,) = _leads([text])
    return _most_refusing(lead, _refusal_scores([lead])[0])


def _leads(texts: list[str]) -> list[list[str]]:
    return [sentences(text, LEAD_SENTENCES) for text in texts]


def _refusal_scores(leads: list[list[str]]) -> list[list[float]]:
    """The refusal probability of every lead sentence, from one classifier call for all of them
    (its fixed cost per call outweighs the sentences themselves)."""
    from .learned import predict

    flat = predict("refusal", [s for lead in leads for s in lead])
    out, at = [], 0
    for lead in leads:
        out.append([p["refusal"] for p in flat[at:at + len(lead)]])
        at += len(lead)
    return out


def _most_refusing(lead: list[str], scores: list[float]) -> tuple[str, float]:
    if not scores:
        return "", 0.0
    best = max(range(len(lead)), key=scores.__getitem__)
    return lead[best], scores[best]


def judge(text: str) -> tuple[str, str, float]:
    """(detector, evidence, confidence) when an assistant turn refuses, else ("", "", 0.0)."""
    return _decide(rule_evidence(text), *model_evidence(text))


def _decide(evidence: str, sentence: str, p: float) -> tuple[str, str, float]:
    if evidence and p >= CORROBORATION:
        return "rule", evidence, max(RULE_CONFIDENCE, p)
    if p >= MODEL_THRESHOLD:
        return "model", sentence, p
    return "", "", 0.0


def refusal_labels(transcript: Transcript) -> list[Label]:
    tid = transcript.transcript_id
    answers = [i for i, m in enumerate(transcript.messages) if m.role == ASSISTANT]
    leads = _leads([transcript.messages[i].content for i in answers])
    verdicts = {i: _decide(rule_evidence(transcript.messages[i].content), *_most_refusing(lead, scores))
                for i, lead, scores in zip(answers, leads, _refusal_scores(leads))}
    labels, refused = [], False
    for i, message in enumerate(transcript.messages):
        if message.role != ASSISTANT:
            continue
        detector, evidence, confidence = verdicts[i]
        if detector:
            labels.append(Label(tid, "", "refusal", i, _clip(evidence), detector, round(confidence, 3)))
            refused = True
        elif refused:
            persuader = next((j for j in range(i - 1, -1, -1) if transcript.messages[j].role == USER), None)
            if persuader is not None:
                quote = _clip(transcript.messages[persuader].content)
                labels.append(Label(tid, "", "complied_after_refusal", i,
                                    f"persuaded by message {persuader} (user): {quote}", "rule", RULE_CONFIDENCE))
            refused = False
    return _last_compliance_only(labels)


def _last_compliance_only(labels: list[Label]) -> list[Label]:
    """Keep the compliance that ended the *last* refusal run ("where it finally complied")."""
    compliances = [lb for lb in labels if lb.label == "complied_after_refusal"]
    return [lb for lb in labels if lb.label == "refusal"] + compliances[-1:]


def _clip(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= EVIDENCE_CHARS else text[:EVIDENCE_CHARS - 1] + "…"
