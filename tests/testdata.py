"""Paths to the real sample material bundled in the repository, and the gold labels for it.

A plain module (not conftest) so that test files anywhere under tests/ can import it by name."""

import json
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
