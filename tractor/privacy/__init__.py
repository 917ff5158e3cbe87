"""Student identities never reach the dataset: they are replaced by stable pseudonyms.

A pseudonym is ``student-`` plus the first 10 hex digits of HMAC-SHA256(key, identity), so the
same student gets the same pseudonym in every file and every run with the same key (their
posts can still be grouped), while nobody without the key can test a guessed name against the
dataset, as they could against a plain hash. The key (:mod:`.keys`) comes from the environment
or a private key file created on first use; it never appears in any output.

What counts as an identity: e-mail addresses, student IDs and share links, by their shape
(:mod:`.patterns`); names from the course roster (:mod:`.roster`, the strongest source); names
found by where they stand in the post (:mod:`.names`: title block, fields, beside an e-mail or
ID, LaTeX ``\\author``, signature, file name); and whatever the reader knew to be
identity-bearing (``Document.identities``: PDF author, page URLs). A name once found is
replaced wherever the post writes it, its first or last name alone included (:mod:`.scrubber`).
Links become ``[link removed]``; everything else becomes the pseudonym, so sentences still read.

Cited authors ("Vaswani et al."), model names and the people of the homework's own text are
kept: a capitalised word is a name only where the layout says so. There is no NER model (the
README says why).
"""

from __future__ import annotations

from .keys import PrivacyConfig, load_key
from .names import Found
from .patterns import LINK_REPLACEMENT
from .roster import read_roster
from .scrubber import PSEUDONYM_PREFIX, Hit, PostScrubber, Pseudonymizer

__all__ = ["Found", "Hit", "LINK_REPLACEMENT", "PSEUDONYM_PREFIX", "PostScrubber", "PrivacyConfig", "Pseudonymizer",
           "load_key", "read_roster", "scrub_for_post"]


def scrub_for_post(text: str, post: str, identities: list[str] | tuple[str, ...] = (), source: str = "",
                   scrubber: Pseudonymizer | None = None) -> str:
    """``text`` (anything derived from a post and about to leave the machine, e.g. a sandbox's
    output) without the identities of ``post`` (the post's text, title first), of the reader's
    ``identities`` and of the file name ``source``. ``scrubber`` defaults to the environment's key
    without a roster; a build passes its own. To scrub many strings of one post, keep
    ``scrubber.for_file(source).for_post(post, identities)`` and call its ``scrub``."""
    scrubber = scrubber or Pseudonymizer.from_environment()
    if source:
        scrubber = scrubber.for_file(source)
    return scrubber.for_post(post, identities).scrub(text)
