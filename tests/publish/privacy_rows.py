"""Dataset rows as the build writes them after scrubbing (pseudonyms, removed links, paper
authors kept), and a helper to plant an identity in one cell, for the gate and publish tests."""

from __future__ import annotations

import copy

from tractor.dataset.card import CardFacts, render_card
from tractor.dataset.writer import write_dataset

TID = "0f1e2d3c4b5a6978"

CLEAN_ROWS = {
    "transcripts": [{
        "transcript_id": TID, "source": "posts/student-3f2a0b1c2d.txt", "format": "text",
        "model": "gemini-2.5-pro", "model_evidence": "Name: student-3f2a0b1c2d used Gemini 2.5 Pro",
        "homework": "hw09", "homework_evidence": "scaled dot product attention",
        "messages": [
            {"role": "user", "content": "Solve 1(c). Shared from [link removed]."},
            {"role": "assistant", "content": "s = \\sqrt{d}, as in Vaswani et al. (2017), Attention Is All You Need."},
        ],
        "annotations": [{"text": "Fully correct. — student-3f2a0b1c2d", "after_message": 1}],
        "summary": "Gemini got 1(c) right on the first try.", "partial": False, "duplicate_of": "",
    }],
    "claims": [{"transcript_id": TID, "part": "1c", "in_homework": True, "attempt": 1, "message_index": 1,
                "kind": "expression", "claim": "s = \\sqrt{d}", "normalized": "sqrt(d)", "verdict": "correct",
                "detail": "", "reference": "\\sqrt{d}"}],
    "labels": [{"transcript_id": TID, "part": "", "label": "misattributed_citation", "message_index": 1,
                "evidence": "Vaswani et al. (2017)", "detector": "rule", "confidence": 0.4}],
    "errors": [{"source": "posts/broken.pdf", "stage": "pdf", "error": "encrypted PDF, password required"}],
}


def planted(config: str, column: str, value: str) -> dict:
    """CLEAN_ROWS with ``value`` appended to one cell; ``column`` may be ``messages[0].content``."""
    rows = copy.deepcopy(CLEAN_ROWS)
    row = rows[config][0]
    if "[" in column:
        name, rest = column.split("[", 1)
        index, key = rest.split("].")
        row[name][int(index)][key] += " " + value
    else:
        row[column] += " " + value
    return rows


def write(folder, rows) -> None:
    write_dataset(folder, rows, render_card(CardFacts(rows={k: len(v) for k, v in rows.items()},
                                                      key_versions={"hw09": "1"})))
