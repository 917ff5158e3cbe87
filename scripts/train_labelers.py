#!/usr/bin/env python
"""Train the label classifiers and report how well they do on data they never saw.

    python scripts/train_labelers.py            # all tasks: refusal, stance
    python scripts/train_labelers.py refusal    # one task

For each task in ``data/labels/<task>.jsonl`` (see :mod:`tractor.label.learned`): 5-fold
stratified cross-validation on the ``train`` rows, then a model fitted on all ``train`` rows is
scored on the ``heldout`` rows (sentences from real posts, never trained on) and saved to
``data/labels/models/<task>.joblib``, which :func:`tractor.label.learned.classifier` loads.
"""

from __future__ import annotations

import sys


def report(task: str) -> None:
    import joblib
    from sklearn.metrics import classification_report
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from tractor.label.learned import load_rows, model_path, new_pipeline, train

    rows = load_rows(task)
    train_rows = [r for r in rows if r.get("split", "train") == "train"]
    heldout = [r for r in rows if r.get("split") == "heldout"]
    texts, labels = [r["text"] for r in train_rows], [r["label"] for r in train_rows]
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    predicted = cross_val_predict(new_pipeline(), texts, labels, cv=folds)
    print(f"== {task}: {len(train_rows)} train rows, 5-fold cross-validation")
    print(classification_report(labels, predicted, digits=3, zero_division=0))
    model = train(task, rows)
    if heldout:
        got = model.predict([r["text"] for r in heldout])
        print(f"== {task}: {len(heldout)} held-out rows from real posts (model trained on all train rows)")
        print(classification_report([r["label"] for r in heldout], got, digits=3, zero_division=0))
        for r, g in zip(heldout, got):
            if g != r["label"]:
                print(f"   miss: gold {r['label']}, predicted {g}: {r['text'][:100]}")
    path = model_path(task)
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, path, compress=3)
    print(f"saved {path}\n")


def main(argv: list[str]) -> int:
    from tractor.label.learned import TASKS

    tasks = argv or list(TASKS)
    unknown = [t for t in tasks if t not in TASKS]
    if unknown:
        print(f"unknown task(s) {unknown}; known: {list(TASKS)}", file=sys.stderr)
        return 2
    for task in tasks:
        report(task)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
