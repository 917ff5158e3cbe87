"""The dataset's configs and their columns: one source of truth for the writer, the card, the
report and the publisher. Column order here is the order on disk."""

from __future__ import annotations

from dataclasses import fields
from functools import cache

from ..records import Claim, FailedFile, Label

CONFIG_DOCS = {
    "transcripts": "one row per conversation: its turns, the student's annotations and summary, model and homework",
    "claims": "one row per claim the model made on a homework part, with the verifier's verdict",
    "labels": "one row per error-type label, with its evidence and the detector that decided it",
    "errors": "one row per file (or conversation) that could not be ingested, or was only partly recovered",
}

TRANSCRIPT_COLUMNS = {
    "transcript_id": "stable id derived from the conversation's content",
    "source": "path of the post relative to the corpus (`#N` for the N-th conversation of an export)",
    "format": "text, markdown, pdf, html, chatgpt-export or claude-export",
    "model": "canonical model name (e.g. chatgpt-5.1-thinking, gemini, unknown)",
    "model_evidence": "why that model: export metadata, the student's statement, a speaker label or an interface artefact",
    "homework": "homework id matched against the homework bank (the folder name of its key), or unknown",
    "homework_evidence": "which of the homework's phrasings matched",
    "messages": "list of {role, content}; roles are user and assistant only",
    "annotations": "the student's own commentary: list of {text, after_message}",
    "summary": "the student's executive summary, if the post has one",
    "partial": "true when the file was damaged and only part of it was recovered (its `errors` row says what was lost)",
    "duplicate_of": "`transcript_id` of the kept transcript this one repeats (the same conversation posted again, "
                    "in another format or with small edits); empty for a kept transcript. Count rows with an empty "
                    "`duplicate_of` to count each conversation once; a duplicate's claims and labels are kept only "
                    "when its turns differ from the kept one's",
}

CLAIM_COLUMNS = {
    "transcript_id": "the conversation the claim belongs to",
    "part": "homework part id (1c, 6b.ii); a part the key lacks keeps the id the model wrote",
    "in_homework": "false for a part the homework's key does not have",
    "attempt": "1 for the model's first answer to the part, 2 for its next, ...",
    "message_index": "index in `messages` of the assistant turn that states the claim",
    "kind": "the claim kind the answer key gives the part: a generic one (expression, vector, big_o, choice, "
            "code_blanks, code_patch, free_text) or one the homework's plug-in registers",
    "claim": "the claim as written",
    "normalized": "the parsed form the verifier judged (\"\" when it could not be parsed)",
    "verdict": "correct, incorrect, unverified (with the reason in `detail`) or error",
    "detail": "why the verifier decided so, for people",
    "reference": "the reference answer the claim was judged against",
    "facts": "JSON object of what the verifier measured, for programs: edits, minimal_edits, runs, "
             "error_class, output_shape/expected_shape, wrong_blanks, claim_shape/reference_shape, claim_subscripts/reference_subscripts, "
             "claim_length/reference_length, wrong_entries, bound_relation, missing_terms, extra_terms "
             "(\"\" when none)",
    "tags": "what the extractor knew about the claim: source=<boxed|answer|display|inline|text>, resource=<time|memory>, "
            "pdf-math, pdf-code, unparsed: <reason>, not-in-homework, defined=<names>, read=flattened-superscripts",
}


@cache
def arrow_schema(config: str):
    import pyarrow as pa

    s = pa.string()
    if config == "transcripts":
        return pa.schema([
            ("transcript_id", s), ("source", s), ("format", s), ("model", s), ("model_evidence", s),
            ("homework", s), ("homework_evidence", s),
            ("messages", pa.list_(pa.struct([("role", s), ("content", s)]))),
            ("annotations", pa.list_(pa.struct([("text", s), ("after_message", pa.int32())]))),
            ("summary", s), ("partial", pa.bool_()), ("duplicate_of", s),
        ])
    types = {str: s, int: pa.int32(), bool: pa.bool_(), float: pa.float64(), "str": s, "int": pa.int32(),
             "bool": pa.bool_(), "float": pa.float64(), "list[str]": pa.list_(s)}
    record = {"claims": Claim, "labels": Label, "errors": FailedFile}[config]
    return pa.schema([(f.name, types[f.type]) for f in fields(record)])


CONFIGS = tuple(CONFIG_DOCS)
