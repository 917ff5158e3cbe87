"""Verdicts cached by what was claimed, so a claim repeated across a corpus is checked once.

The key is (normalized claim — the raw text when nothing was normalized —, part, kind, answer-key
version, homework): bumping the key's version invalidates every verdict computed against the old
references. The store is an in-memory dict, optionally loaded from and saved to a JSON file; the
build names that file by the tool's version and source code, so a fixed verifier starts afresh.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from ..records import Claim
from .outcome import Outcome


class VerdictCache:
    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path else None
        self._store: dict[str, list[str]] = {}
        if self.path and self.path.is_file():
            try:
                self._store = json.loads(self.path.read_text(encoding="utf-8"))
            except (ValueError, OSError):
                self._store = {}  # a damaged cache is only lost work, never an error

    @staticmethod
    def key(claim: Claim, homework: str, version: str) -> str:
        what = claim.normalized or f"raw:{claim.claim}"
        return json.dumps([homework, version, claim.part, claim.kind, what])

    def get(self, claim: Claim, homework: str, version: str) -> Outcome | None:
        hit = self._store.get(self.key(claim, homework, version))
        return Outcome(*hit) if hit else None

    def put(self, claim: Claim, homework: str, version: str, outcome: Outcome) -> None:
        self._store[self.key(claim, homework, version)] = [outcome.verdict, outcome.detail, outcome.reference]

    def __len__(self) -> int:
        return len(self._store)

    def save(self) -> None:
        """Write the store atomically (a crash mid-write keeps the previous file)."""
        if not self.path:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(self._store, f, ensure_ascii=False, indent=0)
        os.replace(tmp, self.path)
