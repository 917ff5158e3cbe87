"""Incremental builds: what a file yields, cached by its bytes and everything that shapes it.

An entry holds the file's transcripts (segmented, scrubbed, identified) and failures, keyed by
the SHA-256 of the file's bytes and a salt made of the tool version, the fingerprint of the
trained models and alias tables in ``data/``, the pseudonym key and the roster. Claims are not
cached here: they are re-extracted from cached transcripts, and verdicts come from the
verifier's own cache, keyed by answer-key version, so a changed key re-verifies only the
claims of the homework whose key changed. Entries are written atomically; a corrupt or foreign
entry is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from functools import cache
from pathlib import Path

from . import __version__
from .paths import data_dir
from .records import Annotation, FailedFile, Message, Transcript

_FORMAT = 1
# Data files whose change must invalidate cached transcripts (not the answer keys: see above).
_DATA_GLOBS = ("models/*", "models.toml", "segment/*")


def default_cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tractor" / "build"


@cache
def build_salt(privacy_fingerprint: str) -> str:
    h = hashlib.sha256(f"{_FORMAT}|{__version__}|{privacy_fingerprint}".encode())
    root = data_dir()
    for pattern in _DATA_GLOBS:
        for path in sorted(root.glob(pattern)):
            if path.is_file():
                h.update(path.relative_to(root).as_posix().encode())
                h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:24]


class BuildCache:
    """File-content-addressed store of per-file ingest results."""

    def __init__(self, root: Path, salt: str):
        self.root = Path(root) / salt

    def _path(self, digest: str, source: str) -> Path:
        name = hashlib.sha256(f"{digest}|{source}".encode()).hexdigest()
        return self.root / name[:2] / f"{name}.json"

    def get(self, digest: str, source: str) -> tuple[list[Transcript], list[FailedFile]] | None:
        try:
            raw = json.loads(self._path(digest, source).read_text(encoding="utf-8"))
            return ([_transcript(t) for t in raw["transcripts"]], [FailedFile(**f) for f in raw["failures"]])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, digest: str, source: str, transcripts: list[Transcript], failures: list[FailedFile]) -> None:
        path = self._path(digest, source)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"transcripts": [asdict(t) for t in transcripts],
                              "failures": [asdict(f) for f in failures]}, ensure_ascii=False)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(payload)
        os.replace(tmp, path)


def _transcript(raw: dict) -> Transcript:
    raw = dict(raw)
    raw["messages"] = [Message(**m) for m in raw["messages"]]
    raw["annotations"] = [Annotation(**a) for a in raw["annotations"]]
    return Transcript(**raw)
