"""``tractor eval --gold DIR``: a built dataset scored against hand labels.

Gold files are JSON in the format documented in ``data/gold/README.md`` (one per post; a
transcript matches a gold file when the base name of its ``source`` starts with ``stem``, so the
text, PDF and HTML versions of one post are each scored against the same gold). The dataset is
read straight from its Parquet files (:func:`tractor.dataset.folder.read_config`).

Scores:

* per label: a ``present`` pair found (label at that part; part "" = anywhere) is a true
  positive, one not found a false negative; a label listed ``absent`` that fires anywhere in the
  transcript is a false positive. Precision, recall and F1 follow;
* first-attempt verdicts: a part's attempt-1 verdict is ``incorrect`` if any attempt-1 claim on
  it is, ``correct`` if some are and none is incorrect; agreement is over the gold's parts;
* turn counts: user and assistant message counts within the gold's tolerance;
* definite verdicts: of the claims on parts whose answer key has a reference answer, the share
  judged ``correct`` or ``incorrect`` (the rest ``unverified`` or ``error``), over the
  transcripts scored;
* every miss is listed: labels not found, labels that should not fire, verdict and turn
  disagreements, model/homework mismatches, gold strings (``pii``) that appear in the dataset.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import TractorError


@dataclass
class LabelScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)


@dataclass
class EvalReport:
    cases: list[str] = field(default_factory=list)  # "stem -> source" per transcript scored
    labels: dict[str, LabelScore] = field(default_factory=dict)
    first_attempt_agree: int = 0
    first_attempt_total: int = 0
    turns_agree: int = 0
    turns_total: int = 0
    definite: int = 0
    with_reference: int = 0
    misses: list[str] = field(default_factory=list)


def load_gold(gold_dir: Path) -> list[dict]:
    """Every gold file in ``gold_dir``; a malformed one is a TractorError naming it."""
    files = sorted(Path(gold_dir).glob("*.json"))
    if not files:
        raise TractorError(f"no gold files (*.json) in {gold_dir}")
    golds = []
    for path in files:
        try:
            gold = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise TractorError(f"gold file {path}: {exc}") from exc
        if not isinstance(gold, dict) or not gold.get("stem"):
            raise TractorError(f"gold file {path}: no 'stem' (the post's file-name prefix)")
        gold.setdefault("present", [])
        gold.setdefault("absent", [])
        golds.append(gold)
    return golds


def evaluate(dataset_dir: Path, gold_dir: Path) -> EvalReport:
    from .dataset.folder import read_config

    transcripts = read_config(dataset_dir, "transcripts")
    claims = _by_transcript(read_config(dataset_dir, "claims"))
    labels = _by_transcript(read_config(dataset_dir, "labels"))
    everything = json.dumps([transcripts, claims, labels], ensure_ascii=False, default=str)
    report = EvalReport()
    for gold in load_gold(gold_dir):
        matched = [t for t in transcripts if PurePosixPath(t["source"].split("#")[0]).name.startswith(gold["stem"])]
        if not matched:
            report.misses.append(f"{gold['stem']}: no transcript in the dataset")
        for t in matched:
            case = f"{gold['stem']} <- {t['source']}"
            report.cases.append(case)
            _score_labels(report, case, gold, labels.get(t["transcript_id"], []))
            _score_first_attempts(report, case, gold, claims.get(t["transcript_id"], []))
            _score_turns(report, case, gold, t)
            _check_identity(report, case, gold, t)
            _count_definite(report, t, claims.get(t["transcript_id"], []))
        for secret in gold.get("pii", []):
            if secret and secret in everything:
                report.misses.append(f"{gold['stem']}: gold pii string {secret!r} appears in the dataset")
    return report


def _count_definite(report: EvalReport, transcript: dict, claims: list[dict]) -> None:
    from . import homeworks

    if transcript["homework"] not in homeworks.names():
        return
    key = homeworks.get(transcript["homework"]).key
    for claim in claims:
        part = key.part(claim["part"])
        if claim["in_homework"] and part is not None and part.reference:
            report.with_reference += 1
            report.definite += claim["verdict"] in ("correct", "incorrect")


def _by_transcript(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in rows:
        out.setdefault(r["transcript_id"], []).append(r)
    return out


def _score_labels(report: EvalReport, case: str, gold: dict, rows: list[dict]) -> None:
    for name, part in gold["present"]:
        score = report.labels.setdefault(name, LabelScore())
        if any(r["label"] == name and (not part or r["part"] == part) for r in rows):
            score.tp += 1
        else:
            score.fn += 1
            where = [r["part"] or "(transcript)" for r in rows if r["label"] == name]
            report.misses.append(f"{case}: {name}@{part or 'anywhere'} not found"
                                 + (f" (found at {', '.join(where)})" if where else ""))
    for name in gold["absent"]:
        score = report.labels.setdefault(name, LabelScore())
        fired = [r for r in rows if r["label"] == name]
        if fired:
            score.fp += 1
            r = fired[0]
            report.misses.append(f"{case}: {name} should not fire, but did at {r['part'] or 'message'} "
                                 f"{r['message_index']} ({r['detector']}): {r['evidence'][:80]}")


def first_attempt_verdicts(claims: list[dict]) -> dict[str, str]:
    """Part -> attempt-1 verdict (incorrect if any attempt-1 claim is; else correct if any is)."""
    verdicts: dict[str, set[str]] = {}
    for c in claims:
        if c["attempt"] == 1:
            verdicts.setdefault(c["part"], set()).add(c["verdict"])
    return {p: "incorrect" if "incorrect" in v else "correct" for p, v in verdicts.items()
            if v & {"correct", "incorrect"}}


def _score_first_attempts(report: EvalReport, case: str, gold: dict, claims: list[dict]) -> None:
    got = first_attempt_verdicts(claims)
    for part, want in gold.get("first_attempt", {}).items():
        report.first_attempt_total += 1
        if got.get(part) == want:
            report.first_attempt_agree += 1
        else:
            report.misses.append(f"{case}: first attempt on {part}: gold {want}, dataset {got.get(part, 'none')}")


def _score_turns(report: EvalReport, case: str, gold: dict, transcript: dict) -> None:
    turns = gold.get("turns")
    if not turns:
        return
    counts = Counter(m["role"] for m in transcript["messages"])
    tolerance = turns.get("tolerance", 0)
    for role in ("user", "assistant"):
        report.turns_total += 1
        if abs(counts[role] - turns[role]) <= tolerance:
            report.turns_agree += 1
        else:
            report.misses.append(f"{case}: {role} turns {counts[role]}, gold {turns[role]} ± {tolerance}")


def _check_identity(report: EvalReport, case: str, gold: dict, transcript: dict) -> None:
    family = gold.get("model_family")
    if family and family.lower() not in transcript["model"].lower():
        report.misses.append(f"{case}: model {transcript['model']!r}, gold family {family!r}")
    homework = gold.get("homework")
    if homework and _number(homework) != _number(transcript["homework"]):
        report.misses.append(f"{case}: homework {transcript['homework']!r}, gold {homework!r}")


def _number(name: str) -> int | None:
    m = re.search(r"\d+", name or "")
    return int(m[0]) if m else None


def format_eval(report: EvalReport) -> str:
    """The report as text: per-label table, agreements, then every miss."""
    lines = [f"scored {len(report.cases)} transcripts against gold", "",
             f"{'label':<26}{'tp':>4}{'fp':>4}{'fn':>4}{'precision':>11}{'recall':>8}{'F1':>7}"]
    total = LabelScore()
    for name, s in sorted(report.labels.items()):
        lines.append(f"{name:<26}{s.tp:>4}{s.fp:>4}{s.fn:>4}{_pct(s.precision):>11}{_pct(s.recall):>8}{_pct(s.f1):>7}")
        total.tp, total.fp, total.fn = total.tp + s.tp, total.fp + s.fp, total.fn + s.fn
    lines.append(f"{'all labels':<26}{total.tp:>4}{total.fp:>4}{total.fn:>4}{_pct(total.precision):>11}"
                 f"{_pct(total.recall):>8}{_pct(total.f1):>7}")
    lines += ["", f"first-attempt verdicts agree: {_ratio(report.first_attempt_agree, report.first_attempt_total)}",
              f"turn counts agree:            {_ratio(report.turns_agree, report.turns_total)}",
              f"definite verdicts on parts with a reference: {_ratio(report.definite, report.with_reference)}", ""]
    lines += [f"misses ({len(report.misses)}):"] + [f"  {m}" for m in report.misses] if report.misses else ["no misses"]
    return "\n".join(lines)


# the rows of a referee table tractor claims to compare (the rest may stay unverified)
REFEREE_SCOPE = {"expression", "equation", "matrix"}


def format_tables(paths: list[Path]) -> str:
    """Figures of claim tables with true verdicts (``tests/verify/tables``: the notation zoo,
    Math-Verify's table), for printing beside the gold figures. A referee table (rows with a
    ``gold``) is scored on :data:`REFEREE_SCOPE`, a homework table on every row."""
    from .verify.claim_tables import format_score, read_rows, score, verdict

    lines = []
    for path in paths:
        rows = read_rows(path)
        scope = REFEREE_SCOPE if any("reference" in r.kwargs for r in rows) else None
        lines.append(format_score(Path(path).name, score(rows, [verdict(r) for r in rows], scope)))
    return "\n".join(lines)


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def _ratio(n: int, total: int) -> str:
    return f"{n}/{total}" + (f" ({n / total:.0%})" if total else "")
