"""Shared fixtures: paths to the real sample material bundled in the repository."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
BAD_INPUTS = REPO / "tests" / "fixtures" / "bad-inputs"
GOLD = REPO / "data" / "gold"


@pytest.fixture(autouse=True)
def _pseudonym_key(monkeypatch, tmp_path_factory):
    """A fixed pseudonym key, so tests never create or read the user's key file."""
    monkeypatch.setenv("TRACTOR_PSEUDONYM_KEY", "test-key-not-secret")


@pytest.fixture(scope="session")
def corpus_dataset(tmp_path_factory):
    """The bundled corpus built once for the whole session (no build cache): the dataset folder."""
    import os

    from tractor.pipeline import BuildConfig, build_dataset

    os.environ.setdefault("TRACTOR_PSEUDONYM_KEY", "test-key-not-secret")
    out = tmp_path_factory.mktemp("corpus-build") / "dataset"
    summary = build_dataset(BuildConfig(corpus=CORPUS, out=out))
    return out, summary


def gold_files():
    import json

    return [json.loads(p.read_text()) for p in sorted(GOLD.glob("*.json"))]


def gold_for(source: str):
    """The gold entry whose stem the base name of ``source`` starts with (data/gold/README.md)."""
    name = source.split("#")[0].rsplit("/", 1)[-1]
    return next((g for g in gold_files() if name.startswith(g["stem"])), None)
