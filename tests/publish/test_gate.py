"""The privacy gate: every identity left in any cell or in the card is found, located and masked;
a scrubbed dataset (pseudonyms, removed links, paper authors) passes."""

import pytest

from privacy_rows import CLEAN_ROWS, planted, write
from tractor.publish.gate import check_dataset, mask

ROSTER = "name,email,sid\nJane Q. Doe,jdoe@berkeley.edu,3031234567\n"


@pytest.fixture
def roster(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return path


# A scrubbed dataset and its card pass, with and without a roster.
def test_clean_dataset_passes(tmp_path, roster):
    write(tmp_path / "ds", CLEAN_ROWS)
    card = (tmp_path / "ds" / "README.md").read_text()
    assert check_dataset(tmp_path / "ds", card) == []
    assert check_dataset(tmp_path / "ds", card, roster) == []


# One identity planted in one cell: found at that config/row/column, with its kind, masked.
@pytest.mark.parametrize("config, column, value, kind", [
    ("transcripts", "messages[1].content", "Mail me at alice.w@example.edu", "email"),
    ("transcripts", "annotations[0].text", "SID: 30312345", "student id"),
    ("transcripts", "summary", "see https://chatgpt.com/share/6740-aa12-bb34", "share link"),
    ("transcripts", "source", "Submitted by Alice Walker", "name in a field"),
    ("claims", "detail", "reviewer bob@example.com", "email"),
    ("labels", "evidence", "https://g.co/gemini/share/abc123def", "share link"),
    ("errors", "error", "owner carol.t@cs.example.org", "email"),
])
def test_planted_identity_is_found(tmp_path, config, column, value, kind):
    write(tmp_path / "ds", planted(config, column, value))
    findings = check_dataset(tmp_path / "ds", "---\n---\nclean card")
    assert [(f.config, f.row, f.column, f.kind) for f in findings] == [(config, 0, column, kind)]
    identity = value.split()[-1] if kind != "name in a field" else "Alice Walker"
    assert identity not in str(findings[0]) and findings[0].masked == mask(identity)


# Roster entries are refused wherever they appear, in any name order or case.
@pytest.mark.parametrize("value, kind", [
    ("thanks to jane q. doe", "roster name"),
    ("Doe, Jane Q. wrote this", "roster name"),
    ("id 3031234567 on file", "roster id"),
])
def test_roster_entries_are_found(tmp_path, roster, value, kind):
    write(tmp_path / "ds", planted("transcripts", "messages[0].content", value))
    findings = check_dataset(tmp_path / "ds", "---\n---\ncard", roster)
    assert [(f.column, f.kind) for f in findings] == [("messages[0].content", kind)]
    assert check_dataset(tmp_path / "ds", "---\n---\ncard") == []  # not an identity without the roster


# The card is checked too, line by line.
def test_identity_in_card(tmp_path):
    write(tmp_path / "ds", CLEAN_ROWS)
    findings = check_dataset(tmp_path / "ds", "---\nlicense: mit\n---\n# Card\n\nContact: tim@example.com\n")
    assert [(f.config, f.row, f.kind, f.masked) for f in findings] == [("README.md", 6, "email", "t************m")]


# Masking keeps only the ends, and hides short values entirely.
@pytest.mark.parametrize("value, masked", [
    ("a@b.io", "a****o"),
    ("Jo Li", "J***i"),
    ("1234", "****"),
    ("https://chatgpt.com/share/0123456789abcdef", "h************f"),
])
def test_mask(value, masked):
    assert mask(value) == masked


# The bundled corpus, built by the real pipeline, passes the gate: its course text, cited
# authors and headings ("Multi-Query Attention (MQA) in ...") are no one's name.
def test_bundled_corpus_passes(corpus_dataset):
    folder = corpus_dataset[0]
    assert check_dataset(folder, (folder / "README.md").read_text(encoding="utf-8")) == []
