"""The dataset folder as the report and the publisher see it: rows read straight from Parquet,
plus the groupings every report section needs (attempts per part, first attempts, part order).

Rows come from :func:`.folder.read_config`, never from ``datasets``' cache, which can serve
stale rows for a rebuilt folder.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..errors import DatasetError
from .folder import read_config
from .label_meanings import default_label_definitions
from .schema import CONFIGS

_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


@dataclass
class Dataset:
    """The rows every statistic counts: each conversation once. Transcript rows that repeat a
    kept one (``duplicate_of`` set) are in ``duplicates``, and their claims and labels are left
    out; ``row_counts`` are the configs' rows as stored."""

    folder: Path
    card: str
    transcripts: list[dict]
    claims: list[dict]
    labels: list[dict]
    errors: list[dict]
    label_definitions: dict[str, str] = field(default_factory=dict)
    duplicates: list[dict] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)

    @property
    def all_transcripts(self) -> list[dict]:
        """Every transcript row, duplicates included."""
        return self.transcripts + self.duplicates

    @cached_property
    def by_id(self) -> dict[str, dict]:
        return {t["transcript_id"]: t for t in self.transcripts}

    def model_of(self, transcript_id: str) -> str:
        return self.by_id.get(transcript_id, {}).get("model", "unknown")

    @cached_property
    def attempts(self) -> dict[tuple[str, str], list[list[dict]]]:
        """(transcript, part) -> its attempts in order, each attempt the list of its claims."""
        grouped: dict[tuple[str, str], dict[int, list[dict]]] = defaultdict(lambda: defaultdict(list))
        for c in sorted(self.claims, key=lambda c: (c["attempt"], c["message_index"])):
            grouped[(c["transcript_id"], c["part"])][c["attempt"]].append(c)
        return {key: [by_attempt[a] for a in sorted(by_attempt)] for key, by_attempt in sorted(grouped.items())}

    @cached_property
    def homework_parts(self) -> set[tuple[str, str]]:
        """(transcript, part) pairs that answer a part the homework really has."""
        return {(c["transcript_id"], c["part"]) for c in self.claims if c["in_homework"]}

    @cached_property
    def parts_attempted(self) -> set[tuple[str, str]]:
        """Every (transcript, part) the model answered or was labelled on: the labels' denominator."""
        return {(c["transcript_id"], c["part"]) for c in self.claims} | {
            (lb["transcript_id"], lb["part"]) for lb in self.labels if lb["part"]}

    def claims_at(self, transcript_id: str, message_index: int) -> list[dict]:
        return [c for c in self.claims if c["transcript_id"] == transcript_id and c["message_index"] == message_index]


def attempt_verdict(claims: list[dict]) -> str:
    """One verdict for an attempt that may hold several claims (e.g. several code blanks):
    any incorrect claim makes it incorrect; it is correct only when every claim is."""
    verdicts = {c["verdict"] for c in claims}
    if "incorrect" in verdicts:
        return "incorrect"
    if verdicts == {"correct"}:
        return "correct"
    return "error" if "error" in verdicts else "unverified"


def part_sort_key(part: str) -> tuple:
    """"1c" < "3b" < "6b.i" < "6b.ii" < "6b.iv" < "10a": question number, letter, roman numeral."""
    m = re.fullmatch(r"(\d+)([a-z]*)(?:\.([ivxlc]+))?(.*)", part)
    if not m:
        return (1 << 30, part)
    roman = m[3] or ""
    value = sum(-_ROMAN[a] if _ROMAN[a] < _ROMAN.get(b, 0) else _ROMAN[a] for a, b in zip(roman, roman[1:] + " "))
    return (int(m[1]), m[2], value, m[4])


def load_dataset_folder(folder: Path, label_definitions: dict[str, str] | None = None) -> Dataset:
    """Every config of the folder (a :class:`DatasetError` names what is missing or unreadable)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DatasetError(f"{folder} is not a folder")
    rows = {config: read_config(folder, config) for config in CONFIGS}
    card = (folder / "README.md").read_text(encoding="utf-8")
    if label_definitions is None:
        label_definitions = default_label_definitions()
    kept = [t for t in rows["transcripts"] if not t.get("duplicate_of")]
    repeats = [t for t in rows["transcripts"] if t.get("duplicate_of")]
    kept_ids = {t["transcript_id"] for t in kept}
    return Dataset(folder, card, kept, [c for c in rows["claims"] if c["transcript_id"] in kept_ids],
                   [lb for lb in rows["labels"] if lb["transcript_id"] in kept_ids], rows["errors"],
                   dict(label_definitions), repeats, {config: len(r) for config, r in rows.items()})
