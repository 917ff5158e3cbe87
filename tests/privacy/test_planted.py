"""The planted-identity table: in every layout, nothing of the student's identity is left, and
every cited author, model name and member of course staff is kept."""

import re

import pytest

from planted_identities import KEEP, MISATTRIBUTED, PLANTED, ROSTER_CSV
from tractor.label.citations import check_sentence
from tractor.pipeline import BuildConfig, process_file
from tractor.privacy import PrivacyConfig, Pseudonymizer, read_roster, scrub_for_post

KEY = b"test-key-planted"


@pytest.fixture(scope="module")
def scrubbers(tmp_path_factory):
    roster = tmp_path_factory.mktemp("roster") / "roster.csv"
    roster.write_text(ROSTER_CSV, encoding="utf-8")
    return {False: Pseudonymizer(PrivacyConfig(KEY)), True: Pseudonymizer(PrivacyConfig(KEY, *read_roster(roster)))}


def _scrub(scrubbers, planted):
    scrubber = scrubbers[planted.roster].for_file(planted.source)
    return scrubber.for_post(planted.post, planted.extra).scrub(planted.post), scrubber.scrub(planted.source)


def _present(value: str, text: str) -> bool:
    """``value`` as a whole word, in any case ("jane_doe_hw9.pdf" holds Jane)."""
    return re.search(rf"(?<![^\W_]){re.escape(value)}(?![^\W_])", text, re.IGNORECASE) is not None


# Each layout: the identity vanishes in every form, the citations, models and staff stay.
@pytest.mark.parametrize("planted", PLANTED, ids=lambda p: p.layout)
def test_identity_vanishes(scrubbers, planted):
    planted_text = "\n".join([planted.post, planted.source, *planted.extra])
    assert all(_present(v, planted_text) for v in planted.vanish)  # the table plants what it says
    post, source = _scrub(scrubbers, planted)
    assert [v for v in planted.vanish if _present(v, post) or _present(v, source)] == []
    assert [k for k in KEEP if k not in post] == []


# The table is wide enough to be a regression table of layouts.
def test_table_has_thirty_layouts():
    assert len({p.layout for p in PLANTED}) == len(PLANTED) >= 30


# One student, one pseudonym: the same name gives the same pseudonym whatever the layout it
# was found in, and whether the whole name or only a part of it is written.
def test_same_student_same_pseudonym(scrubbers):
    pseudonym = scrubbers[False].pseudonym("Jane Doe")
    for planted in PLANTED:
        if {"Jane", "Doe"} <= set(planted.vanish) and not planted.roster:
            post, source = _scrub(scrubbers, planted)
            assert pseudonym in post + source, planted.layout


# The citation label still sees what it needs: the misattributed citation survives scrubbing.
@pytest.mark.parametrize("planted", PLANTED, ids=lambda p: p.layout)
def test_misattributed_citation_kept(scrubbers, planted):
    post, _ = _scrub(scrubbers, planted)
    assert MISATTRIBUTED in post and check_sentence(MISATTRIBUTED) != []


# Through the real build step (read, segment, scrub) from a file at the planted path: nothing
# of the identity in any transcript field, nor in any failure's source.
@pytest.mark.parametrize("planted", [p for p in PLANTED if not p.extra], ids=lambda p: p.layout)
def test_through_the_pipeline(tmp_path, planted):
    rel = planted.source.removesuffix(".pdf") + ".txt" if planted.source.endswith(".pdf") else planted.source
    path = tmp_path / "corpus" / rel  # the posts are text; a name in a PDF's file name reads the same
    path.parent.mkdir(parents=True)
    path.write_text(planted.post, encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER_CSV, encoding="utf-8")
    config = BuildConfig(corpus=tmp_path / "corpus", out=tmp_path / "out", verify=False,
                         roster=roster if planted.roster else None)
    result = process_file(path, rel, config, Pseudonymizer.from_environment(config.roster))
    assert result.transcripts, result.failures
    written = "\n".join([t.source for t in result.transcripts] + [f.source for f in result.failures]
                        + [m.content for t in result.transcripts for m in t.messages]
                        + [a.text for t in result.transcripts for a in t.annotations]
                        + [t.summary + "\n" + t.model_evidence for t in result.transcripts])
    assert [v for v in planted.vanish if _present(v, written)] == []
    # a speaker label ("ChatGPT said:") is read as a turn boundary, not kept as text
    assert [k for k in KEEP if k not in written and not k.endswith(" said:")] == []
    assert [len(t.messages) for t in result.transcripts] == [2]


# Anything else derived from a post (a sandbox's output quoting it) is scrubbed for that post's
# identities, even where it holds only the first name.
@pytest.mark.parametrize("output, expected", [
    ("NameError in cell by Jane: x undefined", "NameError in cell by {Jane Doe}: x undefined"),
    ("/home/jane_doe/hw9.py line 3", "/home/{Jane Doe}/hw9.py line 3"),
    ("sqrt(d) scaling, as Vaswani et al. (2017)", "sqrt(d) scaling, as Vaswani et al. (2017)"),
])
def test_scrub_for_post(output, expected):
    scrubber = Pseudonymizer(PrivacyConfig(KEY))
    post = next(p for p in PLANTED if p.layout == "name under the title").post
    assert scrub_for_post(output, post, scrubber=scrubber) == expected.replace("{Jane Doe}", scrubber.pseudonym("Jane Doe"))
