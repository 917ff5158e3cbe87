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
