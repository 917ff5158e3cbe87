"""The course roster: the strongest source of identities, since it names every student whatever
the layout of their post. Also the name normalisation every pseudonym is computed from."""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

from tractor.errors import TractorError

# Roster matching: words (an e-mail or ID is one word) and what may separate a name's words.
_ROSTER_WORD = re.compile(r"[^\W_]+(?:['’.@+\-][^\W_]+)*|,")
_ROSTER_GAP = re.compile(r"[\s.]*")
# Roster CSV columns, by header with case, spaces and punctuation removed.
_ROSTER_COLUMNS = {
    "name": {"name", "fullname", "studentname", "student", "displayname"},
    "first": {"first", "firstname", "givenname", "given", "preferredname"},
    "last": {"last", "lastname", "surname", "familyname", "family"},
    "email": {"email", "emailaddress", "mail", "sisloginid", "login"},
    "sid": {"sid", "studentid", "id", "studentnumber", "sisuserid", "sisid"},
}
_NAME_LIKE = re.compile(r"[^\W\d_]+(?:[\s'’.\-]+[^\W\d_]+)*(?:,\s*[^\W\d_]+(?:\s+[^\W\d_]+)*)?")


def read_roster(path: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(full names, e-mails and IDs)`` from a roster CSV with columns like name / first /
    last / email / sid, in any case and order."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = {role: next((h for h in reader.fieldnames or () if _header(h) in headers), None)
                       for role, headers in _ROSTER_COLUMNS.items()}
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise TractorError(f"roster {path}: {exc}") from exc
    if not columns["name"] and not (columns["first"] and columns["last"]):
        raise TractorError(f"roster {path}: no name column (or first and last name columns)")
    names, ids = [], []
    for row in rows:
        cell = {role: (row.get(column) or "").strip() if column else "" for role, column in columns.items()}
        name = cell["name"] or f"{cell['first']} {cell['last']}".strip()
        if name:
            names.append(reorder_last_first(name))
        ids.extend(v for v in (cell["email"], cell["sid"]) if v)
    return tuple(dict.fromkeys(names)), tuple(dict.fromkeys(ids))


class RosterIndex:
    """Every roster name ("First Last" or "Last, First") and ID found in one pass over the
    text's words, however long the roster: one regex per student would rescan the text
    hundreds of times. Words are compared case-folded and must be whole words."""

    def __init__(self, names: tuple[str, ...], ids: tuple[str, ...]):
        self._forms: dict[str, dict[tuple[str, ...], str]] = {}
        for name in names:
            words = [w.casefold() for w in _ROSTER_WORD.findall(reorder_last_first(name))]
            for form in {tuple(words), tuple(w for w in words if len(w) > 1)}:
                self._add(form, "roster name")
                if len(form) >= 2:
                    self._add((form[-1], ",", *form[:-1]), "roster name")
        for value in ids:
            self._add(tuple(w.casefold() for w in _ROSTER_WORD.findall(value)), "roster id")

    def _add(self, form: tuple[str, ...], kind: str) -> None:
        if form:
            self._forms.setdefault(form[0], {})[form] = kind

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, kind)`` of every roster entry in ``text``."""
        words = list(_ROSTER_WORD.finditer(text)) if self._forms else []
        found = []
        for i, word in enumerate(words):
            for form, kind in self._forms.get(word.group().casefold(), {}).items():
                window = words[i:i + len(form)]
                gaps = (text[a.end():b.start()] for a, b in zip(window, window[1:]))
                if (len(window) == len(form)
                        and all(w.group().casefold() == f for w, f in zip(window, form))
                        and all(_ROSTER_GAP.fullmatch(gap) for gap in gaps)):
                    found.append((word.start(), window[-1].end(), kind))
        return found


def looks_like_name(value: str) -> bool:
    """Letters, spaces, apostrophes, dots and hyphens, at most one comma: a name, not an ID."""
    return bool(_NAME_LIKE.fullmatch(value))


def reorder_last_first(name: str) -> str:
    """ "Doe, Jane" -> "Jane Doe"; anything else unchanged."""
    name = " ".join(name.split())
    if name.count(",") == 1 and looks_like_name(name):
        last, first = (part.strip() for part in name.split(","))
        return f"{first} {last}"
    return name


def normalise_identity(identity: str) -> str:
    """What the pseudonym is computed from: "Doe, Jane", "JANE DOE", "Jane Q. Doe" and "Doe
    Jane" (a file name's order) are one person: a name's words, initials left out, sorted."""
    identity = reorder_last_first(unicodedata.normalize("NFKC", identity)).casefold()
    if looks_like_name(identity):
        identity = " ".join(sorted(w for w in identity.split() if not re.fullmatch(r"\w\.?", w)))
    return identity


def _header(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())
