"""The labels on real pipeline output (segment -> extract -> verify -> label) for the sample post
that runs fastest, checked against its gold file: every present label at its part, no absent one."""

import json
from pathlib import Path

from tractor.ingest import load_file
from tractor.label import definitions, label_transcript
from tractor.pipeline import extract_and_verify, to_transcript
from tractor.privacy import Pseudonymizer

REPO = Path(__file__).resolve().parents[2]


def test_sample_001_meets_its_gold():
    gold = json.loads((REPO / "data" / "gold" / "dev_001.json").read_text())
    path = next((REPO / "corpus").glob(f"{gold['stem']}*.txt"))
    transcript = to_transcript(load_file(path, path.name)[0], Pseudonymizer.from_environment())
    labels = label_transcript(transcript, extract_and_verify(transcript, True))
    found = {(lb.label, lb.part) for lb in labels}
    for name, part in gold["present"]:
        assert any(n == name and (not part or p == part) for n, p in found), (name, part, sorted(found))
    assert not {n for n, _ in found} & set(gold["absent"])
    assert {lb.label for lb in labels} <= set(definitions())
