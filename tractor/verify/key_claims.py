"""The answer key's own answers, normalized as the extractor would, for ``check-key``.

Reference and accepted answers must come out ``correct`` and known-wrong ones ``incorrect``;
a key whose answers fail their own checks means the key or a check is wrong. Each function
here is one kind's ``key_answers`` (:mod:`tractor.kinds`): ``part -> [(text, normalized,
tags, expected verdict)]``.
"""

from __future__ import annotations

import json
from typing import Callable

from ..answer_key import Part

Answer = tuple[str, str, list[str], str]  # (text, normalized, tags, expected verdict)


def graded(part: Part, normalize: Callable[[str], tuple[str, list[str]]]) -> list[Answer]:
    """Reference and accepted answers expected ``correct``, known-wrong ones ``incorrect``,
    each read by ``normalize(text) -> (normalized, tags)``."""
    good = [(t, *normalize(t), "correct") for t in (part.reference, *part.accepted)]
    bad = [(t, *normalize(t), "incorrect") for t in part.known_wrong]
    return good + bad


def latex_answers(part: Part) -> list[Answer]:
    from ..notation.latex import to_normalized

    def normalize(text):
        normalized, reason = to_normalized(text)
        return normalized, [f"unparsed: {reason}"] if reason else []

    return graded(part, normalize)


def bound_answers(part: Part) -> list[Answer]:
    """A part with one bound per resource (``time``, ``space``) has those as its answers."""
    from ..notation.expressions import load_plain

    bounds = [(part.extra[f], [f"resource={r}"]) for f, r in (("time", "time"), ("space", "memory")) if f in part.extra]
    if bounds:
        return [(text, str(load_plain(text)), tags, "correct") for text, tags in bounds]
    return graded(part, lambda t: (str(load_plain(t)), []))


def answers_as_written(part: Part) -> list[Answer]:
    return graded(part, lambda t: (t, []))


def patch_answers(part: Part) -> list[Answer]:
    """The key's full candidate edit set must run; each known-wrong patch must not."""
    def edits(codes):
        return json.dumps([{"type": "code", "text": c} for c in codes])

    good = [("\n\n".join(part.extra["candidate_edits"]), edits(part.extra["candidate_edits"]), [], "correct")]
    return good + [(w, edits([w]), [], "incorrect") for w in part.known_wrong]


def rubric_answers(part: Part) -> list[Answer]:
    return [(part.reference, part.reference, [], "correct")] if part.extra.get("rubric") else []
