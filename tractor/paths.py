"""Where the project's data lives.

``data/`` (homework bank, gold labels, trained models) sits beside the package in the repository,
which is installed editable; ``TRACTOR_DATA`` points elsewhere (e.g. a course's own bank)."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    return Path(os.environ.get("TRACTOR_DATA") or REPO_ROOT / "data")


def bundled_corpus() -> Path:
    return REPO_ROOT / "corpus"
