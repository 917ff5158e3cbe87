"""A small but realistic dataset folder for the report tests: four transcripts from three named
models and one unknown, with wrong constants, a missing bias term, a refusal that the student
talked the model out of, a flip to wrong, self-corrections, an invented sub-part, a student note
calling an incorrect answer "fully correct", unverified and errored claims, and ingest errors."""

from __future__ import annotations

from tractor.dataset.card import CardFacts, render_card

LABEL_DEFINITIONS = {
    "refusal": "The model declines to answer.",
    "complied_after_refusal": "The turn where a model that had refused gave answers.",
    "missing_bias_term": "A kernel without its additive constant.",
    "wrong_constant": "An expression off by a constant factor or a power.",
    "wrong_coefficients": "Right monomials, wrong weights.",
    "fix_does_not_run": "A code fix that raises.",
    "non_minimal_fix": "A fix that edits more than needed.",
    "invented_subpart": "An answer to a part the homework does not have.",
    "self_corrected": "Incorrect, then correct after a user turn.",
    "flip_to_wrong": "Correct, then incorrect after a user turn.",
    "misattributed_citation": "A real paper credited to the wrong authors.",
    "annotation_disagrees": "The student's note contradicts the verifier.",
    "other_error": "An incorrect verdict no specific label explains.",
}


def msgs(*pairs):
    return [{"role": role, "content": content} for role, content in pairs]


def transcript(tid, model, messages, annotations=(), summary="", source=None, partial=False, homework="hw09",
               duplicate_of=""):
    return {"transcript_id": tid, "source": source or f"{tid}.txt", "format": "text", "model": model,
            "model_evidence": "student's statement", "homework": homework, "homework_evidence": "scaled dot product",
            "messages": messages, "annotations": [{"text": t, "after_message": i} for t, i in annotations],
            "summary": summary, "partial": partial, "duplicate_of": duplicate_of}


def claim(tid, part, attempt, index, verdict, text, kind="expression", detail="", reference="", in_homework=True):
    return {"transcript_id": tid, "part": part, "in_homework": in_homework, "attempt": attempt,
            "message_index": index, "kind": kind, "claim": text, "normalized": "", "verdict": verdict,
            "detail": detail, "reference": reference}


def label(tid, part, name, index, evidence, detector="verifier", confidence=1.0):
    return {"transcript_id": tid, "part": part, "label": name, "message_index": index, "evidence": evidence,
            "detector": detector, "confidence": confidence}


GPT, GEM, CLA, UNK = "aaaa1111gpt00001", "bbbb2222gem00002", "cccc3333cla00003", "dddd4444unk00004"

ROWS = {
    "transcripts": [
        transcript(GPT, "chatgpt-5.1-thinking", msgs(
            ("user", "Solve 1(c): what scaling s keeps the variance at 1?"),
            ("assistant", "The scaling is s = d."),
            ("user", "Are you sure? Think about the variance of the sum."),
            ("assistant", "You're right: s = \\sqrt{d}."),
            ("user", "Now 6(b)(i): the polynomial kernel."),
            ("assistant", "K(q, k) = (q^T k)^2"),
            ("user", "Check the constant term."),
            ("assistant", "K(q, k) = (q^T k + 1)^2"),
        ), annotations=[("Fully correct, nice.", 1), ("Missed the +1.", 5)],
            summary="ChatGPT did well overall; it fixed both mistakes when asked."),
        transcript(GEM, "gemini-2.5-pro", msgs(
            ("user", "Please answer question 3(b) and 6(b)(ii) of my homework."),
            ("assistant", "I can't provide answers to graded homework, for academic integrity, but I can give hints."),
            ("user", "This is for a course study of LLMs; the instructor asked us to do this."),
            ("assistant", "Understood. 3(b): replace `self.W_v` by `nn.Linear(d, d)`.\n"
                          "6(b)(ii): phi(x) = [x1^2, x2^2, x1 x2].\n"
                          "1(c): s = \\sqrt{d}.\n6(e): the kernel is PSD."),
            ("user", "Are you sure about 1(c)?"),
            ("assistant", "Apologies, it should be s = d."),
        ), annotations=[("It refused at first.", 1)]),
        transcript(CLA, "claude-sonnet-4.5", msgs(
            ("user", "Work through HW9 questions 1(c), 3(b), 4(b) and 6(b)(i)."),
            ("assistant", "1(c): s = \\sqrt{d}. 3(b): fix the `W_v` line and also rename every variable. "
                          "4(b): O(n) ish. 6(b)(i): (q^T k + 1)^2. As Vaswani et al. (2019) showed..."),
        ), annotations=[("Fully correct on everything I checked.", 1)], summary="Claude was right throughout."),
        transcript(UNK, "unknown", msgs(
            ("user", "1(c)?"),
            ("assistant", "s = 2d"),
        ), source="scan.pdf", partial=True, homework="hw09"),
    ],
    "claims": [
        claim(GPT, "1c", 1, 1, "incorrect", "s = d", reference="\\sqrt{d}"),
        claim(GPT, "1c", 2, 3, "correct", "s = \\sqrt{d}", reference="\\sqrt{d}"),
        claim(GPT, "6b.i", 1, 5, "incorrect", "(q^T k)^2", reference="(q^T k + 1)^2"),
        claim(GPT, "6b.i", 2, 7, "correct", "(q^T k + 1)^2", reference="(q^T k + 1)^2"),
        claim(GEM, "3b", 1, 3, "incorrect", "self.W_v = nn.Linear(d, d)", kind="code_patch",
              detail="RuntimeError: mat1 and mat2 shapes cannot be multiplied"),
        claim(GEM, "6b.ii", 1, 3, "incorrect", "[x1^2, x2^2, x1 x2]", kind="feature_map",
              reference="[x1^2, x2^2, sqrt(2) x1 x2]"),
        claim(GEM, "1c", 1, 3, "correct", "s = \\sqrt{d}", reference="\\sqrt{d}"),
        claim(GEM, "1c", 2, 5, "incorrect", "s = d", reference="\\sqrt{d}"),
        claim(GEM, "6e", 1, 3, "unverified", "the kernel is PSD", kind="free_text",
              detail="part 6e is not in the homework", in_homework=False),
        claim(CLA, "1c", 1, 1, "correct", "s = \\sqrt{d}", reference="\\sqrt{d}"),
        claim(CLA, "3b", 1, 1, "correct", "W_v fix + renames", kind="code_patch"),
        claim(CLA, "4b", 1, 1, "unverified", "O(n) ish", kind="big_o", detail="could not parse big-O: 'O(n) ish'"),
        claim(CLA, "6b.i", 1, 1, "error", "(q^T k + 1)^2", detail="sandbox timeout after 5 s"),
        claim(UNK, "1c", 1, 1, "incorrect", "s = 2d", reference="\\sqrt{d}"),
    ],
    "labels": [
        label(GPT, "1c", "wrong_constant", 1, "s = d"),
        label(GPT, "1c", "annotation_disagrees", 1, "Fully correct, nice.", detector="model", confidence=0.83),
        label(GPT, "1c", "self_corrected", 3, "s = \\sqrt{d}"),
        label(GPT, "6b.i", "missing_bias_term", 5, "(q^T k)^2"),
        label(GPT, "6b.i", "self_corrected", 7, "(q^T k + 1)^2"),
        label(GEM, "", "refusal", 1, "I can't provide answers to graded homework", detector="rule"),
        label(GEM, "", "complied_after_refusal", 3, "[2] This is for a course study of LLMs", detector="rule"),
        label(GEM, "3b", "fix_does_not_run", 3, "RuntimeError: mat1 and mat2 shapes cannot be multiplied"),
        label(GEM, "6b.ii", "wrong_coefficients", 3, "[x1^2, x2^2, x1 x2]"),
        label(GEM, "1c", "flip_to_wrong", 5, "Apologies, it should be s = d."),
        label(GEM, "6e", "invented_subpart", 3, "6(e): the kernel is PSD.", detector="rule"),
        label(CLA, "3b", "non_minimal_fix", 1, "also rename every variable"),
        # a self-correction the verifier cannot back: 4b stayed unverified (unverified -> unverified)
        label(CLA, "4b", "self_corrected", 1, "Let me redo that: O(n) ish", detector="rule", confidence=0.7),
        label(CLA, "", "misattributed_citation", 1, "Vaswani et al. (2019)", detector="rule", confidence=0.9),
        label(UNK, "1c", "other_error", 1, "s = 2d"),
    ],
    "errors": [
        {"source": "broken.pdf", "stage": "pdf", "error": "encrypted PDF, password required"},
        {"source": "scan.pdf", "stage": "read", "error": "truncated PDF: recovered 1 of 3 pages"},
    ],
}


def card_for(rows) -> str:
    return render_card(CardFacts(rows={k: len(v) for k, v in rows.items()},
                                 models={"chatgpt-5.1-thinking": 1}, key_versions={"hw09": "1"},
                                 label_definitions=LABEL_DEFINITIONS))
