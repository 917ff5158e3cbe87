"""Claim kinds, registered by name: what a homework part's answer is and how tractor handles it.

A :class:`Kind` is one object holding everything the stages need to know about one kind of
answer: how a claim is read from a model's answer (``extract``), how it is judged against the
key (``check``), how the key's own answers are read for ``tractor check-key``
(``key_answers``), and which error labels its wrong claims earn (``labels``). The stages look a
kind up by the name the answer key gives (``kind = "big_o"``) and never test a kind's name.

This module is the registry only, at the ground of the import layers; the kinds themselves are
plug-ins: the generic ones in this package's modules (expression, vector, big_o, choice, code,
free_text), and any homework plug-in may register its own (HW9's tensor shapes, einsum calls,
feature maps). :func:`get` finds them on first use, as :mod:`tractor.homeworks` finds plug-ins.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Callable, Mapping

from ..errors import TractorError

if TYPE_CHECKING:
    from ..answer_key import AnswerKey, Part
    from ..records import Claim

# (text as written, normalized form or "" when it could not be read, tags such as "resource=time")
Extracted = tuple[str, str, list[str]]
# (text, normalized, tags, the verdict the key's own answer must get)
KeyAnswer = tuple[str, str, list[str], str]
# (label name, confidence, evidence; "" for the claim's own text)
KindLabel = tuple[str, float, str]


def _no_labels(claim: Claim, claims: list[Claim], key: AnswerKey | None) -> list[KindLabel]:
    return []


def _no_key_answers(part: Part) -> list[KeyAnswer]:
    return []


@dataclass(frozen=True)
class Kind:
    """One kind of answer. ``extract(text, part, pdf)`` reads the claims an answer states
    (``part`` is None for a part the key lacks); ``check(claim, part, key)`` returns an
    :class:`~tractor.verify.outcome.Outcome`, or is None when only a homework's reference check
    can judge the kind (code); ``math`` marks kinds read as notation, which a PDF print may
    damage, and ``code`` kinds whose checks run claimed code in the sandbox; ``blanks`` kinds
    name their template's blanks by letter in the key's reference, so a letter label inside
    their answer is a blank, not a part; a kind that does not ``states_value`` (free text)
    gives nothing checkable, so a question after it still stands. ``label_meanings`` defines the
    labels only this kind gives: name -> (definition for the card, one line for a report).
    ``detects(text)``
    says whether an answer states a claim of this kind: the kind of a part the key lacks is the
    detecting kind of lowest ``guess_rank`` among those its key uses."""

    name: str
    extract: Callable[[str, Part | None, bool], list[Extracted]]
    check: Callable | None = None
    key_answers: Callable[[Part], list[KeyAnswer]] = _no_key_answers
    labels: Callable[[Claim, list[Claim], AnswerKey | None], list[KindLabel]] = _no_labels
    math: bool = False
    code: bool = False
    blanks: bool = False
    states_value: bool = True
    detects: Callable[[str], bool] | None = None
    guess_rank: int = 100
    label_meanings: Mapping[str, tuple[str, str]] = field(default_factory=dict)


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Make ``kind`` available under its name; a second kind under a taken name is an error
    (two plug-ins disagreeing on what a name means must not be settled by import order)."""
    if kind.name in _KINDS and _KINDS[kind.name] is not kind:
        raise TractorError(f"claim kind {kind.name!r} is registered twice")
    _KINDS[kind.name] = kind
    return kind


@cache
def _discover() -> None:
    from .. import homeworks

    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    homeworks.discover()


def get(name: str) -> Kind:
    """The kind registered as ``name``; an unknown name is a :class:`TractorError` naming the known ones."""
    _discover()
    if name not in _KINDS:
        raise TractorError(f"unknown claim kind {name!r}; known: {', '.join(names())}")
    return _KINDS[name]


def names() -> list[str]:
    """Every registered kind, sorted."""
    _discover()
    return sorted(_KINDS)


def guess(text: str, allowed: set[str] | None = None) -> str:
    """The kind an answer to a part the key lacks states: the first detecting kind by
    ``guess_rank`` (among ``allowed``, the kinds its key uses, when given), else ``free_text``."""
    _discover()
    ranked = sorted((k for k in _KINDS.values() if k.detects and (allowed is None or k.name in allowed)),
                    key=lambda k: (k.guess_rank, k.name))
    return next((k.name for k in ranked if k.detects(text)), "free_text")
