"""The caches a build's work reads, set up once per build (the build cache) or per process (the
verdict cache): which folder, which salt, which file."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path


def build_cache(cache_dir: Path | None, roster: Path | None, scrubber):
    """The incremental-build cache for a file whose scrubber is ``scrubber``; None without a
    cache folder. Its salt holds the pseudonym key and the roster, so a build with other
    identities removed never reads these entries."""
    if cache_dir is None:
        return None
    from ..build_cache import BuildCache, build_salt

    roster_digest = hashlib.sha256(roster.read_bytes()).hexdigest() if roster else ""
    # names in the file name are scrubbed from the text too: a copy under another name reuses
    # the cached text only when its file name holds the same names (usually none)
    names = "|".join(scrubber.file_names)
    return BuildCache(cache_dir, build_salt(scrubber.pseudonym(f"tractor build cache|{roster_digest}|{names}")))


@functools.cache
def verdict_cache(cache_dir: Path | None):
    """One verdict cache per process: in memory, and on disk beside the build cache when set.
    The file is named by the tool's version and source, so verdicts of a verifier since fixed are
    never served (the answer-key version is part of each entry's key)."""
    from ..build_cache import code_salt
    from ..verify import VerdictCache

    return VerdictCache(Path(cache_dir) / f"verdicts-{code_salt()}.sqlite" if cache_dir else None)
