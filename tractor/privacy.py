"""Student identities never reach the dataset: they are replaced by stable pseudonyms.

A pseudonym is ``student-`` plus the first 10 hex digits of HMAC-SHA256(key, identity), so the
same student gets the same pseudonym in every file and every run with the same key (their
posts can still be grouped), while nobody without the key can test a guessed name against the
dataset, as they could against a plain hash. The key comes from the environment or a private
key file created on first use; it never appears in any output.

What counts as an identity: e-mail addresses; student IDs (8-10 digits after "SID", "student
id", "ID:"); share and conversation links (they lead to the student's account or post);
names from the course roster; names in a post's byline or signature ("Name: Jane Doe",
"Submitted by ...", "— Jane Doe"); and whatever the reader knew to be identity-bearing
(``Document.identities``: PDF author, page URLs). Links become ``[link removed]`` (a link is
useless without its target and a pseudonymous link would look followable); everything else
becomes the pseudonym, so sentences still read ("Name: student-3f2a...").

Names of paper authors ("Vaswani et al."), and of instructors in pasted course text, are not
student identities and are kept: only the roster, bylines and reader-supplied identities name
people, never a capitalised word on its own. There is no NER model (``spacy.blank("en")``
only), so bylines are found with spaCy ``Matcher`` patterns over title-cased tokens.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from tractor.errors import TractorError

KEY_ENV = "TRACTOR_PSEUDONYM_KEY"
KEY_FILE_ENV = "TRACTOR_PSEUDONYM_KEY_FILE"
DEFAULT_KEY_FILE = Path("~/.config/tractor/pseudonym.key")
LINK_REPLACEMENT = "[link removed]"
PSEUDONYM_PREFIX = "student-"

_URL_CHARS = r"[^\s)\]>\"'<`]"
_URL_END = r"[^\s)\]>\"'<`.,;:!?]"
# The leading lookahead names every first letter a link can have (http, www and the hosts): it
# changes no match, and spares trying every host at every position of a long text.
_LINK = re.compile(
    r"(?=[hwcgpe])(?:https?://)?(?:www\.)?(?:chatgpt\.com/(?:share|c|g)/|chat\.openai\.com/|claude\.ai/(?:chat|share)/"
    r"|gemini\.google\.com/(?:share|app)/|g\.co/gemini/share/|grok\.com/(?:share|c|chat)/|poe\.com/s/"
    r"|perplexity\.ai/(?:search|page)/|chat\.deepseek\.com/|edstem\.org/\S*?/discussion/)"
    rf"(?:{_URL_CHARS}*{_URL_END})?"
    rf"|https?://{_URL_CHARS}*?/share/(?:{_URL_CHARS}*{_URL_END})?",
    re.IGNORECASE,
)
# Not followed by "(" or a word character: "Q@K.transpose(" and "x@W.T" are matrix products.
_EMAIL = re.compile(
    r"(?<![\w.+%-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}(?![\w(@])"
)
_STUDENT_ID = re.compile(
    r"(?i:\b(?:sid|student\s*(?:id|number|no\.?|\#))\b\s*(?:[:#=]|is)?\s*|\bid\s*[:#]\s*)(\d{8,10})(?!\d)"
)
# Lines worth running the byline matcher on (all others cannot hold a byline).
_BYLINE_HINT = re.compile(
    r"^[\s>#*_]*(?:(?:student\s+|your\s+)?name|student|author|by)\b"
    r"|\b(?:submitted|written)\s+by\b|^[\s>]*(?:—|–|--|~)",
    re.IGNORECASE | re.MULTILINE,
)
# Roster matching: words (an e-mail or ID is one word) and what may separate a name's words.
_ROSTER_WORD = re.compile(r"[^\W_]+(?:['’.@+\-][^\W_]+)*|,")
_ROSTER_GAP = re.compile(r"[\s.]*")
_LEADING_MARKUP = re.compile(r"[\s>#*_]*")
_BYLINE_TAIL = re.compile(r"\s*(?:$|[,(|·•\-–—])")
# Byline label words, and words that are never part of a student's name in a byline (titles,
# roles, and what else a title-cased heading starts with).
_LABEL_WORDS = ["name", "student", "your", "author", "by", "submitted", "written"]
_NOT_NAMES = _LABEL_WORDS + ["prof", "professor", "dr", "instructor", "teacher", "ta", "gsi", "staff",
                             "course", "homework", "problem", "question", "part", "chatgpt", "gemini",
                             "claude", "grok"]
# Roster CSV columns, by header with case, spaces and punctuation removed.
_ROSTER_COLUMNS = {
    "name": {"name", "fullname", "studentname", "student", "displayname"},
    "first": {"first", "firstname", "givenname", "given", "preferredname"},
    "last": {"last", "lastname", "surname", "familyname", "family"},
    "email": {"email", "emailaddress", "mail", "sisloginid", "login"},
    "sid": {"sid", "studentid", "id", "studentnumber", "sisuserid", "sisid"},
}


@dataclass(frozen=True)
class PrivacyConfig:
    """The secret and the roster; ``roster_ids`` are the roster's e-mails and student IDs."""

    key: bytes = field(repr=False)
    roster_names: tuple[str, ...] = ()
    roster_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.key:
            raise TractorError("pseudonym key is empty")

    @classmethod
    def from_environment(cls, roster_csv: Path | None = None) -> PrivacyConfig:
        names, ids = read_roster(roster_csv) if roster_csv else ((), ())
        return cls(load_key(), names, ids)


def load_key() -> bytes:
    """``$TRACTOR_PSEUDONYM_KEY``, else the key file (``$TRACTOR_PSEUDONYM_KEY_FILE`` or
    ``~/.config/tractor/pseudonym.key``), created with 32 random bytes, mode 0600, on first use."""
    if value := os.environ.get(KEY_ENV):
        return value.encode("utf-8")
    path = Path(os.environ.get(KEY_FILE_ENV) or DEFAULT_KEY_FILE).expanduser()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError as exc:
        raise TractorError(f"cannot create pseudonym key file {path}: {exc}") from exc
    else:
        with os.fdopen(descriptor, "wb") as out:
            out.write(secrets.token_bytes(32))
    try:
        key = path.read_bytes()
    except OSError as exc:
        raise TractorError(f"cannot read pseudonym key file {path}: {exc}") from exc
    if not key:
        raise TractorError(f"pseudonym key file {path} is empty")
    return key


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
            names.append(_reorder_last_first(name))
        ids.extend(v for v in (cell["email"], cell["sid"]) if v)
    return tuple(dict.fromkeys(names)), tuple(dict.fromkeys(ids))


class Pseudonymizer:
    """Finds identities in text and replaces each with its pseudonym (links: removed)."""

    def __init__(self, config: PrivacyConfig):
        self._config = config
        self._roster = _RosterIndex(config.roster_names, config.roster_ids)

    @classmethod
    def from_environment(cls, roster_csv: Path | None = None) -> Pseudonymizer:
        return cls(PrivacyConfig.from_environment(roster_csv))

    def pseudonym(self, identity: str) -> str:
        """``student-`` + 10 hex digits of HMAC-SHA256(key, normalised identity): case, spacing
        and "Last, First" order do not change it."""
        digest = hmac.new(self._config.key, _normalise_identity(identity).encode("utf-8"), hashlib.sha256)
        return PSEUDONYM_PREFIX + digest.hexdigest()[:10]

    def find_identities(self, text: str, extra: list[str] | tuple[str, ...] = ()) -> list[str]:
        """The identity strings :meth:`scrub` would replace, as they appear, each once."""
        return list(dict.fromkeys(text[start:end] for start, end, _ in self._spans(text, extra)))

    def scrub(self, text: str, extra: list[str] | tuple[str, ...] = ()) -> str:
        """``text`` with every identity replaced; text without identities comes back unchanged."""
        pieces, last = [], 0
        for start, end, replacement in self._spans(text, extra):
            pieces += [text[last:start], replacement]
            last = end
        return "".join(pieces) + text[last:]

    def _spans(self, text: str, extra) -> list[tuple[int, int, str]]:
        """Non-overlapping ``(start, end, replacement)``; an earlier kind of identity wins an
        overlap (a link holding an e-mail is one link), then the longer match."""
        candidates: list[tuple[int, int, int, str]] = []

        def add(priority: int, pattern: re.Pattern, replacement, group: int = 0) -> None:
            for match in pattern.finditer(text):
                found = match.group(group)
                candidates.append((priority, match.start(group), match.end(group), replacement(found)))

        add(0, _LINK, lambda _: LINK_REPLACEMENT)
        add(1, _EMAIL, self.pseudonym)
        add(2, _STUDENT_ID, self.pseudonym, group=1)
        for identity in (e.strip() for e in extra):
            if len(identity) >= 2:
                is_link = "://" in identity or _LINK.fullmatch(identity)
                add(3, _name_pattern(identity) if _looks_like_name(identity) else _literal_pattern(identity),
                    (lambda _: LINK_REPLACEMENT) if is_link else (lambda _, i=identity: self.pseudonym(i)))
        # The matched text itself is pseudonymised: normalisation ignores case, spacing,
        # initials and "Last, First" order, so this is the roster entry's pseudonym.
        candidates += [(4, start, end, self.pseudonym(text[start:end]))
                       for start, end in self._roster.find(text)]
        for name in _byline_names(text):
            add(5, _name_pattern(name), lambda _, n=name: self.pseudonym(n))
        candidates.sort(key=lambda c: (c[0], c[1] - c[2], c[1]))
        chosen: list[tuple[int, int, str]] = []
        for _, start, end, replacement in candidates:
            if end > start and all(end <= s or start >= e for s, e, _ in chosen):
                chosen.append((start, end, replacement))
        return sorted(chosen)


class _RosterIndex:
    """Every roster name ("First Last" or "Last, First") and ID found in one pass over the
    text's words, however long the roster: one regex per student would rescan the text
    hundreds of times. Words are compared case-folded and must be whole words."""

    def __init__(self, names: tuple[str, ...], ids: tuple[str, ...]):
        self._forms: dict[str, set[tuple[str, ...]]] = {}
        for name in names:
            words = [w.casefold() for w in _ROSTER_WORD.findall(_reorder_last_first(name))]
            for form in {tuple(words), tuple(w for w in words if len(w) > 1)}:
                self._add(form)
                if len(form) >= 2:
                    self._add((form[-1], ",", *form[:-1]))
        for value in ids:
            self._add(tuple(w.casefold() for w in _ROSTER_WORD.findall(value)))

    def _add(self, form: tuple[str, ...]) -> None:
        if form:
            self._forms.setdefault(form[0], set()).add(form)

    def find(self, text: str) -> list[tuple[int, int]]:
        words = list(_ROSTER_WORD.finditer(text)) if self._forms else []
        found = []
        for i, word in enumerate(words):
            for form in self._forms.get(word.group().casefold(), ()):
                window = words[i:i + len(form)]
                gaps = (text[a.end():b.start()] for a, b in zip(window, window[1:]))
                if (len(window) == len(form)
                        and all(w.group().casefold() == f for w, f in zip(window, form))
                        and all(_ROSTER_GAP.fullmatch(gap) for gap in gaps)):
                    found.append((word.start(), window[-1].end()))
        return found


def _byline_names(text: str) -> list[str]:
    """Names that a byline or signature line gives as the post's author."""
    hints = list(_BYLINE_HINT.finditer(text))
    if not hints:
        return []  # spares loading spaCy for the many posts without a byline
    nlp, matcher = _byline_matcher()
    names = []
    for hint in hints:
        line_start = text.rfind("\n", 0, hint.start()) + 1
        line_end = text.find("\n", hint.start())
        line = text[line_start:len(text) if line_end < 0 else line_end]
        line = line[_LEADING_MARKUP.match(line).end():]
        doc = nlp.make_doc(line)  # tokens only: the matcher needs no sentence boundaries
        for match_id, start, end in matcher(doc):
            kind = nlp.vocab.strings[match_id]
            span = doc[start:end]
            label_end = max(i for i, t in enumerate(span) if t.is_punct or t.lower_ in _LABEL_WORDS)
            name = span[label_end + 1:]
            at_line_start = doc[start].idx == 0
            if kind == "AUTHORED":
                ok = True
            elif kind == "LABEL":
                ok = at_line_start
            else:  # "By Jane Doe", "— Jane Doe": the name must be the whole line's point
                ok = at_line_start and _BYLINE_TAIL.match(line, name.end_char) is not None
            if ok and len(name) >= 2:
                names.append(name.text)
    return list(dict.fromkeys(names))


@cache
def _byline_matcher():
    from spacy.matcher import Matcher

    from .segment.english import english

    nlp = english()
    matcher = Matcher(nlp.vocab)
    word = {"IS_TITLE": True, "IS_ALPHA": True, "IS_STOP": False, "LOWER": {"NOT_IN": _NOT_NAMES}}
    initial = {"TEXT": {"REGEX": r"^[A-Z]\.?$"}, "OP": "?"}
    name = [word, initial, word, {**word, "OP": "?"}]
    punctuation = {"IS_PUNCT": True, "OP": "*"}
    colon = [punctuation, {"IS_PUNCT": True, "TEXT": {"REGEX": ":"}}, punctuation]
    labels = [["name"], ["student"], ["student", "name"], ["your", "name"], ["author"]]
    matcher.add("LABEL", [[{"LOWER": w} for w in label] + colon + name for label in labels],
                greedy="LONGEST")
    matcher.add("AUTHORED", [[{"LOWER": {"IN": ["submitted", "written"]}}, {"LOWER": "by"}]
                             + [punctuation] + name], greedy="LONGEST")
    matcher.add("SIGNED", [[{"LOWER": "by"}] + name,
                           [{"ORTH": {"IN": ["—", "–", "--", "~"]}}] + name], greedy="LONGEST")
    return nlp, matcher


def _name_pattern(name: str) -> re.Pattern:
    """A person's name as written "First Last" or "Last, First", any case, word-bounded."""
    words = _reorder_last_first(name).split()
    without_initials = [w for w in words if not re.fullmatch(r"\w\.?", w)]
    forms = []
    for form in (words, without_initials) if len(without_initials) >= 2 else (words,):
        forms.append(r"\s+".join(map(re.escape, form)))
        if len(form) >= 2:
            forms.append(rf"{re.escape(form[-1])},\s*" + r"\s+".join(map(re.escape, form[:-1])))
    return re.compile(rf"(?<!\w)(?:{'|'.join(forms)})(?!\w)", re.IGNORECASE)


def _literal_pattern(value: str) -> re.Pattern:
    left = r"(?<!\w)" if value[0].isalnum() else ""
    right = r"(?!\w)" if value[-1].isalnum() else ""
    return re.compile(left + re.escape(value) + right, re.IGNORECASE)


_NAME_LIKE = re.compile(r"[^\W\d_]+(?:[\s'’.\-]+[^\W\d_]+)*(?:,\s*[^\W\d_]+(?:\s+[^\W\d_]+)*)?")


def _looks_like_name(value: str) -> bool:
    """Letters, spaces, apostrophes, dots and hyphens, at most one comma: a name, not an ID."""
    return bool(_NAME_LIKE.fullmatch(value))


def _reorder_last_first(name: str) -> str:
    """ "Doe, Jane" -> "Jane Doe"; anything else unchanged."""
    name = " ".join(name.split())
    if name.count(",") == 1 and _looks_like_name(name):
        last, first = (part.strip() for part in name.split(","))
        return f"{first} {last}"
    return name


def _normalise_identity(identity: str) -> str:
    """What the pseudonym is computed from: "Doe, Jane", "JANE DOE" and "Jane Q. Doe" are one
    person."""
    identity = _reorder_last_first(unicodedata.normalize("NFKC", identity)).casefold()
    if _looks_like_name(identity):
        identity = " ".join(w for w in identity.split() if not re.fullmatch(r"\w\.?", w))
    return identity


def _header(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())
