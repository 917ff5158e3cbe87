"""Finding a post's identities and replacing them with pseudonyms.

Identities are collected once per post (:meth:`Pseudonymizer.for_post`), because a name found in
one place (the title block) must go wherever else the post writes it, first or last name alone
included; the resulting :class:`PostScrubber` then scrubs any string of that post (a message, a
summary, a sandbox's output). :meth:`Pseudonymizer.scrub` is the same for a string on its own.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, replace
from pathlib import Path

from . import names as found_names
from .keys import PrivacyConfig
from .names import Found
from .patterns import ALNUM_ID, EMAIL, LINK, LINK_REPLACEMENT, STUDENT_ID
from .roster import RosterIndex, looks_like_name, normalise_identity, reorder_last_first
from .vocabulary import PARTICLES, PostWords, not_name_words

PSEUDONYM_PREFIX = "student-"
# A name's word on its own is not the student's where it is cited: "Doe et al.", "Doe (2019)".
_CITED = r"(?!\s+et\s+al\b)(?!\s*,?\s*\(?\s*(?:19|20)\d\d\b)"
_LETTER_BEFORE, _LETTER_AFTER = r"(?<![^\W_])", r"(?![^\W_])"
# Every name found by its place starts with a capital, every ID has a digit, every e-mail an @
# and every link a slash: a string with none of them ("correct", "sqrt(d)") is skipped at once.
_MAY_HOLD = re.compile(r"[^\W\d_a-z]|[\d@/]")


@dataclass(frozen=True)
class Hit:
    """One identity in a string: where, what it is, and what replaces it."""

    start: int
    end: int
    text: str
    kind: str
    replacement: str


class Pseudonymizer:
    """Finds identities and replaces each with its pseudonym (links: removed)."""

    def __init__(self, config: PrivacyConfig, file_names: tuple[Found, ...] = ()):
        self._config = config
        self._roster = RosterIndex(config.roster_names, config.roster_ids)
        self._file_names = file_names

    @classmethod
    def from_environment(cls, roster_csv: Path | None = None) -> Pseudonymizer:
        return cls(PrivacyConfig.from_environment(roster_csv))

    def pseudonym(self, identity: str) -> str:
        """``student-`` + 10 hex digits of HMAC-SHA256(key, normalised identity): case, spacing,
        initials and name order do not change it."""
        digest = hmac.new(self._config.key, normalise_identity(identity).encode("utf-8"), hashlib.sha256)
        return PSEUDONYM_PREFIX + digest.hexdigest()[:10]

    def for_file(self, path: str) -> Pseudonymizer:
        """This scrubber, also knowing the names in a post's file name ("jane_doe_hw9.pdf")."""
        return Pseudonymizer(self._config, tuple(found_names.in_file_name(path)))

    @property
    def file_names(self) -> tuple[str, ...]:
        """The names :meth:`for_file` found in the post's file name (what a cache of scrubbed
        text must be keyed by, besides the post's bytes)."""
        return tuple(sorted(f.name for f in self._file_names))

    def for_post(self, text: str, extra: list[str] | tuple[str, ...] = ()) -> PostScrubber:
        """The identities of one post, found in ``text`` (the whole post in reading order, its
        title first) and ``extra`` (what the reader knew: PDF author, share links)."""
        return PostScrubber(self, text, extra, confirm_file_names=True)

    def find(self, text: str, extra: list[str] | tuple[str, ...] = ()) -> list[Hit]:
        """The identities :meth:`scrub` would replace, with their places and kinds."""
        return PostScrubber(self, text, extra).find(text)

    def find_identities(self, text: str, extra: list[str] | tuple[str, ...] = ()) -> list[str]:
        """The identity strings :meth:`scrub` would replace, as they appear, each once."""
        return PostScrubber(self, text, extra).find_identities(text)

    def scrub(self, text: str, extra: list[str] | tuple[str, ...] = ()) -> str:
        """``text``, taken as a whole post, with every identity replaced; unchanged if it has none.
        The file name's names count here without the post's confirmation (a path alone has none)."""
        return PostScrubber(self, text, extra).scrub(text)


class PostScrubber:
    """One post's identities, ready to be removed from any string of that post.

    ``scrub(text)`` is the function to call on anything derived from the post before it leaves
    the machine (messages, summaries, a sandbox's output about the post's code)."""

    def __init__(self, owner: Pseudonymizer, text: str, extra=(), confirm_file_names: bool = False):
        self._owner = owner
        words = PostWords(text)
        literals: dict[str, str] = {}  # value -> kind
        people: list[Found] = []
        for value in (e.strip() for e in extra):
            if len(value) < 2:
                continue
            if looks_like_name(value) and " " in reorder_last_first(value):
                people.append(Found(reorder_last_first(value), "reader identity"))
            else:
                literals[value] = "share link" if "://" in value or LINK.fullmatch(value) else "reader identity"
        if not _MAY_HOLD.search(text):  # nothing to find by shape or place: roster and reader only
            text = ""
        header = found_names.title_block(text)
        ids = [(m.start(1), m.end(1)) for m in STUDENT_ID.finditer(text)]
        ids += [(m.start(), m.end()) for m in ALNUM_ID.finditer(text)]
        for value in found_names.ids_in_title_block(header) + [text[a:b] for a, b in ids]:
            literals.setdefault(value, "student id")
        identifiers = ids + [(m.start(), m.end()) for m in EMAIL.finditer(text)]
        identifiers += [(m.start(), m.end()) for m in LINK.finditer(text)]
        identifiers += [(m.start(), m.end()) for value in literals for m in _literal(value).finditer(text)]
        people += found_names.in_title_block(header, words) + found_names.in_fields(text)
        people += found_names.in_latex(text) + found_names.beside_identifiers(text, identifiers, words)
        people += found_names.in_signature(text, words)
        people += [f for f in owner._file_names
                   if not confirm_file_names or found_names.name_in(f.name.split(), words)]
        people += [Found(text[a:b], "roster name") for a, b, kind in owner._roster.find(text)
                   if kind == "roster name"]
        self._literals = literals
        self._people = self._distinct(people)
        self._names = [(self._name_pattern(f.name), f) for f in self._people]
        self._singles = self._single_words(self._people, words)

    @staticmethod
    def _distinct(people: list[Found]) -> list[Found]:
        """One entry per person (the first place it was found names its kind)."""
        seen: dict[str, Found] = {}
        for person in people:
            seen.setdefault(normalise_identity(person.name), person)
        return list(seen.values())

    def names(self) -> list[Found]:
        """The people this post names as its author (for tests and the gate)."""
        return list(self._people)

    def find(self, text: str) -> list[Hit]:
        """Non-overlapping identities in ``text``; an earlier kind wins an overlap (a link
        holding an e-mail is one link), then the longer match."""
        pseudonym = self._owner.pseudonym
        candidates: list[tuple[int, Hit]] = []

        def add(priority: int, pattern: re.Pattern, kind: str, replacement, group: int = 0) -> None:
            for match in pattern.finditer(text):
                start, end = match.span(group)
                candidates.append((priority, Hit(start, end, match.group(group), kind, replacement(match.group(group)))))

        add(0, LINK, "share link", lambda _: LINK_REPLACEMENT)
        add(1, EMAIL, "email", pseudonym)
        add(2, STUDENT_ID, "student id", pseudonym, group=1)
        add(2, ALNUM_ID, "student id", pseudonym)
        for value, kind in self._literals.items():
            add(3, _literal(value), kind, (lambda _: LINK_REPLACEMENT) if kind == "share link" else (lambda _, v=value: pseudonym(v)))
        # The matched text itself is pseudonymised: normalisation ignores case, spacing,
        # initials and name order, so this is the roster entry's pseudonym.
        candidates += [(4, Hit(a, b, text[a:b], kind, pseudonym(text[a:b]))) for a, b, kind in self._owner._roster.find(text)]
        for pattern, person in self._names:
            add(5, pattern, person.kind, lambda _, n=person.name: pseudonym(n))
        if self._singles:
            pattern, owners = self._singles
            add(6, pattern, "", lambda word: word)
            candidates = [(p, replace(h, kind=owners[h.text].kind, replacement=pseudonym(owners[h.text].name)))
                          if p == 6 else (p, h) for p, h in candidates]
        candidates.sort(key=lambda c: (c[0], c[1].start - c[1].end, c[1].start))
        chosen: list[Hit] = []
        for _, hit in candidates:
            if hit.end > hit.start and all(hit.end <= h.start or hit.start >= h.end for h in chosen):
                chosen.append(hit)
        return sorted(chosen, key=lambda h: h.start)

    def find_identities(self, text: str) -> list[str]:
        """The identity strings :meth:`scrub` would replace, as they appear, each once."""
        return list(dict.fromkeys(hit.text for hit in self.find(text)))

    def scrub(self, text: str) -> str:
        """``text`` with every identity of this post replaced; unchanged if it holds none."""
        pieces, last = [], 0
        for hit in self.find(text):
            pieces += [text[last:hit.start], hit.replacement]
            last = hit.end
        return "".join(pieces) + text[last:]

    @staticmethod
    def _name_pattern(name: str) -> re.Pattern:
        """A name in full, any case: "Jane Doe", "Doe, Jane", "Jane Q. Doe", "jane_doe", "DoeJane"."""
        words = name.split()
        real = [w for w in words if not re.fullmatch(r"\w\.?", w)]
        gap = r"(?:[\s_.\-]*(?:[^\W\d_]\.\s*)?)"
        forms = {gap.join(map(re.escape, form)) for form in (words, real) if len(form) >= 2}
        forms |= {rf"{re.escape(real[-1])},\s*" + r"\s+".join(map(re.escape, real[:-1]))} if len(real) >= 2 else set()
        forms |= {gap.join(map(re.escape, [real[-1], *real[:-1]]))} if len(real) >= 2 else set()
        return re.compile(rf"{_LETTER_BEFORE}(?:{'|'.join(sorted(forms, key=len, reverse=True))}){_LETTER_AFTER}",
                          re.IGNORECASE)

    @staticmethod
    def _single_words(people: list[Found], words: PostWords) -> tuple[re.Pattern, dict[str, Found]] | None:
        """Each name's words alone, as a name is written (Jane, JANE): not particles or initials,
        nothing that is never a name, nor a word the post writes in lower case ("Will")."""
        owners: dict[str, Found] = {}
        never = not_name_words()
        for person in people:
            for word in person.name.split():
                if (len(word) >= 2 and word.lower() not in PARTICLES and not re.fullmatch(r"\w\.", word)
                        and word.lower() not in never and not words.is_word(word)):
                    for form in {word.capitalize(), word.upper()} | ({word} if word[0].isupper() else set()):
                        owners.setdefault(form, person)
        if not owners:
            return None
        alternatives = "|".join(map(re.escape, sorted(owners, key=len, reverse=True)))
        return re.compile(rf"{_LETTER_BEFORE}(?:{alternatives}){_LETTER_AFTER}{_CITED}"), owners


def _literal(value: str) -> re.Pattern:
    left = r"(?<!\w)" if value[0].isalnum() else ""
    right = r"(?!\w)" if value[-1].isalnum() else ""
    return re.compile(left + re.escape(value) + right, re.IGNORECASE)
