"""The answer key: what a homework asks, part by part, and what counts as its answer.

Every stage reads it (segmentation for phrasings, extraction for kinds and vocabularies, the
verifier for references), so it sits at the ground, apart from the plug-in registry in
:mod:`tractor.homeworks`. A key is data (``data/homeworks/<name>/key.toml``); this module is
its schema, its loader and the one grammar of part ids.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from .errors import TractorError

# The one part-id grammar. A canonical id is the question number, a letter and a roman numeral
# (``1c``, ``6b.ii``); the fragments below are how those pieces are written in posts ("(c)",
# "part c", "6(b)(ii)"), shared by every reader of part labels so all read the same range.
PART_LETTER = "a-h"  # letters of a question's parts ("i", "j" would be read as numerals, indices)
ROMANS = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii")  # sub-part numerals
ROMAN = "(?:" + "|".join(sorted(ROMANS, key=len, reverse=True)) + ")"  # longest first: "iii" is not "i" + "ii"
_PART_ID = re.compile(r"^(?P<q>\d+)(?P<letter>[a-z])?(?:\.(?P<roman>[ivx]+))?$")


@dataclass(frozen=True)
class Question:
    number: int
    title: str
    phrasings: tuple[str, ...] = ()
    coding: bool = False  # a coding question the transcripts skip
    no_reference: bool = False  # e.g. a question about the student's own process


@dataclass(frozen=True)
class Part:
    """One gradable part. ``extra`` keeps kind-specific fields (``time``, ``space``,
    ``substitutions``, ``kernel``, ``rubric``, ``target``) so new kinds need no schema change."""

    id: str
    asks: str
    kind: str
    reference: str
    accepted: tuple[str, ...] = ()
    known_wrong: tuple[str, ...] = ()
    disputed: bool = False
    notes: str = ""
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def question(self) -> int:
        return int(_PART_ID.match(self.id)["q"])


@dataclass(frozen=True)
class AnswerKey:
    homework: str
    title: str
    version: str
    questions: tuple[Question, ...]
    parts: tuple[Part, ...]
    folder: Path | None = field(default=None, compare=False)  # where key.toml lives: its templates sit beside it

    def part(self, part_id: str) -> Part | None:
        return next((p for p in self.parts if p.id == part_id), None)

    def question(self, number: int) -> Question | None:
        return next((q for q in self.questions if q.number == number), None)


def parse_part_id(part_id: str) -> tuple[int, str, str] | None:
    """``"6b.ii"`` -> ``(6, "b", "ii")``; None when the text is not a canonical part id."""
    m = _PART_ID.match(part_id)
    return (int(m["q"]), m["letter"] or "", m["roman"] or "") if m else None


def declares(symbols: frozenset[str], name: str, aliases: frozenset[str] = frozenset()) -> bool:
    """Whether a part's ``symbols`` (its vocabulary) and ``aliases`` declare ``name``: listed; a
    member of a listed index family (``mu_i`` declares ``mu_1``, ``mu_j``; an alias is one name,
    never a family); a norm of a listed vector (``norm_mu``, ``norm1_mu``); or declared names
    written together (``qk``, a bound's ``bnd``)."""
    if name in symbols or name in aliases:
        return True
    families = {s[:-2] for s in symbols if re.fullmatch(r"\w+_[a-z]", s)}
    m = re.fullmatch(r"(\w+)_[A-Za-z0-9]", name)
    if m and m[1] in families:
        return True
    m = re.fullmatch(r"norm\w*?_(\w+)", name)
    return bool(m and m[1] in symbols) or _glued(name, symbols | aliases)


def _glued(name: str, names: frozenset[str]) -> bool:
    return any(name[:i] in names and (name[i:] in names or _glued(name[i:], names)) for i in range(1, len(name)))


_PART_FIELDS = {"id", "asks", "kind", "reference", "accepted", "known_wrong", "disputed", "notes"}


def load_key(path) -> AnswerKey:
    """Read and validate a key file; a malformed key is a :class:`TractorError`, not a KeyError."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        parts = tuple(
            Part(
                id=p["id"], asks=p.get("asks", ""), kind=p["kind"], reference=p.get("reference", ""),
                accepted=tuple(p.get("accepted", ())), known_wrong=tuple(p.get("known_wrong", ())),
                disputed=bool(p.get("disputed", False)), notes=p.get("notes", ""),
                extra=MappingProxyType({k: v for k, v in p.items() if k not in _PART_FIELDS}),
            )
            for p in raw.get("part", ())
        )
        questions = tuple(
            Question(number=q["number"], title=q.get("title", ""), phrasings=tuple(q.get("phrasings", ())),
                     coding=bool(q.get("coding", False)), no_reference=bool(q.get("no_reference", False)))
            for q in raw.get("question", ())
        )
        key = AnswerKey(raw["homework"], raw.get("title", ""), str(raw["version"]), questions, parts, path.parent)
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError) as exc:
        raise TractorError(f"answer key {path}: {exc}") from exc
    bad = [p.id for p in parts if not _PART_ID.match(p.id)]
    if bad:
        raise TractorError(f"answer key {path}: part ids not of the form 1c / 6b.ii: {bad}")
    return key
