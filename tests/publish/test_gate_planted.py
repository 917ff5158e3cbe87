"""The gate on the planted-identity table: a dataset written from those posts without the
scrubber is refused, each identity located by config, row and column; the same posts through
the scrubber pass."""

import re

import pytest
from click.testing import CliRunner

from planted_identities import PLANTED, ROSTER_CSV
from privacy_rows import CLEAN_ROWS, write
from tractor.cli import main
from tractor.privacy import PrivacyConfig, Pseudonymizer, read_roster
from tractor.publish.gate import check_dataset

# The gate sees only what a dataset holds: a name known only from a PDF's metadata, written in
# the post by first name alone, leaves nothing the gate could recognise.
IN_DATASET = [p for p in PLANTED if not p.extra]
TURN = "\nChatGPT said:\n"


def _row(planted, scrub=lambda text: text) -> dict:
    """A transcripts row as a build without the scrubber would write it (or with ``scrub``)."""
    user, assistant = planted.post.split(TURN)
    return {**CLEAN_ROWS["transcripts"][0], "source": scrub(planted.source), "model_evidence": "",
            "messages": [{"role": "user", "content": scrub(user)}, {"role": "assistant", "content": scrub(assistant)}],
            "annotations": [], "summary": ""}


def _present(value: str, text: str) -> bool:
    """``value`` as a whole word, in any case ("jane_doe_hw9.pdf" holds Jane)."""
    return re.search(rf"(?<![^\W_]){re.escape(value)}(?![^\W_])", text, re.IGNORECASE) is not None


@pytest.fixture(scope="module")
def roster(tmp_path_factory):
    path = tmp_path_factory.mktemp("roster") / "roster.csv"
    path.write_text(ROSTER_CSV, encoding="utf-8")
    return path


# Each post unscrubbed: refused, with a finding in every column that holds the identity.
@pytest.mark.parametrize("planted", IN_DATASET, ids=lambda p: p.layout)
def test_unscrubbed_post_is_refused(tmp_path, roster, planted):
    row = _row(planted)
    write(tmp_path / "ds", {**CLEAN_ROWS, "transcripts": [row]})
    findings = check_dataset(tmp_path / "ds", "---\n---\ncard", roster if planted.roster else None, ["transcripts"])
    cells = {"source": row["source"], "messages[0].content": row["messages"][0]["content"],
             "messages[1].content": row["messages"][1]["content"]}
    holding = {column for column, text in cells.items() if any(_present(v, text) for v in planted.vanish)}
    assert holding and {(f.config, f.row, f.column) for f in findings} == {("transcripts", 0, c) for c in holding}


# The same posts through the scrubber: the gate has nothing to say.
@pytest.mark.parametrize("planted", IN_DATASET, ids=lambda p: p.layout)
def test_scrubbed_post_passes(tmp_path, roster, planted):
    names, ids = read_roster(roster) if planted.roster else ((), ())
    scrubber = Pseudonymizer(PrivacyConfig(b"gate-test-key", names, ids)).for_file(planted.source)
    post = scrubber.for_post(planted.post)
    row = {**_row(planted, post.scrub), "source": scrubber.scrub(planted.source)}
    write(tmp_path / "ds", {**CLEAN_ROWS, "transcripts": [row]})
    assert check_dataset(tmp_path / "ds", "---\n---\ncard", roster if planted.roster else None) == []


# `tractor publish --dry-run` on a dataset holding every unscrubbed post: refused, naming each row.
def test_publish_dry_run_refuses(tmp_path):
    posts = [p for p in IN_DATASET if not p.roster]
    write(tmp_path / "ds", {**CLEAN_ROWS, "transcripts": [_row(p) for p in posts]})
    result = CliRunner().invoke(main, ["publish", str(tmp_path / "ds"), "--repo-id", "course-org/hw", "--dry-run"])
    assert result.exit_code != 0 and "privacy gate failed" in result.output
    rows = {int(m.group(1)) for m in re.finditer(r"transcripts row (\d+) column \S+: ", result.output)}
    assert rows == set(range(len(posts)))
