"""The command line through click's test runner: summaries, exit codes, clear errors."""

import json
import re
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from testdata import BAD_INPUTS, CORPUS
from tractor.cli import main


@pytest.fixture()
def small_corpus(tmp_path):
    """One good post and two files that must fail."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "002_dae959164a571601.txt", corpus)
    shutil.copy(BAD_INPUTS / "empty.pdf", corpus)
    shutil.copy(BAD_INPUTS / "binary_junk.txt", corpus)
    return corpus


# The summary counts files, transcripts and failures, and names each failure.
def test_build_dataset_summary(small_corpus, tmp_path):
    result = CliRunner().invoke(main, ["build-dataset", str(small_corpus), "--out", str(tmp_path / "ds"),
                                       "--no-cache", "--no-verify"])
    assert result.exit_code == 0, result.output
    assert "read 3 files: 1 transcript (1 distinct, 0 duplicates), 2 files failed, " in result.output
    # the summary line ends with the elapsed time and the rate
    took = r"(?:\d+\.\d s|\d+ min \d\d s|\d+ h \d\d min)"  # however long the machine took
    assert re.search(rf"^read 3 files: .* labels? in {took} \(\d+(?:\.\d\d)? posts/s\)$", result.output, re.M), \
        result.output
    assert "by format: text 1" in result.output
    assert "empty.pdf: [read] empty file" in result.output
    assert "binary_junk.txt: [decode] binary data, not text" in result.output
    assert (tmp_path / "ds" / "README.md").is_file()


# --strict turns failed files into a non-zero exit; the dataset is still written.
def test_strict_fails_on_failed_files(small_corpus, tmp_path):
    result = CliRunner().invoke(main, ["build-dataset", str(small_corpus), "--out", str(tmp_path / "ds"),
                                       "--no-cache", "--no-verify", "--strict"])
    assert result.exit_code == 1
    assert "2 files failed (--strict)" in result.output
    assert (tmp_path / "ds" / "errors").is_dir()


# Bad arguments give one clear line, not a traceback.
@pytest.mark.parametrize("args, message", [
    (["build-dataset", "/nonexistent/corpus", "--out", "/tmp/x"], "is not a folder"),
    (["claims", "/nonexistent.txt"], "does not exist"),
])
def test_clear_errors(args, message):
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output


# `tractor claims` shows one post's parts with the model's first answer to 1(c).
def test_claims_command():
    result = CliRunner().invoke(main, ["claims", str(CORPUS / "000_c66c20e44076dd47.txt")])
    assert result.exit_code == 0, result.output
    assert "homework=hw09" in result.output
    line_1c = next(line for line in result.output.splitlines() if line.split()[:1] == ["1c"])
    assert " d" in line_1c


# `tractor --help` imports none of the heavy libraries (that is what keeps it instant).
def test_help_imports_nothing_heavy():
    code = ("import sys; from click.testing import CliRunner; from tractor.cli import main; "
            "r = CliRunner().invoke(main, ['--help']); assert r.exit_code == 0; "
            "print(sorted(m for m in ('torch', 'spacy', 'sympy', 'pypdfium2', 'datasets', 'pyarrow', 'sklearn') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# A corpus with no posts in it: one clear line, exit status 1, and the dataset already at --out
# is left as it was (it used to be replaced by an empty one that `load_dataset` cannot load).
@pytest.mark.parametrize("files", [
    {},  # an empty folder
    {"README.md": "# my corpus\n"},  # only the corpus's own README
    {".drafts/post.txt": "Me: hi\n\nChatGPT: hello\n"},  # posts only in a hidden folder
    {"notes.docx": "not a supported format", "scan.png": "neither"},  # only unsupported files
    {"week1/": None, "week2/": None},  # only empty sub-folders
])
def test_no_posts_found(tmp_path, files):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for rel, text in files.items():
        (corpus / rel).parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            (corpus / rel).mkdir(exist_ok=True)
        else:
            (corpus / rel).write_text(text)
    out = tmp_path / "ds"
    (out / "transcripts").mkdir(parents=True)
    (out / "README.md").write_text("the previous dataset\n")
    (out / "transcripts" / "train-00000-of-00001.parquet").write_bytes(b"previous rows")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    result = CliRunner().invoke(main, ["build-dataset", str(corpus), "--out", str(out), "--no-cache"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"Error: no posts found in {corpus} (looked for .htm, .html, "
                                                   ".json, .markdown, .md, .pdf, .txt files)"]
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


POST = CORPUS / "000_c66c20e44076dd47.txt"


# `claims` does not verify, so it shows no verdict column (it said `unverified` on every row);
# its table fits the terminal at every width, claims wrapped rather than cut.
@pytest.mark.parametrize("columns", [80, 120, 250])
def test_claims_table_fits_without_verdicts(columns):
    result = CliRunner().invoke(main, ["claims", str(POST)], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].split() == ["part", "in_hw", "att", "msg", "kind", "claim", "normalized", "tags"]
    assert max(len(line) for line in lines[1:]) <= columns
    assert "…" not in result.output


# --json on every listing command: the same claims as the table, as data (no verdicts from `claims`).
def test_claims_json():
    table = CliRunner().invoke(main, ["claims", str(POST)], env={"COLUMNS": "400"}).output.splitlines()
    result = CliRunner().invoke(main, ["claims", str(POST), "--json"])
    assert result.exit_code == 0, result.output
    [post] = json.loads(result.output)
    assert (post["source"], post["model"], post["homework"]) == ("000_c66c20e44076dd47.txt", "chatgpt", "hw09")
    rows = [line for line in table[3:] if not line.startswith(" ")]  # a wrapped row's next lines start blank
    assert len(post["claims"]) == len(rows) and f"claims={len(post['claims'])}" in table[0]
    assert all("verdict" not in c and "reference" not in c for c in post["claims"])
    first = post["claims"][0]
    assert rows[0].split()[:5] == [first["part"], "yes" if first["in_homework"] else "NO", str(first["attempt"]),
                                    str(first["message_index"]), first["kind"]]


def test_verify_json_and_table():
    result = CliRunner().invoke(main, ["verify", str(POST), "--json"])
    assert result.exit_code == 0, result.output
    [post] = json.loads(result.output)
    verdicts = {(c["part"], c["attempt"]): c["verdict"] for c in post["claims"]}
    assert (verdicts[("1c", 1)], verdicts[("6b.i", 1)], verdicts[("6b.i", 2)]) == ("incorrect", "incorrect", "correct")
    table = CliRunner().invoke(main, ["verify", str(POST)], env={"COLUMNS": "90"}).output.splitlines()
    assert table[1].split() == ["part", "att", "msg", "kind", "verdict", "claim", "detail"]
    assert max(len(line) for line in table) <= 90 and "…" not in "\n".join(table)


# check-key: a table that fits (multi-line code answers stay inside their row), a summary line,
# and --json with one object per check.
@pytest.mark.parametrize("columns", [80, 160])
def test_check_key_table_and_summary(columns):
    result = CliRunner().invoke(main, ["check-key", "hw09"], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    checks = json.loads(CliRunner().invoke(main, ["check-key", "hw09", "--json"]).output)
    assert lines[-1] == f"{len(checks)} key checks: {len(checks)} passed, 0 failed"
    assert max(len(line) for line in lines) <= columns
    starts = [line.split()[0] for line in lines[2:-1] if not line.startswith(" ")]
    assert starts == ["ok"] * len(checks)  # one row per check; continuation lines start blank
    assert {c["homework"] for c in checks} == {"hw09"} and all(c["passed"] for c in checks)
