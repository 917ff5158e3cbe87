"""The model names ``data/models.toml`` knows, and where a text mentions one.

Shared by speaker-label discovery (:mod:`.labels`: "Le Chat:" is a model's label) and model
identification (:mod:`.model_id`), so neither reaches into the other.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tractor.errors import TractorError
from tractor.paths import REPO_ROOT, data_dir

_AFTER_MENTION = r"(?![\w]|\.\d|-\d{1,2}(?!\d)|[\s\-](?:mini|nano|preview|lite)\b)"


@dataclass(frozen=True)
class ModelAlias:
    name: str
    family: str
    patterns: tuple[re.Pattern, ...]
    makers: tuple[str, ...]


@dataclass(frozen=True)
class Artefact:
    what: str
    pattern: re.Pattern
    families: frozenset[str]


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    alias: ModelAlias


def models_file() -> Path:
    """The course's own table when its data folder has one, else the bundled table."""
    own = data_dir() / "models.toml"
    return own if own.is_file() else REPO_ROOT / "data" / "models.toml"


@cache
def _load(path: Path) -> tuple[tuple[ModelAlias, ...], tuple[Artefact, ...]]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        aliases = tuple(
            ModelAlias(
                m["name"], m["family"],
                tuple(re.compile(rf"(?<![\w]){p}{_AFTER_MENTION}", re.IGNORECASE) for p in m["patterns"]),
                tuple(m.get("makers", ())),
            )
            for m in raw.get("model", ())
        )
        artefacts = tuple(
            Artefact(a["what"], re.compile(a["pattern"], re.MULTILINE), frozenset(a["families"]))
            for a in raw.get("artefact", ())
        )
    except (OSError, KeyError, TypeError, re.error, tomllib.TOMLDecodeError) as exc:
        raise TractorError(f"model table {path}: {exc}") from exc
    families = {a.family for a in aliases}
    generic = {a.name for a in aliases if a.name == a.family}
    if families - generic:
        missing = sorted(families - generic)
        raise TractorError(f"model table {path}: families without a generic entry: {missing}")
    return aliases, artefacts


def _aliases() -> tuple[ModelAlias, ...]:
    return _load(models_file())[0]


def _artefacts() -> tuple[Artefact, ...]:
    return _load(models_file())[1]


def find_mentions(text: str) -> list[Mention]:
    """Model mentions in ``text``, in order; where mentions overlap the longest (then the
    earlier table row, i.e. the more specific one) wins."""
    aliases = _aliases()
    found = [
        (match.start(), match.end(), rank, alias)
        for rank, alias in enumerate(aliases)
        for pattern in alias.patterns
        for match in pattern.finditer(text)
    ]
    found.sort(key=lambda m: (m[0] - m[1], m[2], m[0]))
    chosen: list[Mention] = []
    for start, end, _, alias in found:
        if all(end <= c.start or start >= c.end for c in chosen):
            chosen.append(Mention(start, end, alias))
    return sorted(chosen, key=lambda m: m.start)


def canonical_name(text: str, whole: bool = False) -> str | None:
    """The canonical name of the first model mentioned in ``text`` (with ``whole``: only when
    the mention is all of the stripped text, as in a speaker label or a title segment)."""
    text = text.strip()
    mentions = find_mentions(text)
    if not mentions or (whole and (mentions[0].start, mentions[0].end) != (0, len(text))):
        return None
    return mentions[0].alias.name
