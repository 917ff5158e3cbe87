"""Error-type labels: what kind of mistake a transcript shows, where, and who decided it.

Entry point: :func:`label_transcript` (``Transcript`` + its verified ``Claim`` list ->
``list[Label]``); :func:`definitions` is what the dataset card prints and
:func:`explanations` one line per label for a report: the core's labels
(:data:`LABEL_DEFINITIONS`, :data:`LABEL_EXPLANATIONS`) and those the registered claim kinds
add (:attr:`tractor.kinds.Kind.label_meanings`).

Three kinds of detector, each recorded in ``Label.detector``:

* ``verifier`` -- read off the verifier's verdicts and the claims' normalized forms
  (:mod:`.verdicts`, :mod:`.algebra`): constants, bias terms, coefficients, fixes, flips.
* ``rule`` -- spaCy matchers on a blank English pipeline where the wording is fixed: refusal
  openers and the homework-integrity lexicon (:mod:`.refusal`), paper citations checked against
  the curated table ``data/citations.toml`` (:mod:`.citations`), part references in notes.
* ``model`` -- scikit-learn classifiers where the wording varies: refusal versus compliance and
  the stance of a student's note (:mod:`.learned`, trained by ``scripts/train_labelers.py``),
  read by :mod:`.stance` (notes that disagree with the verifier) and :mod:`.corrections`
  (corrections the user asks for and the model accepts, on parts the verifier cannot judge).
"""

from __future__ import annotations

from ..records import Claim, Label, Transcript

LABEL_DEFINITIONS: dict[str, str] = {
    "refusal": "The model declines the request or offers only hints/guidance instead of answers (e.g. citing "
               "academic integrity), whether or not it complies later. One label per refusing turn.",
    "complied_after_refusal": "The turn where a model that had refused finally gave answers; the evidence quotes "
                              "the user turn that persuaded it (named by its message index).",
    "missing_bias_term": "An expression (a polynomial kernel, an affine map) without the reference's additive "
                         "constant: x^2 where the reference is (x + 1)^2.",
    "wrong_constant": "An expression off from the reference by a constant factor or a power (s = d for sqrt(d)).",
    "wrong_shape": "A chosen tensor shape that is not the key's ([h, d, k] for [h, d, q]), a vector "
                   "with the wrong number of entries, or code that runs but returns the wrong output shape.",
    "wrong_value": "A vector of the right length with wrong entries (e.g. an intermediate result given as the "
                   "output).",
    "wrong_complexity_term": "A big-O bound that misses a term of the reference (O(N^2 D) for O(N^2 D + N^2 M)) "
                             "or adds one beyond it.",
    "wrong_blank": "A code blank filled differently from the key where the filled-in class then fails or "
                   "computes something else (run in the sandbox).",
    "fix_does_not_run": "A code fix that raises when applied to the homework's template (run in the sandbox).",
    "non_minimal_fix": "A code fix that runs but edits more units (methods, assignments) than the smallest edit "
                       "set that runs.",
    "invented_subpart": "An answer under its own heading to a part the homework does not have (a '6(e)' when "
                        "question 6 ends at (d)); never a code blank's label, never on a homework outside the bank.",
    "self_corrected": "An incorrect attempt on a part followed, after a user turn, by a correct one. Where the "
                      "verifier cannot judge the part at all (an invented subpart, free text), a user turn calling "
                      "the attempt wrong followed by the model acknowledging it and answering again (detector "
                      "model, lower confidence).",
    "flip_to_wrong": "A correct attempt on a part followed, after a user turn, by an incorrect one.",
    "misattributed_citation": "A real paper credited to the wrong authors, year or venue (checked against a "
                              "curated table of papers).",
    "annotation_disagrees": "The student's annotation or summary says a part was right (or wrong) and the "
                            "verifier says the opposite.",
    "other_error": "An incorrect verdict that no specific label explains.",
}

# One line per label, for a report's key-findings table (the card prints the definitions above).
LABEL_EXPLANATIONS: dict[str, str] = {
    "refusal": "declined or gave only hints instead of answers",
    "complied_after_refusal": "answered after first refusing",
    "missing_bias_term": "dropped the reference's additive constant (x^2 for (x + 1)^2)",
    "wrong_constant": "off by a constant factor or a power (d for sqrt(d))",
    "wrong_shape": "wrong tensor shape, vector length or output shape",
    "wrong_value": "vector of the right length with wrong entries",
    "wrong_complexity_term": "big-O bound missing a term of the reference, or adding one",
    "wrong_blank": "code blank filled wrongly: the class then fails or computes something else",
    "fix_does_not_run": "code fix that raises when run",
    "non_minimal_fix": "code fix that runs but edits more than needed",
    "invented_subpart": "answered a sub-part the question does not have",
    "self_corrected": "a wrong attempt fixed after the student's turn",
    "flip_to_wrong": "a right attempt changed to a wrong one after the student's turn",
    "misattributed_citation": "credited a paper to the wrong authors, year or venue",
    "annotation_disagrees": "the student's note contradicts the verifier",
    "other_error": "judged wrong, no more specific label applies",
}


def definitions() -> dict[str, str]:
    """Every label's definition: the core's, then each registered kind's own, by label name."""
    return LABEL_DEFINITIONS | {name: meaning[0] for name, meaning in _kind_meanings().items()}


def explanations() -> dict[str, str]:
    """Every label's one-line explanation, as :func:`definitions`."""
    return LABEL_EXPLANATIONS | {name: meaning[1] for name, meaning in _kind_meanings().items()}


def _kind_meanings() -> dict[str, tuple[str, str]]:
    from .. import kinds

    return dict(sorted((name, meaning) for kind in kinds.names() for name, meaning in kinds.get(kind).label_meanings.items()))


def label_transcript(transcript: Transcript, claims: list[Claim]) -> list[Label]:
    """Every label for one transcript, sorted by message, part and label name."""
    from .citations import citation_labels
    from .corrections import flagged_corrections
    from .refusal import refusal_labels
    from .stance import disagreement_labels
    from .text import forget
    from .verdicts import verdict_labels

    try:
        labels = verdict_labels(transcript, claims)
        labels += refusal_labels(transcript)
        labels += citation_labels(transcript)
        labels += disagreement_labels(transcript, claims)
        judged = {(lb.label, lb.part) for lb in labels}
        labels += [lb for lb in flagged_corrections(transcript, claims) if (lb.label, lb.part) not in judged]
    finally:
        forget()  # the detectors shared one parse of each message; the next transcript has its own
    return sorted(labels, key=lambda lb: (lb.message_index, lb.part, lb.label, lb.evidence))
