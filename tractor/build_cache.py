"""Incremental builds: what a file yields, cached by its bytes and everything that shapes it.

An entry holds the file's transcripts (segmented, scrubbed, identified) and failures, keyed by
the SHA-256 of the file's bytes and a salt made of the tool version, the package's source code,
the fingerprint of the trained models and alias tables in ``data/``, the pseudonym key and the roster. A second entry
holds the file's claims and labels, keyed in addition by the files of its homeworks' answer keys
and by the label models (:func:`result_context`), so an unchanged corpus is not re-processed at
all. When a key changes, claims are re-extracted from the cached transcripts and verdicts come
from the verifier's own cache, keyed by answer-key version, so only the claims of the homework
whose key changed are re-verified. Entries are written atomically; a corrupt or foreign entry is
ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, replace
from functools import cache
from pathlib import Path

from . import __version__
from .paths import data_dir
from .records import Annotation, Claim, FailedFile, Label, Message, Transcript

_FORMAT = 2  # 2: entries keyed by content and suffix, not the file's name
# Data files whose change must invalidate cached transcripts (not the answer keys: see above).
_DATA_GLOBS = ("models/*", "models.toml", "segment/*")
# Data files that shape claims and labels besides the answer keys (hashed per homework below).
_RESULT_GLOBS = ("labels/*", "labels/models/*", "citations.toml")


def default_cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tractor" / "build"


@cache
def build_salt(privacy_fingerprint: str) -> str:
    """What every cached transcript depends on: the tool, the pseudonym key, the trained models
    and what homework identification reads from the bank, each homework's name and questions
    (a homework added to the bank identifies posts it did not; a reference edited re-judges only
    its own homework's posts, see :func:`result_context`)."""
    from . import homeworks

    bank = [(name, homeworks.get(name).key.questions) for name in homeworks.names()]
    seed = f"{_FORMAT}|{__version__}|{_code_fingerprint()}|{privacy_fingerprint}|{bank!r}"
    return _fingerprint(seed, _DATA_GLOBS)


def code_salt() -> str:
    """The tool's version and source code, for caches that depend on nothing else of the build
    (the verdict cache: its entries carry their answer-key version)."""
    return hashlib.sha256(f"{_FORMAT}|{__version__}|{_code_fingerprint()}".encode()).hexdigest()[:24]


@cache
def _code_fingerprint(package: Path = Path(__file__).resolve().parent) -> str:
    """The package's own source: a reader or extractor fixed without a version bump must not be
    served stale results from a cache filled by the code before the fix."""
    h = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:24]


@cache
def _fingerprint(seed: str, patterns: tuple[str, ...]) -> str:
    h = hashlib.sha256(seed.encode())
    root = data_dir()
    for pattern in patterns:
        for path in sorted(root.glob(pattern)):
            if path.is_file():
                h.update(path.relative_to(root).as_posix().encode())
                h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:24]


def result_context(verify: bool, names: set[str]) -> str:
    """What a file's claims and labels depend on beyond its transcripts: the verify switch, the
    label models and the folders of the file's homeworks (key, templates, and the plug-in of a
    homework kept outside the package, whose code the package fingerprint does not cover)."""
    from . import homeworks

    folders = {name: folder for name, folder in homeworks.folders().items() if name in names}
    return _fingerprint(f"verify={verify}|{_folders_fingerprint(folders)}", _RESULT_GLOBS)


def _folders_fingerprint(folders: dict[str, Path]) -> str:
    """The names and bytes of every file in each homework's folder."""
    h = hashlib.sha256()
    for name in sorted(folders):
        for path in sorted(folders[name].glob("**/*")):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(f"{name}/{path.relative_to(folders[name]).as_posix()}".encode())
                h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:24]


class BuildCache:
    """File-content-addressed store of per-file ingest results.

    Entries are keyed by the file's bytes and suffix (which picks its reader), never its name: a
    post renamed, moved or copied is served from the cache, its rows re-stamped with the name it
    has now."""

    def __init__(self, root: Path, salt: str):
        self.root = Path(root) / salt

    def _path(self, digest: str, suffix: str, context: str = "") -> Path:
        key = f"{digest}|{suffix.lower()}" + (f"|result|{context}" if context else "")
        name = hashlib.sha256(key.encode()).hexdigest()
        return self.root / name[:2] / f"{name}.json"

    def get(self, digest: str, suffix: str, source: str) -> tuple[list[Transcript], list[FailedFile]] | None:
        """The transcripts and failures stored for these bytes, named ``source``."""
        try:
            raw = json.loads(self._path(digest, suffix).read_text(encoding="utf-8"))
            stored = raw["source"]

            def rename(name: str) -> str:
                return source + name[len(stored):] if name.startswith(stored) else name

            transcripts = [replace(_transcript(t), source=rename(t["source"])) for t in raw["transcripts"]]
            return transcripts, [replace(FailedFile(**f), source=rename(f["source"])) for f in raw["failures"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, digest: str, suffix: str, source: str, transcripts: list[Transcript],
            failures: list[FailedFile]) -> None:
        self._write(self._path(digest, suffix), {"source": source, "transcripts": [asdict(t) for t in transcripts],
                                                 "failures": [asdict(f) for f in failures]})

    def get_result(self, digest: str, suffix: str, context: str) -> tuple[list[Claim], list[Label]] | None:
        """The claims and labels stored for a file under ``context`` (:func:`result_context`)."""
        try:
            raw = json.loads(self._path(digest, suffix, context).read_text(encoding="utf-8"))
            return [Claim(**c) for c in raw["claims"]], [Label(**lb) for lb in raw["labels"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put_result(self, digest: str, suffix: str, context: str, claims: list[Claim], labels: list[Label]) -> None:
        self._write(self._path(digest, suffix, context), {"claims": [asdict(c) for c in claims],
                                                          "labels": [asdict(lb) for lb in labels]})

    @staticmethod
    def _write(path: Path, entry: dict) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False))
        os.replace(tmp, path)


def _transcript(raw: dict) -> Transcript:
    raw = dict(raw)
    raw["messages"] = [Message(**m) for m in raw["messages"]]
    raw["annotations"] = [Annotation(**a) for a in raw["annotations"]]
    return Transcript(**raw)
