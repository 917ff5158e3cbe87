"""From segmented spans to claims: each part's text read by its kind's extractor.

The kind is the one the answer key gives the part (a part the key lacks gets the kind its text
states, :func:`tractor.kinds.guess`); the kind's ``extract`` returns what the answer claims, and
this module numbers the attempts and turns each claim into a :class:`~tractor.records.Claim`
with its tags.
"""

from __future__ import annotations

import re
from itertools import groupby

from .. import kinds
from ..answer_key import AnswerKey
from ..records import Claim, Transcript
from .parts import PartSpan, segment_parts

def extract_claims(transcript: Transcript, key: AnswerKey | None) -> list[Claim]:
    """Every claim of every attempt; attempts count only messages that state an answer of the
    part's kind (a refusal that discusses 2(a) without an output vector is not attempt 1)."""
    spans = segment_parts(transcript, key)
    claims: list[Claim] = []
    attempts: dict[str, int] = {}
    ordered = sorted(spans, key=lambda s: (s.message_index, s.part, s.start))
    for (index, part_id), group in groupby(ordered, key=lambda s: (s.message_index, s.part)):
        group = list(group)
        found = _claims_for(group, transcript, key)
        if not found:
            continue
        attempts[part_id] = attempts.get(part_id, 0) + 1
        for claim in found:
            claim.attempt = attempts[part_id]
        claims.extend(found)
    return sorted(claims, key=lambda c: (c.message_index, c.part, c.attempt))


def _claims_for(group: list[PartSpan], transcript: Transcript, key: AnswerKey | None) -> list[Claim]:
    first = group[0]
    text = "\n\n".join(s.text for s in sorted(group, key=lambda s: s.start))
    part = key.part(first.part) if key else None
    kind = kinds.get(part.kind if part else kinds.guess(text, {p.kind for p in key.parts} if key else None))
    pdf = transcript.format == "pdf"
    out = []
    for raw, normalized, tags in kind.extract(text, part, pdf):
        if pdf and kind.math:
            tags = tags + ["pdf-math"]
        elif pdf and kind.code:
            tags = tags + ["pdf-code"]
        if not first.in_homework:
            tags = tags + ["not-in-homework"]
        out.append(Claim(
            transcript_id=transcript.transcript_id, part=first.part, in_homework=first.in_homework,
            attempt=0, message_index=first.message_index, kind=kind.name, claim=raw, normalized=normalized,
            reference=part.reference if part else "", tags=tags,
        ))
    return out


def format_claims_table(claims: list[Claim]) -> str:
    """A plain-text table of one transcript's parts, attempts and claims (``tractor claims``)."""
    header = ("part", "in_hw", "att", "msg", "kind", "claim", "normalized", "verdict", "tags")
    rows = [header] + [
        (c.part, "yes" if c.in_homework else "NO", str(c.attempt), str(c.message_index), c.kind,
         _cell(c.claim, 48), _cell(c.normalized, 40), c.verdict, _cell("; ".join(c.tags), 40))
        for c in claims
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(text: str, width: int) -> str:
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= width else flat[: width - 1] + "…"
