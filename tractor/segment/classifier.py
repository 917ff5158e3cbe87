"""The learned part of segmentation: a block classifier plus sequence decoding.

A multinomial logistic regression scores each block as user / assistant / annotation / summary;
a first-order transition table (learned from the same labelled posts) and Viterbi decoding then
pick the most likely label *sequence*, so that an answer stays one run of assistant blocks and a
lone short line inside an answer does not become a prompt. The rules (speaker labels, "Thought
for" markers) restrict which labels a block may take before decoding.

The model is stored as JSON (coefficients, scaling, transitions): deterministic, diffable, no
pickle, and inference needs no scikit-learn.
"""

from __future__ import annotations

import json
import math
import operator
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from tractor.records import ASSISTANT, USER
from tractor.segment.blocks import Block
from tractor.segment.features import block_features

ANNOTATION = "annotation"
SUMMARY = "summary"
LABELS = (USER, ASSISTANT, ANNOTATION, SUMMARY)
MODEL_PATH = Path(__file__).resolve().parents[2] / "data" / "models" / "segmenter.json"
DIGITS = 8  # stored precision: same data gives the same bytes across BLAS builds


@dataclass(frozen=True)
class SegmenterModel:
    features: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[list[float]]  # one row per label, in LABELS order
    intercept: list[float]
    start: list[float]  # log P(first label)
    transitions: list[list[float]]  # log P(label | previous label)
    prior: list[float] = ()  # log P(label) in training; emissions are divided by prior^weight
    prior_weight: float = 0.0  # 1: posterior/prior = scaled likelihood (the HMM hybrid)
    switch_cost: float = 0.0  # extra log-cost of every user<->assistant switch (<0: a bonus)
    marker_cost: float = 0.0  # extra cost of leaving a prompt anywhere but at a marker, in
    # posts whose answers carry "Thought for" markers (their prompts end at markers)

    def to_json(self) -> str:
        return json.dumps({"labels": list(LABELS), **asdict(self)}, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> SegmenterModel:
        data = json.loads(text)
        if tuple(data.pop("labels")) != LABELS:
            raise ValueError("segmenter model was trained for other labels")
        return cls(**data)

    def log_probabilities(self, rows: list[dict[str, float]]) -> list[list[float]]:
        """log P(label | block features) for each row."""
        out = []
        for row in rows:
            x = [(row.get(name, 0.0) - mu) / sd
                 for name, mu, sd in zip(self.features, self.mean, self.scale)]
            scores = [b + sum(map(operator.mul, weights, x))  # the same additions as a generator
                      for weights, b in zip(self.coef, self.intercept)]
            top = max(scores)
            norm = top + math.log(sum(math.exp(s - top) for s in scores))
            out.append([s - norm for s in scores])
        return out


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_PATH) -> SegmenterModel:
    return SegmenterModel.from_json(path.read_text(encoding="utf-8"))


def allowed_labels(block: Block) -> set[str]:
    """The labels the rules leave open for ``block``."""
    if block.kind == "note":
        return {ANNOTATION}
    if block.after_marker:
        return {ASSISTANT}
    if block.before_marker:
        return {USER}
    if block.turn_role == USER:
        return {USER} if block.opens_turn else {USER, ANNOTATION}
    if block.turn_role == ASSISTANT:
        return {ASSISTANT, ANNOTATION} if block.opens_turn else {ASSISTANT, ANNOTATION, SUMMARY}
    return set(LABELS)


def decode(blocks: list[Block], model: SegmenterModel | None = None) -> list[str]:
    """The most likely label sequence for ``blocks`` under the rules (Viterbi)."""
    if not blocks:
        return []
    model = model or load_model()
    emissions = [[value - model.prior_weight * prior for value, prior in zip(row, model.prior)]
                 for row in model.log_probabilities(block_features(blocks))]
    masks = [allowed_labels(block) for block in blocks]
    n = len(LABELS)
    impossible = -1e9
    score = [model.start[j] + emissions[0][j] if LABELS[j] in masks[0] else impossible
             for j in range(n)]
    back: list[list[int]] = []
    has_markers = any(block.after_marker for block in blocks)
    table = {unmarked: _transitions(model, unmarked) for unmarked in (False, True)}
    for block, emission, mask in zip(blocks[1:], emissions[1:], masks[1:]):
        moves = table[has_markers and not block.after_marker]
        step, pointers = [], []
        for j in range(n):
            best = max(range(n), key=lambda i: score[i] + moves[i][j])
            value = score[best] + moves[best][j] + emission[j]
            step.append(value if LABELS[j] in mask else impossible)
            pointers.append(best)
        score, back = step, back + [pointers]
    state = max(range(n), key=lambda j: score[j])
    path = [state]
    for pointers in reversed(back):
        state = pointers[state]
        path.append(state)
    return [LABELS[j] for j in reversed(path)]


def _transitions(model: SegmenterModel, unmarked_answer: bool) -> list[list[float]]:
    """Learned transitions plus the turn-switch costs at this position."""
    user, assistant = LABELS.index(USER), LABELS.index(ASSISTANT)
    moves = [list(row) for row in model.transitions]
    moves[user][assistant] -= model.switch_cost
    moves[assistant][user] -= model.switch_cost
    if unmarked_answer:
        for label in range(len(LABELS)):
            if label != user:
                moves[user][label] -= model.marker_cost
    return moves


def fit(posts: list[tuple[list[Block], list[str]]], c: float = 1.0, prior_weight: float = 0.0,
        switch_cost: float = 0.0, marker_cost: float = 0.0,
        weights: list[float] | None = None) -> SegmenterModel:
    """Train on labelled posts (deterministic: lbfgs, fixed random_state, sorted features).

    ``weights`` (one per post, default 1) let several renderings of one post (its text, its
    PDF print) count as that one post in the classifier, so they teach the other layout
    without outweighing the real posts."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    rows = [row for blocks, _ in posts for row in block_features(blocks)]
    targets = [LABELS.index(label) for _, labels in posts for label in labels]
    names = sorted({name for row in rows for name in row})
    matrix = np.array([[row.get(name, 0.0) for name in names] for row in rows])
    mean = matrix.mean(axis=0)
    scale = matrix.std(axis=0)
    scale[scale == 0] = 1.0
    classifier = LogisticRegression(C=c, max_iter=5000, random_state=0)
    weights = weights or [1.0] * len(posts)
    sample_weight = np.array([weight for (_, labels), weight in zip(posts, weights)
                              for _ in labels])
    classifier.fit((matrix - mean) / scale, targets, sample_weight=sample_weight)
    coef = np.zeros((len(LABELS), len(names)))
    intercept = np.full(len(LABELS), -30.0)  # a label never seen in training stays unlikely
    for row, label in enumerate(classifier.classes_):
        coef[label], intercept[label] = classifier.coef_[row], classifier.intercept_[row]
    start, transitions = _transition_tables([labels for _, labels in posts])
    return SegmenterModel(
        features=names, mean=_rounded(mean), scale=_rounded(scale),
        coef=[_rounded(row) for row in coef], intercept=_rounded(intercept),
        start=_rounded(start), transitions=[_rounded(row) for row in transitions],
        prior=_rounded(math.log((targets.count(label) + 1) / (len(targets) + len(LABELS)))
                       for label in range(len(LABELS))),
        prior_weight=prior_weight, switch_cost=switch_cost, marker_cost=marker_cost,
    )


def _transition_tables(sequences: list[list[str]]) -> tuple[list[float], list[list[float]]]:
    """Add-one smoothed log start and transition probabilities."""
    n = len(LABELS)
    starts = [1.0] * n
    counts = [[1.0] * n for _ in range(n)]
    for labels in sequences:
        indices = [LABELS.index(label) for label in labels]
        starts[indices[0]] += 1
        for before, after in zip(indices, indices[1:]):
            counts[before][after] += 1
    start = [math.log(value / sum(starts)) for value in starts]
    return start, [[math.log(value / sum(row)) for value in row] for row in counts]


def _rounded(values) -> list[float]:
    return [round(float(value), DIGITS) for value in values]
