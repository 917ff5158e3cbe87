"""The answer key's own answers, normalized as the extractor would, for ``check-key``.

Reference and accepted answers must come out ``correct`` and known-wrong ones ``incorrect``;
a key whose answers fail their own checks means the key or a check is wrong.
"""

from __future__ import annotations

import json

from ..answer_key import AnswerKey, Part

Answer = tuple[str, str, str, str]  # (text, normalized, detail tags, expected verdict)


def key_answers(part: Part, key: AnswerKey) -> list[Answer]:
    maker = _MAKERS.get(part.kind)
    return maker(part) if maker else []


def _graded(part: Part, normalize) -> list[Answer]:
    good = [(t, *normalize(t), "correct") for t in (part.reference, *part.accepted)]
    bad = [(t, *normalize(t), "incorrect") for t in part.known_wrong]
    return good + bad


def _expression(part: Part) -> list[Answer]:
    from ..notation.latex import to_normalized

    def normalize(text):
        normalized, reason = to_normalized(text)
        return normalized, f"unparsed: {reason}" if reason else ""

    return _graded(part, normalize)


def _big_o(part: Part) -> list[Answer]:
    from ..notation.expressions import load_plain

    bounds = [(part.extra[f], f"resource={r}") for f, r in (("time", "time"), ("space", "memory")) if f in part.extra]
    if bounds:
        return [(text, str(load_plain(text)), tags, "correct") for text, tags in bounds]
    return _graded(part, lambda t: (str(load_plain(t)), ""))


def _choice(part: Part) -> list[Answer]:
    from ..homeworks.hw09.choices import canonical_choice

    return _graded(part, lambda t: (canonical_choice(t), ""))


def _as_is(part: Part) -> list[Answer]:
    return _graded(part, lambda t: (t, ""))


def _code_patch(part: Part) -> list[Answer]:
    """The key's full candidate edit set must run; each known-wrong patch must not."""
    def edits(codes):
        return json.dumps([{"type": "code", "text": c} for c in codes])

    good = [("\n\n".join(part.extra["candidate_edits"]), edits(part.extra["candidate_edits"]), "", "correct")]
    return good + [(w, edits([w]), "", "incorrect") for w in part.known_wrong]


def _feature_map(part: Part) -> list[Answer]:
    """Feature maps are checked in their family form, which the key states next to the text."""
    families = part.extra.get("reference_families")
    good = [(part.reference, families, "", "correct")] if families else []
    return good + [(f, f, "", "incorrect") for f in part.extra.get("known_wrong_families", ())]


def _free_text(part: Part) -> list[Answer]:
    return [(part.reference, part.reference, "", "correct")] if part.extra.get("rubric") else []


_MAKERS = {"expression": _expression, "big_o": _big_o, "choice": _choice, "vector": _as_is,
           "code_blanks": _as_is, "code_patch": _code_patch, "feature_map": _feature_map,
           "free_text": _free_text}
