"""Paths to the real sample material bundled in the repository, and the gold labels for it.

A plain module (not conftest) so that test files anywhere under tests/ can import it by name."""

import json
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
BAD_INPUTS = REPO / "tests" / "fixtures" / "bad-inputs"
GOLD = REPO / "data" / "gold"


def gold_files():
    return [json.loads(p.read_text()) for p in sorted(GOLD.glob("*.json"))]


def gold_for(source: str):
    """The gold entry whose stem the base name of ``source`` starts with (data/gold/README.md)."""
    name = source.split("#")[0].rsplit("/", 1)[-1]
    return next((g for g in gold_files() if name.startswith(g["stem"])), None)


HW42 = REPO / "tests" / "homeworks" / "outside" / "hw42"  # the homework that exists only in the tests


@contextmanager
def listed_homework(folder: Path):
    """``folder`` listed in TRACTOR_HOMEWORKS, with registries as a fresh process has them on
    entry and on exit, so no other test meets the homework."""
    import os
    import sys

    from tractor import build_cache, homeworks, kinds

    def forget():
        for cached in (homeworks.discover, homeworks._key_for, kinds._discover, build_cache.build_salt):
            cached.cache_clear()
        homeworks._REGISTRY.pop(folder.name, None)
        sys.modules.pop(f"tractor_homework_{folder.name}", None)

    before = os.environ.get("TRACTOR_HOMEWORKS")
    os.environ["TRACTOR_HOMEWORKS"] = str(folder)
    forget()
    try:
        yield folder
    finally:
        if before is None:
            os.environ.pop("TRACTOR_HOMEWORKS", None)
        else:
            os.environ["TRACTOR_HOMEWORKS"] = before
        forget()
