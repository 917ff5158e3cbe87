"""The report's detail sections: one per label with quoted examples, where students and the
verifier disagree, what stayed unverified, and a card per transcript that the examples link to."""

from __future__ import annotations

from collections import Counter

from ..dataset.view import Dataset, attempt_verdict, part_sort_key
from .blocks import Bullets, Card, Code, Heading, Link, Math, Para, Strong, Table, Verbatim, para
from .sections import counted, plural, transcript_link
from .stats import label_examples, label_order, unverified_reasons

QUOTE_LIMIT = 600  # characters of evidence quoted in a label example; the card has the full turn
_MATH_LIMIT = 300  # a longer "formula" is a paragraph the extractor kept: shown as text


def _is_math(kind: str) -> bool:
    """Claims of a kind read as notation are shown as math; code and prose stay as written (a
    kind this installation does not know, from an older dataset, is shown as written)."""
    from .. import kinds

    return kind in kinds.names() and kinds.get(kind).math


def formula(text: str, kind: str, limit: int = 200):
    """A claim or reference as math when its kind is a formula, else as clipped code."""
    if _is_math(kind) and len(text.strip()) <= _MATH_LIMIT:
        return Math(text.strip())
    return Code(_clip(text, limit))


def label_sections(ds: Dataset) -> list:
    blocks = [Heading(2, "Labels", "labels")]
    labels = label_order(ds)
    if not labels:
        return blocks + [para("None: no label definitions and no labels in the dataset.")]
    for label in labels:
        rows = [lb for lb in ds.labels if lb["label"] == label]
        blocks += [Heading(3, label, f"label-{label}"),
                   para(ds.label_definitions.get(label, "(no definition: not a label the labeller defines)"))]
        if not rows:
            blocks.append(para("Count: none in this dataset."))
            continue
        models = Counter(ds.model_of(lb["transcript_id"]) for lb in rows)
        detectors = Counter(lb["detector"] for lb in rows)
        parts = Counter(lb["part"] or "(whole transcript)" for lb in rows)
        transcripts = plural(len({lb["transcript_id"] for lb in rows}), "transcript")
        blocks.append(para(Strong(f"Count: {len(rows)}"), f" in {transcripts}. By model: {counted(models)}. "
                           f"By part: {counted(parts)}. Decided by: {counted(detectors)}."))
        for lb in label_examples(ds, label):
            blocks += _example(ds, lb)
    return blocks


def _example(ds: Dataset, lb: dict) -> list:
    part = lb["part"] or "(whole transcript)"
    where = f"{ds.model_of(lb['transcript_id'])}, part {part}, message {lb['message_index']}"
    out = [Verbatim(_clip(lb["evidence"]) or "(no evidence text)", label=f"{where} ({lb['detector']}, "
                                                                            f"confidence {lb['confidence']:.2f})")]
    claims = [c for c in ds.claims_at(lb["transcript_id"], lb["message_index"]) if c["part"] == lb["part"]]
    line = [Link("open transcript " + lb["transcript_id"][:8], f"#t-{lb['transcript_id']}")]
    for c in claims[:2]:
        line += ["; claim ", formula(c["claim"], c["kind"]), f" is {c['verdict']}"]
        if c["reference"]:
            line += [", reference ", formula(c["reference"], c["kind"])]
    return out + [Para(tuple(line))]


def disagreements(ds: Dataset) -> list:
    blocks = [Heading(2, "Students versus the verifier", "disagreements"),
              Heading(3, "Where annotations disagree with the verifier")]
    rows = [lb for lb in ds.labels if lb["label"] == "annotation_disagrees"]
    if rows:
        header = ("transcript", "part", "student's note", "verifier: verdicts by attempt", "reference")
        blocks.append(Table(header, tuple(
            (transcript_link(ds, lb["transcript_id"]), lb["part"] or "–", _clip(lb["evidence"], 300),
             _verdicts(ds, lb["transcript_id"], lb["part"]), _reference(ds, lb["transcript_id"], lb["part"]))
            for lb in rows)))
    else:
        blocks.append(para("None: no annotation was found to contradict a verdict."))
    blocks.append(Heading(3, "What stayed unverified, and why"))
    reasons = unverified_reasons(ds)
    if not reasons:
        none = "None: every claim was judged correct or incorrect." if ds.claims else "None: no claims."
        return blocks + [para(none)]
    total = sum(r[2] for r in reasons)
    return blocks + [para(f"{total} of {len(ds.claims)} claims were not judged. Unverified: the claim could not be "
                          "parsed or has no reference; error: running it failed for a reason of its own."),
                     Table(("verdict", "reason", "claims", "parts"),
                           tuple((v, reason, str(n), ", ".join(parts)) for v, reason, n, parts in reasons))]


def _verdicts(ds: Dataset, tid: str, part: str) -> str:
    return " → ".join(attempt_verdict(a) for a in ds.attempts.get((tid, part), [])) or "no claim"


def _reference(ds: Dataset, tid: str, part: str) -> tuple:
    refs = sorted({(c["reference"], c["kind"]) for a in ds.attempts.get((tid, part), []) for c in a if c["reference"]})
    return (formula(*refs[0]),) if refs else ("–",)


def transcript_cards(ds: Dataset) -> list:
    """An index of every transcript, and a full card only for the transcripts the report links to
    (examples, disagreements, refusals, changes of verdict): the page stays small however many
    posts there are; every transcript's turns are in the dataset's ``transcripts`` config."""
    from .stats import refusal_funnel, verdict_changes

    blocks = [Heading(2, "Transcripts", "transcripts")]
    if not ds.transcripts:
        return blocks + [para("None: the dataset has no transcripts.")]
    linked = {lb["transcript_id"] for label in label_order(ds) for lb in label_examples(ds, label)}
    linked |= {lb["transcript_id"] for lb in ds.labels if lb["label"] == "annotation_disagrees"}
    linked |= set(refusal_funnel(ds).refused) | {lb["transcript_id"] for lb in verdict_changes(ds)}
    shown = sorted((t for t in ds.transcripts if t["transcript_id"] in linked),
                   key=lambda t: (t["model"], t["source"], t["transcript_id"]))
    claims, labels = Counter(c["transcript_id"] for c in ds.claims), Counter(lb["transcript_id"] for lb in ds.labels)
    repeats = Counter(t["duplicate_of"] for t in ds.duplicates)
    blocks += [para(f"{plural(len(ds.transcripts), 'transcript')}; the {plural(len(shown), 'transcript')} the sections "
                    "above link to have a card below (each turn with its claims, verdicts, labels and the student's "
                    "notes), opened by its link or its title. Every transcript's turns are in the dataset's "
                    "`transcripts` config."),
               Table(("transcript", "model", "homework", "source", "messages", "claims", "labels", "duplicates"), tuple(
                   (transcript_link(ds, t["transcript_id"]) if t["transcript_id"] in linked else t["transcript_id"][:8],
                    t["model"], t["homework"], t["source"], str(len(t["messages"])), str(claims[t["transcript_id"]]),
                    str(labels[t["transcript_id"]]), str(repeats[t["transcript_id"]]))
                   for t in sorted(ds.transcripts, key=lambda t: (t["model"], t["source"], t["transcript_id"]))))]
    return blocks + [_card(ds, t) for t in shown]


def _card(ds: Dataset, t: dict) -> Card:
    tid = t["transcript_id"]
    claims = [c for c in ds.claims if c["transcript_id"] == tid]
    labels = [lb for lb in ds.labels if lb["transcript_id"] == tid]
    parts = sorted({c["part"] for c in claims}, key=part_sort_key)
    title = (f"{t['model']} · {t['homework']} · {t['source']} · {plural(len(t['messages']), 'message')}, "
             f"{plural(len(claims), 'claim')}, {plural(len(labels), 'label')} · {tid}")
    blocks = [Bullets((
        (Strong("Model:"), " ", t["model"], f" ({t['model_evidence'] or 'no evidence recorded'})"),
        (Strong("Homework:"), " ", t["homework"], f" ({t['homework_evidence'] or 'no evidence recorded'})"),
        (Strong("Parts answered:"), " ", ", ".join(parts) or "none"),
        (Strong("Format:"), " ", t["format"], *((" — partly recovered: ", _damage(ds, t)) if t["partial"] else ())),
    ))]
    if t["summary"]:
        blocks.append(Verbatim(t["summary"], "student's summary"))
    n = len(t["messages"])
    blocks += [Verbatim(a["text"], "student's note (before the conversation)")
               for a in t["annotations"] if a["after_message"] < 0]
    blocks += _turn_labels([lb for lb in labels if not 0 <= lb["message_index"] < n], "transcript-level labels")
    for i, message in enumerate(t["messages"]):
        here = [c for c in claims if c["message_index"] == i]
        here_parts = ", ".join(sorted({c["part"] for c in here}, key=part_sort_key))
        turn = f"[{i}] {message['role']}" + (f" — parts {here_parts}" if here else "")
        blocks.append(Verbatim(message["content"], turn))
        if here:
            blocks.append(Table(("part", "attempt", "kind", "claim", "verdict", "detail"), tuple(
                (c["part"] + ("" if c["in_homework"] else " (not in homework)"), str(c["attempt"]), c["kind"],
                 (formula(c["claim"], c["kind"], 300),), c["verdict"], _clip(c["detail"], 200))
                for c in sorted(here, key=lambda c: (part_sort_key(c["part"]), c["attempt"])))))
        blocks += _turn_labels([lb for lb in labels if lb["message_index"] == i], "labels")
        blocks += [Verbatim(a["text"], "student's note") for a in t["annotations"] if a["after_message"] == i]
    return Card(f"t-{tid}", title, tuple(blocks))


def _damage(ds: Dataset, t: dict) -> str:
    """What was lost from a partly recovered file: its ``errors`` row."""
    return "; ".join(e["error"] for e in ds.errors if e["source"] == t["source"]) or "no detail recorded"


def _turn_labels(labels: list[dict], heading: str) -> list:
    if not labels:
        return []
    return [Para((Strong(heading + ":"),)), Bullets(tuple(
        (Link(lb["label"], f"#label-{lb['label']}"), f" ({lb['part'] or 'whole transcript'}; {lb['detector']}, "
                                                     f"{lb['confidence']:.2f}): ", _clip(lb["evidence"], 240))
        for lb in labels))]


def _clip(text: str, limit: int = QUOTE_LIMIT) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[:limit].rstrip() + f" … ({len(text) - limit} more characters)"
