"""The build as a whole: --jobs, the incremental cache, crash safety, bad inputs among good ones.

A small corpus (three sample posts and a one-exchange post about no homework) is built without
the verifier, which is not what these tests are about; one cold build warms a shared cache that
later builds reuse, so the file runs in about a minute.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from testdata import BAD_INPUTS, CORPUS, REPO
from tractor.pipeline import BuildConfig, build_dataset
from tractor.dataset.folder import read_config

SAMPLE_POSTS = ["000_c66c20e44076dd47.txt", "002_dae959164a571601.txt", "pdf/002_dae959164a571601.pdf"]
OFF_TOPIC = "Me: What is the capital of France?\n\nChatGPT: Paris is the capital of France.\n"
ENV = {**os.environ, "TRACTOR_PSEUDONYM_KEY": "test-key-not-secret"}


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def cache_entries(cache: Path) -> dict[str, int]:
    """Cached per-file entries (not the verdict store) and their modification times."""
    return {p.relative_to(cache).as_posix(): p.stat().st_mtime_ns for p in cache.rglob("*.json")
            if not p.name.startswith("verdicts-")}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Corpus "B": the sample posts plus the off-topic post."""
    root = tmp_path_factory.mktemp("corpus")
    for rel in SAMPLE_POSTS:
        shutil.copy(CORPUS / rel, root / Path(rel).name)
    (root / "off_topic.txt").write_text(OFF_TOPIC, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def cold(corpus, tmp_path_factory):
    """One cold build with a cache: (dataset folder, cache folder, entries after the build)."""
    os.environ.setdefault("TRACTOR_PSEUDONYM_KEY", ENV["TRACTOR_PSEUDONYM_KEY"])
    root = tmp_path_factory.mktemp("cold")
    summary = build_dataset(BuildConfig(corpus=corpus, out=root / "out", verify=False, cache_dir=root / "cache"))
    assert summary.transcripts == 4 and summary.failed_files == 0
    return root / "out", root / "cache", cache_entries(root / "cache")


# --jobs 2 (a process pool, no cache) writes the same bytes as the cached one-process build.
def test_jobs_two_same_bytes_as_jobs_one(corpus, cold, tmp_path):
    build_dataset(BuildConfig(corpus=corpus, out=tmp_path / "out", jobs=2, verify=False))
    assert folder_bytes(tmp_path / "out") == folder_bytes(cold[0])
    assert sorted(r["source"] for r in read_config(tmp_path / "out", "transcripts")) == sorted(
        ["000_c66c20e44076dd47.txt", "002_dae959164a571601.txt", "002_dae959164a571601.pdf", "off_topic.txt"])


# Workers are replaced every FILES_PER_WORKER files (memory stays flat), one pool per generation,
# even with --jobs 1 once the corpus outgrows one generation; the bytes never change.
@pytest.mark.parametrize("jobs, files_per_worker, pools", [
    (2, 1, 2),  # 4 files, 2 per generation
    (1, 3, 2),  # a one-worker pool: 3 files, then 1
])
def test_workers_recycled_same_bytes(corpus, cold, tmp_path, monkeypatch, jobs, files_per_worker, pools):
    import tractor.executor as executor

    started = []

    class CountedPool(executor.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            started.append(kwargs["max_workers"])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(executor, "FILES_PER_WORKER", files_per_worker)
    monkeypatch.setattr(executor, "ProcessPoolExecutor", CountedPool)
    build_dataset(BuildConfig(corpus=corpus, out=tmp_path / "out", jobs=jobs, verify=False))
    assert started == [jobs] * pools
    assert folder_bytes(tmp_path / "out") == folder_bytes(cold[0])


# The cold build stored two entries per file (transcripts; claims and labels); a warm rebuild
# reads them all (a miss would write an entry) and writes the same bytes.
def test_warm_rebuild_reads_the_cache(corpus, cold, tmp_path):
    _, cache, entries = cold
    assert len(entries) == 2 * 4
    build_dataset(BuildConfig(corpus=corpus, out=tmp_path / "out", verify=False, cache_dir=cache))
    assert cache_entries(cache) == entries
    assert folder_bytes(tmp_path / "out") == folder_bytes(cold[0])


# The cache is keyed by a file's content (and the tool and models), not its name: renamed, moved
# into a sub-folder or copied, every post is served from the cache (no new entry is written) and
# the rows name the files as they are now, byte for byte as a build without the cache.
@pytest.mark.parametrize("renames", [
    {"000_c66c20e44076dd47.txt": "renamed.txt"},  # renamed
    {"002_dae959164a571601.pdf": "week9/scan.pdf"},  # moved into a sub-folder
    {"off_topic.txt": "off topic (copy).txt", "002_dae959164a571601.txt": "b/c/post.TXT"},  # several at once
    {"000_c66c20e44076dd47.txt": "zz_last.txt"},  # renamed to a later place in the corpus order
])
def test_renamed_files_read_the_cache(corpus, cold, tmp_path, renames):
    _, cache, entries = cold
    moved = tmp_path / "corpus"
    shutil.copytree(corpus, moved)
    for old, new in renames.items():
        (moved / new).parent.mkdir(parents=True, exist_ok=True)
        (moved / old).rename(moved / new)
    build_dataset(BuildConfig(corpus=moved, out=tmp_path / "cached", verify=False, cache_dir=cache))
    assert cache_entries(cache) == entries
    build_dataset(BuildConfig(corpus=moved, out=tmp_path / "fresh", verify=False))
    assert folder_bytes(tmp_path / "cached") == folder_bytes(tmp_path / "fresh")
    assert set(renames.values()) <= {t["source"] for t in read_config(tmp_path / "cached", "transcripts")}


# A copy with the same bytes under another suffix is read by another reader: not the same entry.
def test_cache_key_holds_the_suffix(tmp_path):
    from tractor.build_cache import BuildCache
    from tractor.records import FailedFile

    cache = BuildCache(tmp_path, "salt")
    cache.put("d" * 64, ".txt", "a.txt", [], [FailedFile("a.txt", "read", "x")])
    assert cache.get("d" * 64, ".md", "a.md") is None
    assert cache.get("d" * 64, ".TXT", "b/B.TXT") == ([], [FailedFile("b/B.TXT", "read", "x")])


# Editing a homework's answer-key folder re-processes the claims of that homework's posts only:
# one new claims entry per hw09 file, none for the off-topic post, no new transcript entries.
def test_changed_key_reprocesses_only_its_homework(corpus, cold, tmp_path, monkeypatch):
    from tractor import build_cache

    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    with open(data / "homeworks" / "hw09" / "key.toml", "a", encoding="utf-8") as fh:
        fh.write("\n# a reviewer's note: nothing else changed\n")
    monkeypatch.setenv("TRACTOR_DATA", str(data))
    build_cache.build_salt.cache_clear()
    build_cache._fingerprint.cache_clear()
    try:
        cache = tmp_path / "cache"
        shutil.copytree(cold[1], cache)
        build_dataset(BuildConfig(corpus=corpus, out=tmp_path / "out", verify=False, cache_dir=cache))
        new = set(cache_entries(cache)) - set(cold[2])
    finally:
        build_cache.build_salt.cache_clear()
        build_cache._fingerprint.cache_clear()
    hw09 = [r for r in read_config(cold[0], "transcripts") if r["homework"] == "hw09"]
    assert len(hw09) == 3 and len(new) == len(hw09)
    assert folder_bytes(tmp_path / "out") == folder_bytes(cold[0])


# Code a killed child runs: build corpus argv[1] into argv[2], SIGKILLing itself at argv[3].
_KILLED_BUILD = """
import os, signal, sys
from pathlib import Path
import tractor.dataset.writer as writer
from tractor.pipeline import BuildConfig, build_dataset

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

if sys.argv[3] == "before-swap":
    writer._swap_in = die
elif sys.argv[3] == "between-renames":
    renames, rename = [], os.rename

    def second_rename_dies(src, dst):
        renames.append(src)
        die() if len(renames) == 2 else rename(src, dst)

    os.rename = second_rename_dies
build_dataset(BuildConfig(corpus=Path(sys.argv[1]), out=Path(sys.argv[2]), verify=False, cache_dir=Path(sys.argv[4])))
"""


def _kill_while_processing(corpus: Path, out: Path, cache: Path) -> subprocess.Popen:
    """The CLI on a fresh cache, SIGKILLed from outside once its first file is cached."""
    proc = subprocess.Popen([sys.executable, "-m", "tractor", "build-dataset", str(corpus), "--out", str(out),
                             "--no-verify", "--cache-dir", str(cache)], env=ENV, stderr=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (cache.exists() and cache_entries(cache)):
        assert proc.poll() is None and time.monotonic() < deadline, "build ended before it could be killed"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return proc


# A build SIGKILLed midway (while reading files, after writing the new folder, between the two
# renames of the swap) leaves the previous dataset's bytes, and the next build completes.
@pytest.mark.parametrize("moment", ["while-processing", "before-swap", "between-renames"])
def test_killed_build_keeps_previous_dataset(corpus, cold, tmp_path, moment):
    previous = tmp_path / "corpus-a"
    shutil.copytree(corpus, previous)
    (previous / "off_topic.txt").unlink()
    out = tmp_path / "dataset"
    build_dataset(BuildConfig(corpus=previous, out=out, verify=False, cache_dir=cold[1]))
    before = folder_bytes(out)
    if moment == "while-processing":
        proc = _kill_while_processing(corpus, out, tmp_path / "fresh-cache")
    else:
        proc = subprocess.run([sys.executable, "-c", _KILLED_BUILD, str(corpus), str(out), moment, str(cold[1])],
                              env=ENV, capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    left = out.with_name(out.name + ".tractor-old") if moment == "between-renames" else out
    assert folder_bytes(left) == before
    summary = build_dataset(BuildConfig(corpus=corpus, out=out, verify=False, cache_dir=cold[1]))
    assert summary.files == 4 and folder_bytes(out) == folder_bytes(cold[0])
    assert not out.with_name(out.name + ".tractor-old").exists()


# Every bad input beside a good post (tests/fixtures/bad-inputs/README.md): one errors row per
# failing file with its specific message, and a transcript for every file that loads.
BAD_INPUT_ERRORS = {
    "empty.pdf": "empty file",
    "encrypted_user_password.pdf": "encrypted PDF, password required",
    "scanned_no_text_layer.pdf": "no text layer",
    "truncated_half.pdf": "truncated PDF",
    "truncated_no_trailer.pdf": "truncated PDF: recovered",
    "binary_junk.txt": "binary data, not text",
}
BAD_INPUT_TRANSCRIPTS = {  # file -> (format, user turns, text somewhere in the row)
    "good_post.txt": ("text", 8, "torch.einsum"),  # gold: 8 user turns
    "encrypted_owner_only_nocopy.pdf": ("pdf", 7, "can you please solve problem 1"),
    "saved_page_named_pdf.pdf": ("html", 8, "torch.einsum"),
    "transcript_latin1.txt": ("text", 9, "naïve café"),
    "transcript_utf16.txt": ("text", 9, "I am completing an assignment"),
    "truncated_no_trailer.pdf": ("pdf", 9, "I am completing an assignment"),
}


@pytest.fixture(scope="module")
def bad_build(cold, tmp_path_factory):
    root = tmp_path_factory.mktemp("bad")
    for path in BAD_INPUTS.iterdir():
        shutil.copy(path, root / path.name)
    shutil.copy(CORPUS / "002_dae959164a571601.txt", root / "good_post.txt")
    summary = build_dataset(BuildConfig(corpus=root, out=root.with_name("bad-out"), verify=False, cache_dir=cold[1]))
    out = root.with_name("bad-out")
    return summary, read_config(out, "errors"), {r["source"]: r for r in read_config(out, "transcripts")}


@pytest.mark.parametrize("source, message", sorted(BAD_INPUT_ERRORS.items()))
def test_bad_input_errors_row(bad_build, source, message):
    _, errors, _ = bad_build
    rows = [e for e in errors if e["source"] == source]
    assert len(rows) == 1 and message in rows[0]["error"]


@pytest.mark.parametrize("source, expected", sorted(BAD_INPUT_TRANSCRIPTS.items()))
def test_bad_input_neighbours_load(bad_build, source, expected):
    fmt, user_turns, text = expected
    row = bad_build[2][source]
    assert row["format"] == fmt
    assert [m["role"] for m in row["messages"]].count("user") == user_turns
    assert text in json.dumps(row, ensure_ascii=False)


# Nothing else: only the listed files fail, the partial PDF is counted as loaded.
def test_bad_inputs_nothing_else(bad_build):
    summary, errors, transcripts = bad_build
    assert {e["source"] for e in errors} == set(BAD_INPUT_ERRORS)
    assert set(transcripts) == set(BAD_INPUT_TRANSCRIPTS)
    assert summary.failed_files == len(BAD_INPUT_ERRORS) - 1
    assert transcripts["truncated_no_trailer.pdf"]["partial"] is True
    assert {t["partial"] for name, t in transcripts.items() if name != "truncated_no_trailer.pdf"} == {False}


# A change to the package's code (a reader fixed without a version bump) changes the cache salt,
# so results cached by the old code are not served; an untouched copy keeps the same salt.
def test_code_change_invalidates_cache(tmp_path):
    import shutil

    from tractor import build_cache

    package = Path(build_cache.__file__).resolve().parent
    copy = tmp_path / "tractor"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    fingerprint = build_cache._code_fingerprint.__wrapped__  # uncached: the copy changes under it
    assert fingerprint(copy) == fingerprint(package)
    reader = copy / "ingest" / "pdf.py"
    reader.write_text(reader.read_text() + "\n# fixed\n")
    assert fingerprint(copy) != fingerprint(package)


# Workers import the package the build runs, whatever the current folder holds: run from a folder
# that holds another folder named `tractor` (the clone's own folder, seen from its parent, or an
# unrelated package), a --jobs 2 build still loads every file (the fork server used to start with
# the current folder first on its path and import the wrong `tractor`: ImportError, BrokenProcessPool).
@pytest.mark.parametrize("impostor", [
    {"__init__.py": "__version__ = '9.9'\n", "cli.py": ""},  # an unrelated project's package named tractor
    {"__init__.py": "", "README.md": "a clone's folder seen from its parent\n"},  # a package with nothing in it
])
def test_workers_import_the_running_package(corpus, tmp_path, impostor):
    here = tmp_path / "home"
    for name, text in impostor.items():
        (here / "tractor" / name).parent.mkdir(parents=True, exist_ok=True)
        (here / "tractor" / name).write_text(text)
    runner = tmp_path / "bin" / "build.py"  # like the console script: its own folder first on sys.path
    runner.parent.mkdir()
    runner.write_text(
        "import sys\nfrom pathlib import Path\nfrom tractor.pipeline import BuildConfig, build_dataset\n"
        "if __name__ == '__main__':\n"
        "    s = build_dataset(BuildConfig(corpus=Path(sys.argv[1]), out=Path('ds'), jobs=2, verify=False))\n"
        "    print(s.transcripts, s.failed_files)\n")
    env = {**ENV, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, str(runner), str(corpus)], cwd=here, env=env, capture_output=True,
                          text=True, timeout=600)
    assert (done.returncode, done.stdout.split()) == (0, ["4", "0"]), done.stderr[-2000:]


# The bundled corpus is three posts in several formats (text, PDF, raw-LaTeX PDF, saved page):
# three distinct conversations, each other file a duplicate naming its post's kept transcript
# (the text version, first in corpus order). Every row is kept; claims and labels are written for
# a duplicate only when its turns differ (the readers' outputs are each scored in `tractor eval`).
@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundled") / "ds"
    summary = build_dataset(BuildConfig(corpus=CORPUS, out=out, verify=False))
    return summary, {t["source"]: t for t in read_config(out, "transcripts")}


def test_bundled_corpus_three_posts(bundled):
    summary, rows = bundled
    assert (summary.transcripts, summary.distinct, summary.duplicates) == (9, 3, 6)
    assert sum(summary.by_model.values()) == 3  # models counted once per conversation


@pytest.mark.parametrize("source, kept", [
    ("html/001_c77c6757d0383bc8.html", "001_c77c6757d0383bc8.txt"),
    ("pdf/000_c66c20e44076dd47.pdf", "000_c66c20e44076dd47.txt"),
    ("pdf/000_c66c20e44076dd47.rawtex.pdf", "000_c66c20e44076dd47.txt"),
    ("pdf/001_c77c6757d0383bc8.pdf", "001_c77c6757d0383bc8.txt"),
    ("pdf/002_dae959164a571601.pdf", "002_dae959164a571601.txt"),
    ("pdf/002_dae959164a571601.rawtex.pdf", "002_dae959164a571601.txt"),
    ("000_c66c20e44076dd47.txt", None), ("001_c77c6757d0383bc8.txt", None), ("002_dae959164a571601.txt", None),
])
def test_bundled_corpus_duplicate_of(bundled, source, kept):
    _, rows = bundled
    assert rows[source]["duplicate_of"] == (rows[kept]["transcript_id"] if kept else "")


# A file posted twice (same bytes, another name): the copy's row names the first; its claims and
# labels are not written again under the same id, so nothing is counted twice.
def test_exact_copy_counted_once(corpus, cold, tmp_path):
    doubled = tmp_path / "corpus"
    shutil.copytree(corpus, doubled)
    shutil.copy(doubled / "000_c66c20e44076dd47.txt", doubled / "zz_reposted.txt")
    summary = build_dataset(BuildConfig(corpus=doubled, out=tmp_path / "out", verify=False, cache_dir=cold[1]))
    rows = {t["source"]: t for t in read_config(tmp_path / "out", "transcripts")}
    assert rows["zz_reposted.txt"]["duplicate_of"] == rows["000_c66c20e44076dd47.txt"]["transcript_id"]
    assert (summary.transcripts, summary.duplicates) == (5, 2)  # the copy, and the sample post's PDF
    for config in ("claims", "labels"):
        assert read_config(tmp_path / "out", config) == read_config(cold[0], config)
