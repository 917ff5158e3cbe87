"""The learned sentence classifiers: refusal versus compliance, and the stance of a student's note.

Training data is hand-labelled JSON Lines in ``data/labels/<task>.jsonl``, one sentence a line:
``{"text": ..., "label": ..., "split": "train" | "heldout", "source": ...}``. ``train`` rows are
written to vary the wording across models and styles; ``heldout`` rows come from real posts and
are never trained on, so they measure transfer (``scripts/train_labelers.py`` prints both).
A trained model is stored as ``data/labels/models/<task>.joblib``; when it is missing the model
is trained in memory from the data file (a few hundred sentences: well under a second).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from ..errors import TractorError
from ..paths import data_dir

TASKS = {
    "refusal": ("refusal", "compliance"),
    "stance": ("right", "wrong", "neither"),
}


def data_path(task: str) -> Path:
    return data_dir() / "labels" / f"{task}.jsonl"


def model_path(task: str) -> Path:
    return data_dir() / "labels" / "models" / f"{task}.joblib"


def load_rows(task: str) -> list[dict]:
    """Rows of a task's data file, validated against the task's label set."""
    path = data_path(task)
    try:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError) as exc:
        raise TractorError(f"training data {path}: {exc}") from exc
    bad = [r for r in rows if r.get("label") not in TASKS[task] or not r.get("text")]
    if bad:
        raise TractorError(f"training data {path}: {len(bad)} rows without text or with a label "
                           f"outside {TASKS[task]}, e.g. {bad[0]}")
    return rows


def new_pipeline():
    """Word uni/bigrams plus character n-grams (robust to the typos and markup of pasted
    chats) into a class-balanced logistic regression: small data, calibrated-enough scores."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, make_pipeline

    features = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2)),
    ])
    return make_pipeline(features, LogisticRegression(C=8.0, class_weight="balanced", max_iter=5000))


def train(task: str, rows: list[dict] | None = None):
    rows = [r for r in (rows if rows is not None else load_rows(task)) if r.get("split", "train") == "train"]
    model = new_pipeline()
    model.fit([r["text"] for r in rows], [r["label"] for r in rows])
    return model


@cache
def classifier(task: str):
    """The stored model for ``task``, or one trained now from its data file."""
    import joblib

    path = model_path(task)
    if path.is_file():
        try:
            return joblib.load(path)
        except Exception as exc:  # an unpicklable file from another scikit-learn version
            raise TractorError(f"{path}: cannot load ({exc}); rerun scripts/train_labelers.py") from exc
    return train(task)


def predict(task: str, texts: list[str]) -> list[dict[str, float]]:
    """Class probabilities for each text. Each distinct text is scored once (a sign-off or a
    heading recurs across a transcript's turns): a row's probabilities depend on that row only."""
    if not texts:
        return []
    model = classifier(task)
    classes = list(model.classes_)
    distinct = list(dict.fromkeys(texts))
    scored = {text: dict(zip(classes, map(float, p)))
              for text, p in zip(distinct, model.predict_proba(distinct))}
    return [dict(scored[text]) for text in texts]
