"""The privacy gate: the last check before anything leaves the machine.

The build already replaced identities with pseudonyms; the gate re-runs the same detector
(:class:`tractor.privacy.Pseudonymizer`) over every string cell of every config, nested ones
included, and over the card, so a dataset edited by hand, built with an older tool, or built
without the roster is refused rather than published. A finding names where the identity is and
what kind it is, never the identity itself: the report of a leak must not be a second leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from ..privacy import PrivacyConfig, Pseudonymizer, read_roster
from .folder import read_config
from .schema import CONFIGS

# The gate never computes a pseudonym, but the detector needs a key to exist.
_UNUSED_KEY = b"privacy-gate"


@dataclass(frozen=True)
class Finding:
    config: str  # a config name, or "README.md" for the card
    row: int  # row number in the config; line number in the card
    column: str  # e.g. "messages[3].content"; "" for the card
    kind: str  # email, student id, share link, roster name, byline name
    masked: str

    def __str__(self) -> str:
        where = f"{self.config} row {self.row}" + (f" column {self.column}" if self.column else "")
        if self.config == "README.md":
            where = f"README.md line {self.row}"
        return f"{where}: {self.kind} {self.masked}"


def check_dataset(folder: Path, card: str, roster: Path | None = None,
                  configs: Iterable[str] = CONFIGS) -> list[Finding]:
    """Every identity left in the folder's ``configs`` or in ``card`` (the card to be uploaded)."""
    names, ids = read_roster(roster) if roster else ((), ())
    detector = Pseudonymizer(PrivacyConfig(_UNUSED_KEY, names, ids))
    kind = _Classifier(names, ids)
    findings = []
    for config in configs:
        for row_number, row in enumerate(read_config(folder, config)):
            for column, text in _strings(row):
                findings += [Finding(config, row_number, column, kind(v), mask(v))
                             for v in detector.find_identities(text)]
    for line_number, line in enumerate(card.splitlines(), start=1):
        findings += [Finding("README.md", line_number, "", kind(v), mask(v)) for v in detector.find_identities(line)]
    return findings


class _Classifier:
    """Names the kind of a found identity. A roster entry is one that only a detector knowing
    the roster finds on its own; the built-in kinds are told apart by their shape."""

    def __init__(self, names: tuple[str, ...], ids: tuple[str, ...]):
        self._plain = Pseudonymizer(PrivacyConfig(_UNUSED_KEY))
        self._names = Pseudonymizer(PrivacyConfig(_UNUSED_KEY, names, ())) if names else None
        self._ids = Pseudonymizer(PrivacyConfig(_UNUSED_KEY, (), ids)) if ids else None

    def __call__(self, value: str) -> str:
        if not self._plain.find_identities(value):
            if self._ids and self._ids.find_identities(value):
                return "roster id"
            if self._names and self._names.find_identities(value):
                return "roster name"
        if "/" in value:
            return "share link"
        if "@" in value:
            return "email"
        if value.isdigit():
            return "student id"
        return "byline name"


def _strings(value, path: str = "") -> Iterator[tuple[str, str]]:
    """(column path, text) for every string inside a row, through lists and structs."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def mask(value: str) -> str:
    """First and last character kept, the rest starred: enough to find it, not enough to read it."""
    if len(value) <= 4:
        return "*" * len(value)
    return value[0] + "*" * min(len(value) - 2, 12) + value[-1]
