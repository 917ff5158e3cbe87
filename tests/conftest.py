"""Shared fixtures: a fixed pseudonym key, and the bundled corpus built once per session."""

import pytest

from testdata import CORPUS


@pytest.fixture(autouse=True)
def _pseudonym_key(monkeypatch):
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

