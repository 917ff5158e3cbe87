"""Train tractor's turn-segmentation model from the hand-labelled blocks in data/segment/.

    python scripts/train_segmenter.py              # write data/models/segmenter.json
    python scripts/train_segmenter.py --evaluate   # leave-one-post-out figures, writes nothing

``data/segment/blocks.jsonl`` holds one labelled block per line, posts in reading order (the
three real sample posts and synthetic variants in other layouts, see data/segment/README.md;
scripts/segment_synth.py renders the synthetic ones, each also as a PDF print). The renderings
of one post share that post's weight in training and leave the evaluation together.
The same file always gives the same model bytes.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tractor.segment.blocks import Block  # noqa: E402
from tractor.segment.classifier import (  # noqa: E402
    LABELS, MODEL_PATH, SegmenterModel, decode, fit)

BLOCKS_PATH = ROOT / "data" / "segment" / "blocks.jsonl"
# Chosen by leave-one-post-out on the real posts (see --evaluate): regularisation, how far the
# class prior is divided out of the classifier's posteriors, and the cost of a prompt that ends
# anywhere but at a "Thought for" marker in posts that have such markers (prior_weight 0.75 since
# the PDF-print renderings were added: 0.5 and 1.0 both gave more errors on the real posts).
SETTINGS = {"c": 1.0, "prior_weight": 0.75, "switch_cost": -0.5, "marker_cost": 20.0}
BLOCK_FIELDS = set(Block.__dataclass_fields__)


def load_posts(path: Path = BLOCKS_PATH) -> dict[str, tuple[list[Block], list[str]]]:
    """Labelled posts by id, blocks in reading order."""
    posts: dict[str, tuple[list[Block], list[str]]] = defaultdict(lambda: ([], []))
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        blocks, labels = posts[row["post"]]
        blocks.append(Block(**{key: row[key] for key in BLOCK_FIELDS}))
        labels.append(row["label"])
    return dict(posts)


def train(path: Path = BLOCKS_PATH) -> str:
    """The model JSON that the labelled blocks at ``path`` produce."""
    return fitted(load_posts(path)).to_json()


def fitted(posts: dict[str, tuple[list[Block], list[str]]]) -> SegmenterModel:
    """The model for ``posts``; the renderings of one source post share one post's weight."""
    renderings = Counter(map(source_post, posts))
    return fit(list(posts.values()), **SETTINGS,
               weights=[1 / renderings[source_post(name)] for name in posts])


def turn_count(labels: list[str], role: str) -> int:
    """Runs of ``role`` once annotations and summaries are set aside."""
    spoken = [label for label in labels if label in ("user", "assistant")]
    return sum(1 for i, label in enumerate(spoken) if label == role and
               (i == 0 or spoken[i - 1] != role))


def source_post(name: str) -> str:
    """The post a rendering was made from ("synth-x.print" -> "synth-x")."""
    return name.split(".")[0]


def evaluate(posts: dict[str, tuple[list[Block], list[str]]]) -> None:
    """Leave-one-post-out: train without a post (and without its other renderings, which share
    its sentences), decode it, compare with its labels."""
    totals: Counter = Counter()
    for held_out, (blocks, gold) in posts.items():
        model = fitted({name: post for name, post in posts.items()
                        if source_post(name) != source_post(held_out)})
        predicted = decode(blocks, model)
        right = sum(p == g for p, g in zip(predicted, gold))
        for p, g in zip(predicted, gold):
            totals[("tp" if p == g else "fn", g)] += 1
            if p != g:
                totals[("fp", p)] += 1
        counts = " ".join(f"{role[0]}={turn_count(predicted, role)}/{turn_count(gold, role)}"
                          for role in ("user", "assistant"))
        print(f"{held_out:28s} blocks {right:4d}/{len(gold):4d} = {right / len(gold):.3f}  "
              f"turns(pred/gold) {counts}")
    for label in LABELS:
        tp, fn, fp = totals[("tp", label)], totals[("fn", label)], totals[("fp", label)]
        print(f"{label:10s} precision {tp / max(1, tp + fp):.3f} recall {tp / max(1, tp + fn):.3f}"
              f" (n={tp + fn})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluate", action="store_true", help="leave-one-post-out figures")
    args = parser.parse_args()
    if args.evaluate:
        evaluate(load_posts())
        return
    MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
    MODEL_PATH.write_text(train(), encoding="utf-8")
    print(f"wrote {MODEL_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
