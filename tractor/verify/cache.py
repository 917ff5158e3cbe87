"""Verdicts cached by what was claimed, so a claim repeated across a corpus is checked once.

The key is (normalized claim — the raw text when nothing was normalized —, part, kind, answer-key
version, homework): bumping the key's version invalidates every verdict computed against the old
references. The build names the store's file by the tool's version and source code, so a fixed
verifier starts afresh.

The store on disk is SQLite (standard library): a lookup reads one row instead of holding the
whole store in memory, a save writes only the new rows (a JSON file rewritten per transcript
grew quadratically with the corpus), and parallel build workers add to one store without
overwriting each other's verdicts. A transaction is atomic, so a killed build keeps what was
committed. Without a path the store is an in-memory dict.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from ..records import Claim
from .outcome import Outcome

_SCHEMA = ("CREATE TABLE IF NOT EXISTS verdicts (key TEXT PRIMARY KEY, verdict TEXT, detail TEXT, reference TEXT, "
           "facts TEXT)")


class VerdictCache:
    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path else None
        self._memory: dict[str, tuple[str, str, str, str]] = {}
        self._db = _open(self.path) if self.path else None

    @staticmethod
    def key(claim: Claim, homework: str, version: str) -> str:
        what = claim.normalized or f"raw:{claim.claim}"
        # a bound is judged against the resource its tag names: the same O(n^2) may be right for one
        return json.dumps([homework, version, claim.part, claim.kind, what, claim.tag("resource") or ""])

    def get(self, claim: Claim, homework: str, version: str) -> Outcome | None:
        key = self.key(claim, homework, version)
        hit = self._memory.get(key)
        if hit is None and self._db is not None:
            hit = self._db.execute("SELECT verdict, detail, reference, facts FROM verdicts WHERE key = ?",
                                   (key,)).fetchone()
        if not hit:
            return None
        verdict, detail, reference, facts = hit
        return Outcome(verdict, detail, reference, json.loads(facts) if facts else {})

    def put(self, claim: Claim, homework: str, version: str, outcome: Outcome) -> None:
        self._memory[self.key(claim, homework, version)] = (
            outcome.verdict, outcome.detail, outcome.reference,
            json.dumps(outcome.facts, sort_keys=True) if outcome.facts else "")

    def __len__(self) -> int:
        stored = self._db.execute("SELECT count(*) FROM verdicts").fetchone()[0] if self._db else 0
        return stored + len(self._memory)

    def save(self) -> None:
        """Commit the verdicts added since the last save in one transaction; with a store on
        disk, memory then holds nothing (it does not grow with the corpus)."""
        if self._db is None or not self._memory:
            return
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO verdicts VALUES (?, ?, ?, ?, ?)",
                                     [(k, *v) for k, v in self._memory.items()])
        except sqlite3.Error:
            return  # a store that cannot be written is only lost work; the verdicts stay in memory
        self._memory.clear()


def _open(path: Path) -> sqlite3.Connection | None:
    """The store at ``path``, created if missing; a damaged file is replaced (only lost work,
    never an error), and a store that cannot be opened at all leaves the cache in memory."""
    for attempt in range(2):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, timeout=60, isolation_level="DEFERRED")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)
            db.execute("SELECT facts FROM verdicts LIMIT 1").fetchone()  # a store of an older layout is replaced
            return db
        except sqlite3.DatabaseError:
            if attempt == 0 and path.is_file():
                path.unlink()
        except OSError:
            break
    return None
