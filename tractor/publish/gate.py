"""The privacy gate: the last check before anything leaves the machine.

The build already replaced identities with pseudonyms; the gate re-runs the same detectors
(:class:`tractor.privacy.Pseudonymizer`, with the roster when given) over every string cell of
every config, nested ones included, and over the card, so a dataset edited by hand, built with
an older tool, or built without the roster is refused rather than published. Each row is read
as the post it came from (title block first, then the conversation), so a name found by its
place (a title block, a field, a signature) is also found wherever else the row repeats it.
A finding names where the identity is and what kind it is, never the identity itself: the
report of a leak must not be a second leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from ..dataset.folder import read_config
from ..dataset.schema import CONFIGS
from ..privacy import PrivacyConfig, Pseudonymizer, read_roster

# The gate never computes a pseudonym, but the detector needs a key to exist.
_UNUSED_KEY = b"privacy-gate"


@dataclass(frozen=True)
class Finding:
    config: str  # a config name, or "README.md" for the card
    row: int  # row number in the config; line number in the card
    column: str  # e.g. "messages[3].content"; "" for the card
    kind: str  # email, student id, share link, roster name, name in the title block, ...
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
    findings, seen = [], {}
    for config in configs:
        for row_number, row in enumerate(read_config(folder, config)):
            findings += _row_findings(detector, config, row_number, row, seen)
    post = detector.for_post(card)
    for line_number, line in enumerate(card.splitlines(), start=1):
        findings += [Finding("README.md", line_number, "", hit.kind, mask(hit.text)) for hit in post.find(line)]
    return findings


def _row_findings(detector: Pseudonymizer, config: str, row_number: int, row: dict,
                  seen: dict[str, list]) -> list[Finding]:
    """A row's identities, found as in the post it came from: its conversation (notes before it
    first, so a title block is read as one) gives the post's identities, sought in every cell;
    any other cell is also read on its own (``seen`` remembers what a cell alone holds: claims
    and labels repeat the same values over thousands of rows), and ``source`` as a file name."""
    cells = list(_strings(row))
    source = row.get("source") if isinstance(row.get("source"), str) else ""
    scrubber = detector.for_file(source) if source else detector
    notes_first = [a.get("text") or "" for a in row.get("annotations") or () if a.get("after_message") == -1]
    conversation = [text for column, text in cells if _in_conversation(column)]
    post = scrubber.for_post("\n".join(notes_first + conversation))
    findings = []
    for column, text in cells:
        hits = post.find(text)
        if not _in_conversation(column):
            if source:
                alone = scrubber.find(text)
            else:
                alone = seen[text] if text in seen else seen.setdefault(text, detector.find(text))
            hits += [h for h in alone if all(h.end <= o.start or h.start >= o.end for o in hits)]
        findings += [Finding(config, row_number, column, hit.kind, mask(hit.text))
                     for hit in sorted(hits, key=lambda h: h.start)]
    return findings


def _in_conversation(column: str) -> bool:
    return column.startswith(("messages[", "annotations[")) or column == "summary"


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
