"""The report's overview sections: run header, key findings, the correctness matrix, label
heatmaps, multi-turn dynamics, and methods. Each function takes the dataset and returns blocks;
an empty dataset gives sections that say "none" rather than empty tables."""

from __future__ import annotations

from collections import Counter

from .. import __version__
from ..dataset.card import card_versions
from ..dataset.label_meanings import explain
from ..dataset.view import Dataset, attempt_verdict
from . import plots
from .blocks import Bullets, Code, Heading, Link, Strong, Table, para
from .stats import (ATTEMPT_BUCKETS, NOT_ERRORS, Cell, attempts_until_correct, failed_sources, first_attempt_matrix,
                    label_order, label_rates, refusal_funnel, unverified_reasons, verdict_changes)


def transcript_link(ds: Dataset, tid: str) -> Link:
    return Link(f"{tid[:8]} ({ds.model_of(tid)})", f"#t-{tid}")


def pct(rate: float | None) -> str:
    return "–" if rate is None else f"{100 * rate:.0f}%"


def counted(counter: Counter | dict) -> str:
    return ", ".join(f"{k} ({v})" for k, v in sorted(counter.items())) or "none"


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def run_header(ds: Dataset) -> list:
    built_with, keys = card_versions(ds.card)
    sources = {t["source"].split("#")[0] for t in ds.all_transcripts}
    failed = failed_sources(ds)
    repeats = Counter(t["duplicate_of"] for t in ds.duplicates)
    blocks = [
        Heading(2, "Run", "run"),
        para(f"Corpus: {plural(len(ds.transcripts), 'transcript')} from {plural(len(sources), 'file')}; "
             f"{plural(len(failed), 'file')} could not be read; {plural(len(ds.claims), 'claim')} and "
             f"{plural(len(ds.labels), 'label')}."),
        para(f"Duplicates: {plural(len(ds.duplicates), 'post')} repeated a conversation already in the corpus "
             "(the same post again, in another format or with small edits) and "
             f"{'was' if len(ds.duplicates) == 1 else 'were'} counted once"
             + (": " + "; ".join(f"{ds.by_id.get(k, {}).get('source', k)} ({n} more)" for k, n in sorted(
                 repeats.items(), key=lambda kv: ds.by_id.get(kv[0], {}).get("source", kv[0]))) if repeats else "")
             + "."),
        Bullets((
            (Strong("Models:"), " ", counted(Counter(t["model"] for t in ds.transcripts))),
            (Strong("Homeworks:"), " ", counted(Counter(t["homework"] for t in ds.transcripts))),
            (Strong("Formats:"), " ", counted(Counter(t["format"] for t in ds.transcripts))),
            (Strong("Tool:"), " ", f"dataset built by tractor {built_with}; report by tractor {__version__}"),
            (Strong("Answer keys:"), " ", ", ".join(f"{k} v{v}" for k, v in sorted(keys.items())) or "none stated"),
        )),
    ]
    if ds.errors:
        blocks += [para("Files that failed or were only partly recovered:"),
                   Table(("source", "stage", "error"), tuple((e["source"], e["stage"], e["error"]) for e in ds.errors))]
    else:
        blocks.append(para("Ingest failures: none."))
    return blocks


def key_findings(ds: Dataset) -> list:
    matrix = first_attempt_matrix(ds)
    total = _sum_cells(matrix.cells.values())
    items = [(Strong(f"{total.correct} of {total.n}"), " judged first attempts on homework parts were correct "
              f"({pct(total.rate)}{_ci(total)}); {total.unjudged} more could not be judged.")]
    by_model = {m: _sum_cells(c for (mm, _), c in matrix.cells.items() if mm == m) for m in matrix.models}
    for model, cell in sorted(by_model.items(), key=lambda kv: (-(kv[1].rate or 0), kv[0])):
        if cell.n:
            items.append((Code(model), f": {cell.correct} of {plural(cell.n, 'first attempt')} correct "
                                       f"({pct(cell.rate)}{_ci(cell)})."))
    judged = [(p, _sum_cells(c for (_, pp), c in matrix.cells.items() if pp == p)) for p in matrix.parts]
    judged = [(p, c) for p, c in judged if c.n]
    if judged:
        part, cell = min(judged, key=lambda pc: (pc[1].rate, -pc[1].n))
        items.append(("Hardest part: ", Code(part), f", {cell.correct} of {plural(cell.n, 'first attempt')} correct."))
    label_counts = Counter(lb["label"] for lb in ds.labels)
    error_counts = Counter(lb["label"] for lb in ds.labels if lb["label"] not in NOT_ERRORS)
    for label, n in sorted(error_counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]:
        transcripts = len({lb["transcript_id"] for lb in ds.labels if lb["label"] == label})
        items.append(("Error type ", Link(label, f"#label-{label}"),
                      f": {plural(n, 'label')} in {plural(transcripts, 'transcript')} — {explain(ds, label)}"))
    if not label_counts:
        items.append(("Labels: none.",))
    funnel = refusal_funnel(ds)
    items.append((Strong(plural(len(funnel.refused), "transcript")), f" with a refusal; {len(funnel.persuaded)} pushed "
                  f"back; {len(funnel.complied)} complied" + _median(funnel) + "."))
    changes = Counter(lb["label"] for lb in verdict_changes(ds))
    items.append((Strong(plural(changes["flip_to_wrong"], "flip")), " from correct to wrong; ",
                  Strong(plural(changes["self_corrected"], "self-correction")), " (from incorrect to correct)."))
    disagree = label_counts["annotation_disagrees"]
    items.append((Strong(plural(disagree, "student annotation")),
                  f" {'disagrees' if disagree == 1 else 'disagree'} with the verifier."))
    reasons = unverified_reasons(ds)
    unjudged = sum(r[2] for r in reasons)
    top = f" (most often: {reasons[0][1]})" if reasons else ""
    items.append((Strong(plural(unjudged, "claim")), f" stayed unverified or errored{top}."))
    items.append((Strong(plural(len(failed_sources(ds)), "file")), " could not be ingested."))
    return [Heading(2, "Key findings", "findings"), Bullets(tuple(items))]


def correctness_matrix(ds: Dataset, fmt: str) -> list:
    matrix = first_attempt_matrix(ds)
    blocks = [Heading(2, "First-attempt correctness by model and part", "correctness"),
              para("Each cell: correct first attempts / first attempts the verifier could judge, the rate, and its "
                   "95% Wilson interval; first attempts left unverified are counted apart (+u) and not in n.")]
    if not matrix.cells:
        return blocks + [para("None: no claims on homework parts were extracted.")]
    # parts as rows (a homework has many parts, a course few models): the table grows down, not sideways
    rows, shade = [], []
    for part in [*matrix.parts, "all parts"]:
        cells = [_sum_cells(c for (m, pp), c in matrix.cells.items() if m == model and part in (pp, "all parts"))
                 for model in matrix.models]
        cells.append(_sum_cells(cells))
        rows.append((part, *(_cell_text(c) for c in cells)))
        shade.append((None, *(c.rate for c in cells)))
    return blocks + [Table(("part", *matrix.models, "all models"), tuple(rows), "matrix", tuple(shade)),
                     plots.matrix_figure(matrix, fmt)]


def label_heatmaps(ds: Dataset, fmt: str) -> list:
    blocks = [Heading(2, "Labels by model and by part", "heatmaps"),
              para("Label counts divided by the number of parts attempted (by model: the parts that model answered; "
                   "by part: the transcripts that answered it), so a model seen on more parts does not look worse "
                   "for it. Transcript-level labels form their own row by part, divided by the number of transcripts.")]
    if not ds.labels:
        return blocks + [para("None: the dataset has no labels.")]
    for by in ("model", "part"):
        rates = label_rates(ds, by)
        blocks += [Heading(3, f"By {by}"), plots.label_heatmap(rates, by, fmt), Table(
            ("label", *rates.rows),
            (("parts attempted", *(str(rates.attempted.get(row, 0)) for row in rates.rows)),
             *((lb, *(_rate_text(rates.counts.get((row, lb), 0), rates.rate(row, lb)) for row in rates.rows))
               for lb in rates.labels)))]
    return blocks


def dynamics(ds: Dataset, fmt: str) -> list:
    outcome = attempts_until_correct(ds)
    blocks = [Heading(2, "Multi-turn dynamics", "dynamics"), Heading(3, "Attempts until correct")]
    if outcome:
        blocks += [para("For each homework part a model answered, the attempt on which it was first judged correct."),
                   plots.attempts_figure(outcome, fmt),
                   Bullets(tuple((f"{b}: {outcome.get(b, 0)} parts",) for b in ATTEMPT_BUCKETS))]
    else:
        blocks.append(para("None: no attempts on homework parts."))
    funnel = refusal_funnel(ds)
    blocks += [Heading(3, "Refusals"),
               para(f"{plural(len(funnel.refused), 'transcript')} refused at least once; the student pushed back in "
                    f"{len(funnel.persuaded)}; the model then complied in {len(funnel.complied)}{_median(funnel)}.")]
    if funnel.refused:
        refusals = Counter(lb["transcript_id"] for lb in ds.labels if lb["label"] == "refusal")
        blocks += [plots.funnel_figure(funnel, fmt), Table(
            ("transcript", "refusals", "pushed back", "complied", "user turns to comply"),
            tuple((transcript_link(ds, t), str(refusals[t]), _yes(t in funnel.persuaded), _yes(t in funnel.complied),
                   str(funnel.turns[t]) if t in funnel.turns else "–") for t in funnel.refused))]
    blocks.append(Heading(3, "Flips to wrong and self-corrections"))
    rows = verdict_changes(ds)
    if not rows:
        return blocks + [para("None: no part changed verdict between attempts.")]
    by_model = Counter((ds.model_of(lb["transcript_id"]), lb["label"]) for lb in rows)
    by_model_text = "; ".join(f"{m} {lbl.replace('_', ' ')} {n}" for (m, lbl), n in sorted(by_model.items()))
    blocks.append(para(f"By model: {by_model_text}."))
    return blocks + [Table(("transcript", "part", "label", "message", "verdicts by attempt"), tuple(
        (transcript_link(ds, lb["transcript_id"]), lb["part"], lb["label"], str(lb["message_index"]),
         " → ".join(attempt_verdict(a) for a in ds.attempts.get((lb["transcript_id"], lb["part"]), [])))
        for lb in rows))]


def methods(ds: Dataset) -> list:
    detectors = Counter(lb["detector"] for lb in ds.labels)
    unknown = sum(1 for t in ds.transcripts if t["model"] == "unknown")
    return [Heading(2, "Methods and limitations", "methods"), Bullets((
        ("Posts were read, split into user and model turns, stripped of student identities (keyed pseudonyms), and "
         "assigned a model and a homework from the evidence recorded in each transcript.",),
        ("Claims per homework part were extracted and verified by executing them against reference implementations "
         "(sympy for expressions, PyTorch for code); claims that could not be parsed or run stay unverified, with "
         "the reason, and are never counted as wrong.",),
        (f"Labels come from three kinds of detector: {counted(detectors)}. Rule and model detectors can miss or "
         "over-fire; their confidence is in the labels config.",),
        ("A part's attempt with several claims is correct only if every claim is; rates use judged attempts only, "
         "with 95% Wilson intervals, which are wide at these sample sizes: read them, not the point estimates.",),
        (f"The corpus is what students chose to post ({plural(len(ds.transcripts), 'transcript')}), not a random "
         f"sample of model behaviour; {plural(unknown, 'transcript')} {'has' if unknown == 1 else 'have'} no "
         "identifiable model.",),
        ("Students' annotations are their own judgement; where they disagree with the verifier, either may be wrong.",),
        ("Label definitions: " + (", ".join(label_order(ds)) or "none") + ".",),
    ))]


def _sum_cells(cells) -> Cell:
    cells = list(cells)
    return Cell(sum(c.correct for c in cells), sum(c.n for c in cells), sum(c.unjudged for c in cells))


def _ci(cell: Cell) -> str:
    interval = cell.interval()
    return f", 95% CI {pct(interval[0])}–{pct(interval[1])}" if interval else ""


def _cell_text(cell: Cell) -> str:
    if not cell.n and not cell.unjudged:
        return ""
    text = f"{cell.correct}/{cell.n} {pct(cell.rate)}"
    if cell.n:
        low, high = cell.interval()
        text += f" [{pct(low)}–{pct(high)}]"
    return text + (f" +{cell.unjudged}u" if cell.unjudged else "")


def _rate_text(count: int, rate: float) -> str:
    return f"{count} ({rate:.2f})" if count else ""


def _median(funnel) -> str:
    if funnel.median_turns is None:
        return ""
    return f" after a median of {funnel.median_turns:g} user turn{'' if funnel.median_turns == 1 else 's'}"


def _yes(value: bool) -> str:
    return "yes" if value else "no"
