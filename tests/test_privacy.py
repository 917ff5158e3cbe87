"""Pseudonymizer: student identities are replaced by stable keyed pseudonyms; nothing else changes."""

import re
import stat
from pathlib import Path

import pytest

from tractor.errors import TractorError
from tractor.privacy import LINK_REPLACEMENT, PrivacyConfig, Pseudonymizer, load_key, read_roster

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SAMPLES = sorted(CORPUS.glob("*.txt"))
KEY = b"test-key-4f9c1e7b"
ROSTER_CSV = "Student Name,Email,SID\nJane Doe,jdoe@berkeley.edu,3034567890\n\"Chen, Wei\",wchen@berkeley.edu,3039998887\n"


@pytest.fixture
def scrubber():
    return Pseudonymizer(PrivacyConfig(KEY))


@pytest.fixture
def roster_scrubber(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER_CSV)
    names, ids = read_roster(roster)
    return Pseudonymizer(PrivacyConfig(KEY, names, ids))


def _expand(template: str, scrubber: Pseudonymizer) -> str:
    """``{identity}`` in an expected line stands for that identity's pseudonym."""
    return re.sub(r"\{([^}]+)\}", lambda m: scrubber.pseudonym(m.group(1)), template)


# The samples hold no student identity (gold `pii` is empty): scrubbing leaves them byte for byte.
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_samples_unchanged(scrubber, sample):
    text = sample.read_text()
    assert scrubber.find_identities(text) == []
    assert scrubber.scrub(text) == text


# Identities without a roster: each line as written, and as it must come out.
@pytest.mark.parametrize("line, expected", [
    ("Name: Jane Doe", "Name: {Jane Doe}"),
    ("**Name:** Jane Q. Doe", "**Name:** {Jane Doe}"),
    ("Student name: John Smith (SID 3034567890)", "Student name: {John Smith} (SID {3034567890})"),
    ("Author: Maria Garcia", "Author: {Maria Garcia}"),
    ("By Maria Garcia", "By {Maria Garcia}"),
    ("Submitted by Wei Chen, Nov 2025", "Submitted by {Wei Chen}, Nov 2025"),
    ("— Ali Hassan", "— {Ali Hassan}"),
    ("my student id is 3034567890.", "my student id is {3034567890}."),
    ("ID: 12345678", "ID: {12345678}"),
    ("mail jane.doe@berkeley.edu for the log", "mail {jane.doe@berkeley.edu} for the log"),
    ("log: https://chatgpt.com/share/6744f1c2-1234-8000-aaaa-0123456789ab.", f"log: {LINK_REPLACEMENT}."),
    ("chat.openai.com/c/abc-123 and https://claude.ai/chat/9f8e", f"{LINK_REPLACEMENT} and {LINK_REPLACEMENT}"),
    ("(https://gemini.google.com/app/5a4b3c) g.co/gemini/share/xyz", f"({LINK_REPLACEMENT}) {LINK_REPLACEMENT}"),
    ("https://grok.com/share/bGVnYWN5 poe.com/s/Abc123", f"{LINK_REPLACEMENT} {LINK_REPLACEMENT}"),
    ("https://example.org/share/q9", LINK_REPLACEMENT),
    # a byline's name is replaced wherever it recurs, in either order
    ("Name: Jane Doe\nDoe, Jane wrote this; JANE DOE agrees.", "Name: {Jane Doe}\n{Jane Doe} wrote this; {Jane Doe} agrees."),
])
def test_identities_replaced(scrubber, line, expected):
    assert scrubber.scrub(line) == _expand(expected, scrubber)


# Not student identities: paper authors, instructors in pasted course text, code, course links.
@pytest.mark.parametrize("line", [
    "as in Vaswani et al. (2017), attention is all you need",
    "Katharopoulos et al. (2020) linearise attention with a feature map",
    "Shazeer (2019) introduced multi-query attention",
    "By Vaswani et al. (2017)",
    "Instructor: Prof. Anant Sahai",
    "By Prof. Anant Sahai",
    "By Using Softmax Attention we keep gradients",
    "By symmetry, E[q_i k_i] = 0.",
    "attn = Q@K.transpose(-2, -1) / math.sqrt(d_k); y = x@W.T",
    "the 12345678 tokens in the cache",
    # course text pasted into a real post (the name alone on its line is kept in its post:
    # see test_samples_unchanged)
    *(line for line in (CORPUS / "001_c77c6757d0383bc8.txt").read_text().splitlines()
      if "Anant Sahai" in line and line != "Anant Sahai" or "docs.google.com" in line),
])
def test_not_identities_kept(scrubber, line):
    assert scrubber.find_identities(line) == []
    assert scrubber.scrub(line) == line


# Identities planted in a real post: only the planted lines change, and only their identities.
def test_planted_in_sample(roster_scrubber):
    original = (CORPUS / "001_c77c6757d0383bc8.txt").read_text().splitlines()
    planted = {
        0: ("Name: Jane Doe (SID: 3034567890, jdoe@berkeley.edu)", "Name: {Jane Doe} (SID: {3034567890}, {jdoe@berkeley.edu})"),
        12: ("Shared log: https://chatgpt.com/share/6744f1c2-1234", f"Shared log: {LINK_REPLACEMENT}"),
        40: ("Thanks to my partner Wei Chen for checking Q4.", "Thanks to my partner {Wei Chen} for checking Q4."),
    }
    lines = list(original)
    for index, (line, _) in sorted(planted.items(), reverse=True):
        lines.insert(index, line)
    scrubbed = roster_scrubber.scrub("\n".join(lines)).splitlines()
    changed = [(a, b) for a, b in zip(lines, scrubbed) if a != b]
    assert len(scrubbed) == len(lines)
    assert changed == [(line, _expand(expected, roster_scrubber)) for _, (line, expected) in sorted(planted.items())]


# The roster: full names and "Last, First", any case, word-bounded; its IDs even without context.
@pytest.mark.parametrize("line, expected", [
    ("jane doe and Doe, Jane", "{Jane Doe} and {Jane Doe}"),
    ("Worked with WEI CHEN", "Worked with {Wei Chen}"),
    ("Jane Doerr is someone else", "Jane Doerr is someone else"),
    ("ask 3039998887 or wchen@berkeley.edu", "ask {3039998887} or {wchen@berkeley.edu}"),
])
def test_roster(roster_scrubber, line, expected):
    assert roster_scrubber.scrub(line) == _expand(expected, roster_scrubber)


# Roster CSVs with differently named columns.
@pytest.mark.parametrize("csv_text, names, ids", [
    (ROSTER_CSV, ("Jane Doe", "Wei Chen"), ("jdoe@berkeley.edu", "3034567890", "wchen@berkeley.edu", "3039998887")),
    ("\ufeffFirst Name,Last Name,Student ID\nAda,Lovelace,30300001\n", ("Ada Lovelace",), ("30300001",)),
    ("name\nAlan Turing\n", ("Alan Turing",), ()),
])
def test_read_roster(tmp_path, csv_text, names, ids):
    path = tmp_path / "roster.csv"
    path.write_text(csv_text, encoding="utf-8")
    assert read_roster(path) == (names, ids)


def test_roster_without_names_is_an_error(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("email\na@b.edu\n")
    with pytest.raises(TractorError, match="no name column"):
        read_roster(path)


# Identities the reader collected (PDF author, page URLs) are replaced too.
def test_extra_identities(scrubber):
    text = "Exported by jdoe42 from https://claude.ai/share/abc-def; author Jane Doe."
    extra = ["jdoe42", "https://claude.ai/share/abc-def", "Jane Doe"]
    assert scrubber.scrub(text, extra) == _expand(f"Exported by {{jdoe42}} from {LINK_REPLACEMENT}; author {{Jane Doe}}.", scrubber)
    assert scrubber.find_identities(text, extra) == extra


# Pseudonyms: stable for one key, different for another, keyed (the key never shows), normalised.
def test_pseudonyms_are_keyed_and_stable(scrubber):
    text = "Name: Jane Doe\nSID: 3034567890"
    other = Pseudonymizer(PrivacyConfig(b"another-key"))
    assert scrubber.scrub(text) == Pseudonymizer(PrivacyConfig(KEY)).scrub(text)
    assert other.scrub(text) != scrubber.scrub(text)
    assert other.pseudonym("Jane Doe") != scrubber.pseudonym("Jane Doe")
    assert re.fullmatch(r"student-[0-9a-f]{10}", scrubber.pseudonym("Jane Doe"))
    assert KEY.decode() not in scrubber.scrub(text) and KEY.hex()[:10] not in scrubber.scrub(text)
    assert {scrubber.pseudonym(v) for v in ("Jane Doe", "doe, jane", "JANE  DOE", "Jane Q. Doe")} == {scrubber.pseudonym("Jane Doe")}


# The key: from the environment, else from a key file made once with mode 0600.
def test_key_file_created_once(tmp_path, monkeypatch):
    monkeypatch.delenv("TRACTOR_PSEUDONYM_KEY", raising=False)
    path = tmp_path / "config" / "tractor" / "pseudonym.key"
    monkeypatch.setenv("TRACTOR_PSEUDONYM_KEY_FILE", str(path))
    key = load_key()
    assert len(key) == 32 and path.read_bytes() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key() == key
    monkeypatch.setenv("TRACTOR_PSEUDONYM_KEY", "from-env")
    assert load_key() == b"from-env"
    assert Pseudonymizer.from_environment().pseudonym("x") == Pseudonymizer(PrivacyConfig(b"from-env")).pseudonym("x")


def test_empty_key_file_is_an_error(tmp_path, monkeypatch):
    monkeypatch.delenv("TRACTOR_PSEUDONYM_KEY", raising=False)
    path = tmp_path / "pseudonym.key"
    path.write_bytes(b"")
    monkeypatch.setenv("TRACTOR_PSEUDONYM_KEY_FILE", str(path))
    with pytest.raises(TractorError, match="empty"):
        load_key()
