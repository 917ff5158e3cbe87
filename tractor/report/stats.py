"""The numbers the report shows, computed from a :class:`~.data.Dataset`.

Each function returns plain data (no formatting), so the sections and the plots draw the same
numbers, and tests can check them without parsing HTML.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from math import sqrt
from statistics import NormalDist, median

from ..dataset.view import Dataset, attempt_verdict, part_sort_key

JUDGED = ("correct", "incorrect")


@dataclass(frozen=True)
class Cell:
    """First attempts on one part by one model: ``correct`` of ``n`` judged, plus unjudged ones."""

    correct: int
    n: int
    unjudged: int

    @property
    def rate(self) -> float | None:
        return self.correct / self.n if self.n else None

    def interval(self) -> tuple[float, float] | None:
        """95% Wilson score interval: unlike the normal approximation it stays inside [0, 1]
        and is honest at the tiny n of a class corpus (Wilson 1927; Agresti & Coull 1998)."""
        if not self.n:
            return None
        z = NormalDist().inv_cdf(0.975)
        p, n = self.correct / self.n, self.n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Matrix:
    models: list[str]
    parts: list[str]
    cells: dict[tuple[str, str], Cell]


def first_attempt_matrix(ds: Dataset) -> Matrix:
    tallies: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for (tid, part), attempts in ds.attempts.items():
        if (tid, part) in ds.homework_parts:
            tallies[(ds.model_of(tid), part)][attempt_verdict(attempts[0])] += 1
    cells = {key: Cell(t["correct"], t["correct"] + t["incorrect"], t["unverified"] + t["error"])
             for key, t in tallies.items()}
    models = sorted({m for m, _ in cells})
    parts = sorted({p for _, p in cells}, key=part_sort_key)
    return Matrix(models, parts, cells)


@dataclass(frozen=True)
class LabelRates:
    """Label counts per row (model or part) and the number of parts attempted that row is divided by."""

    rows: list[str]
    labels: list[str]
    counts: dict[tuple[str, str], int]
    attempted: dict[str, int]

    def rate(self, row: str, label: str) -> float:
        return self.counts.get((row, label), 0) / self.attempted[row] if self.attempted.get(row) else 0.0


def label_rates(ds: Dataset, by: str) -> LabelRates:
    """Labels per attempted part, by ``"model"`` or by ``"part"``. By part, transcript-level
    labels (no part) form a row of their own, divided by the number of transcripts."""
    def row_of(tid: str, part: str) -> str:
        return ds.model_of(tid) if by == "model" else (part or "(whole transcript)")

    attempted = Counter(row_of(tid, part) for tid, part in ds.parts_attempted)
    if by == "part" and any(not lb["part"] for lb in ds.labels):
        attempted["(whole transcript)"] = len(ds.transcripts)
    counts = Counter((row_of(lb["transcript_id"], lb["part"]), lb["label"]) for lb in ds.labels)
    order = (lambda r: r) if by == "model" else (lambda r: part_sort_key(r) if r[0].isdigit() else (1 << 31, r))
    rows = sorted({r for r, _ in counts} | set(attempted), key=order)
    labels = label_order(ds)
    return LabelRates(rows, [lb for lb in labels if any(k[1] == lb for k in counts)], dict(counts), dict(attempted))


def label_order(ds: Dataset) -> list[str]:
    """Defined labels in their definition order, then any other label found, by name."""
    found = sorted({lb["label"] for lb in ds.labels} - set(ds.label_definitions))
    return list(ds.label_definitions) + found


def attempts_until_correct(ds: Dataset) -> Counter:
    """For each homework part answered: on which attempt it first became correct
    ("1", "2", "3+"), "never" when every judged attempt was wrong, "unjudged" otherwise."""
    outcome = Counter()
    for key, attempts in ds.attempts.items():
        if key not in ds.homework_parts:
            continue
        verdicts = [attempt_verdict(a) for a in attempts]
        if "correct" in verdicts:
            n = verdicts.index("correct") + 1
            outcome[str(n) if n < 3 else "3+"] += 1
        else:
            outcome["never" if "incorrect" in verdicts else "unjudged"] += 1
    return outcome


ATTEMPT_BUCKETS = ("1", "2", "3+", "never", "unjudged")


@dataclass(frozen=True)
class Funnel:
    """Transcripts that refused, were pushed back on, and then complied; ``turns`` holds, for each
    complied transcript, how many user turns it took from the first refusal to compliance."""

    refused: list[str]
    persuaded: list[str]
    complied: list[str]
    turns: dict[str, int]

    @property
    def median_turns(self) -> float | None:
        return median(self.turns.values()) if self.turns else None


def refusal_funnel(ds: Dataset) -> Funnel:
    first_refusal: dict[str, int] = {}
    for lb in ds.labels:
        if lb["label"] == "refusal":
            tid = lb["transcript_id"]
            first_refusal[tid] = min(first_refusal.get(tid, lb["message_index"]), lb["message_index"])
    persuaded, complied, turns = [], [], {}
    for tid, at in sorted(first_refusal.items()):
        messages = ds.by_id.get(tid, {}).get("messages", [])
        pushes = [i for i, m in enumerate(messages) if i > at and m["role"] == "user"]
        if not pushes:
            continue
        persuaded.append(tid)
        answered = [c["message_index"] for c in ds.claims if c["transcript_id"] == tid and c["message_index"] > at]
        answered += [lb["message_index"] for lb in ds.labels
                     if lb["transcript_id"] == tid and lb["label"] == "complied_after_refusal"]
        if answered:
            complied.append(tid)
            turns[tid] = sum(1 for i in pushes if i < min(answered))
    return Funnel(sorted(first_refusal), persuaded, complied, turns)


# Labels that describe the conversation, not an error in an answer: key findings name error types.
NOT_ERRORS = frozenset({"self_corrected", "flip_to_wrong", "refusal", "complied_after_refusal",
                        "annotation_disagrees"})
# A change of verdict between attempts, and the (earlier, later) verdicts that make it one.
_CHANGES = {"self_corrected": ("incorrect", "correct"), "flip_to_wrong": ("correct", "incorrect")}


def verdict_changes(ds: Dataset) -> list[dict]:
    """``self_corrected`` and ``flip_to_wrong`` labels whose part's verdicts by attempt show the
    change: an attempt judged one way, a later one the other. A label on a part that stayed
    unverified (unverified → unverified) is not counted as a change."""
    out = []
    for lb in ds.labels:
        if lb["label"] not in _CHANGES:
            continue
        verdicts = [attempt_verdict(a) for a in ds.attempts.get((lb["transcript_id"], lb["part"]), [])]
        before, after = _CHANGES[lb["label"]]
        if any(v == before and after in verdicts[i + 1:] for i, v in enumerate(verdicts)):
            out.append(lb)
    return out


def unverified_reasons(ds: Dataset) -> list[tuple[str, str, int, list[str]]]:
    """(verdict, reason, count, parts) for claims that stayed unverified or errored, most common first."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for c in ds.claims:
        if c["verdict"] not in JUDGED:
            groups[(c["verdict"], c["detail"].strip() or "no reason recorded")].append(c["part"])
    rows = [(v, reason, len(parts), sorted(set(parts), key=part_sort_key)) for (v, reason), parts in groups.items()]
    return sorted(rows, key=lambda r: (-r[2], r[0], r[1]))


def label_examples(ds: Dataset, label: str, limit: int = 3) -> list[dict]:
    """Up to ``limit`` rows of ``label``, from different transcripts (and models) where possible."""
    rows = sorted((lb for lb in ds.labels if lb["label"] == label),
                  key=lambda lb: (-lb["confidence"], lb["transcript_id"], lb["message_index"], lb["part"]))
    picked, seen_models, seen_ids = [], set(), set()
    for prefer_new_model in (True, False):
        for lb in rows:
            if len(picked) == limit or lb in picked:
                continue
            model = ds.model_of(lb["transcript_id"])
            if lb["transcript_id"] in seen_ids or (prefer_new_model and model in seen_models):
                continue
            picked.append(lb)
            seen_models.add(model)
            seen_ids.add(lb["transcript_id"])
    for lb in rows:  # one transcript may hold every example of a rare label
        if len(picked) < limit and lb not in picked:
            picked.append(lb)
    return picked


def failed_sources(ds: Dataset) -> list[dict]:
    """Error rows of files that gave no transcript at all (not those only partly recovered)."""
    recovered = {t["source"] for t in ds.transcripts}
    return [e for e in ds.errors if e["source"] not in recovered]
