"""The dataset folder: Hub layout, atomic replacement, same rows -> same bytes."""

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from tractor.errors import DatasetError
from tractor.dataset.folder import config_path, read_config
from tractor.dataset.schema import CONFIGS
from tractor.dataset.writer import recover_interrupted_swap, write_dataset

ROWS = {
    "transcripts": [{
        "transcript_id": "abc", "source": "a.txt", "format": "text", "model": "gemini", "model_evidence": "label",
        "homework": "hw09", "homework_evidence": "", "summary": "", "partial": False, "duplicate_of": "",
        "messages": [{"role": "user", "content": "solve 1"}, {"role": "assistant", "content": "s = \\sqrt{d}"}],
        "annotations": [{"text": "correct", "after_message": 1}],
    }],
    "errors": [{"source": "bad.pdf", "stage": "pdf", "error": "encrypted PDF, password required"}],
}


def _snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# Every config is written, even empty ones, and reads back the rows given.
def test_layout_and_round_trip(tmp_path):
    write_dataset(tmp_path / "ds", ROWS, "---\n---\ncard")
    for config in CONFIGS:
        assert config_path(tmp_path / "ds", config).is_file()
    assert read_config(tmp_path / "ds", "transcripts") == ROWS["transcripts"]
    assert read_config(tmp_path / "ds", "errors") == ROWS["errors"]
    assert read_config(tmp_path / "ds", "claims") == []


# Two writes of the same rows give byte-identical folders.
def test_deterministic_bytes(tmp_path):
    write_dataset(tmp_path / "a", ROWS, "card")
    write_dataset(tmp_path / "b", ROWS, "card")
    assert _snapshot(tmp_path / "a") == _snapshot(tmp_path / "b")


# datasets.load_dataset reads the folder offline, with a fresh cache.
def test_loads_with_datasets(tmp_path, monkeypatch):
    from tractor.dataset.card import CardFacts, render_card
    import datasets

    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    write_dataset(tmp_path / "ds", ROWS, render_card(CardFacts(rows={"transcripts": 1, "errors": 1})))
    ds = datasets.load_dataset(str(tmp_path / "ds"), "transcripts", split="train", cache_dir=str(tmp_path / "c"))
    assert ds[0]["messages"][1]["content"] == "s = \\sqrt{d}"
    errors = datasets.load_dataset(str(tmp_path / "ds"), "errors", split="train", cache_dir=str(tmp_path / "c"))
    assert errors[0]["error"] == "encrypted PDF, password required"


# A writer killed midway leaves the previous dataset intact and no stray folder in its place.
def test_killed_writer_leaves_previous_dataset(tmp_path):
    write_dataset(tmp_path / "ds", ROWS, "old card")
    before = _snapshot(tmp_path / "ds")
    script = textwrap.dedent(f"""
        import os, signal
        import tractor.dataset.writer as f
        def die(*a, **k):
            os.kill(os.getpid(), signal.SIGKILL)
        f._swap_in = die
        f.write_dataset({str(tmp_path / "ds")!r}, {{}}, "new card")
    """)
    proc = subprocess.Popen([sys.executable, "-c", script])
    assert proc.wait() == -signal.SIGKILL
    assert _snapshot(tmp_path / "ds") == before
    # the dead writer's temporary folder is left behind, named with its process id ...
    (stale,) = tmp_path.glob(".ds.*.tmp")
    assert stale.name.startswith(f".ds.{proc.pid}.")
    # ... and the next write removes it, but not the folder of a writer that is still running
    live = tmp_path / f".ds.{os.getpid()}.abc.tmp"
    live.mkdir()
    write_dataset(tmp_path / "ds", ROWS, "card")
    assert sorted(tmp_path.glob(".ds.*.tmp")) == [live]


# Rows are streamed in fixed-size row groups: many rows read back in order, and the bytes do not
# depend on how the rows were handed to the writer.
def test_streamed_row_groups(tmp_path):
    import pyarrow.parquet as pq

    from tractor.dataset.writer import DatasetWriter

    errors = [{"source": f"f{i}.pdf", "stage": "pdf", "error": "encrypted"} for i in range(10_000)]
    write_dataset(tmp_path / "a", {"errors": errors}, "card")
    with DatasetWriter(tmp_path / "b") as writer:
        for i in range(0, len(errors), 7):
            writer.write("errors", errors[i:i + 7])
        writer.commit("card")
    assert read_config(tmp_path / "a", "errors") == errors
    assert pq.ParquetFile(config_path(tmp_path / "a", "errors")).num_row_groups == 3
    assert _snapshot(tmp_path / "a") == _snapshot(tmp_path / "b")


# A crash between the two renames of the swap is repaired on the next run.
def test_interrupted_swap_recovered(tmp_path):
    write_dataset(tmp_path / "ds", ROWS, "card")
    os.rename(tmp_path / "ds", tmp_path / "ds.tractor-old")
    recover_interrupted_swap(tmp_path / "ds")
    assert read_config(tmp_path / "ds", "errors") == ROWS["errors"]


# Folders that are not datasets give a specific error, and are never overwritten.
@pytest.mark.parametrize("setup, config, message", [
    (lambda p: p.mkdir(), "transcripts", "not a dataset folder"),
    (lambda p: (p.mkdir(), (p / "README.md").write_text("x")), "claims", "has no config 'claims'"),
])
def test_not_a_dataset(tmp_path, setup, config, message):
    setup(tmp_path / "x")
    with pytest.raises(DatasetError, match=message):
        read_config(tmp_path / "x", config)


def test_refuses_to_replace_unrelated_folder(tmp_path):
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "thesis.tex").write_text("precious")
    with pytest.raises(DatasetError, match="not a dataset folder"):
        write_dataset(tmp_path / "home", ROWS, "card")
    assert (tmp_path / "home" / "thesis.tex").read_text() == "precious"
