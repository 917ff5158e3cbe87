"""A file's steps: each failure is recorded with its stage and source, and stops only what depends
on it (the file's later steps, or one transcript's)."""

from pathlib import Path

import pytest

from tractor.pipeline import BuildConfig, FileContext, FileRecord, each_transcript, process_file, run_steps, stage
from tractor.privacy import Pseudonymizer
from tractor.records import FailedFile, Message, Transcript

CONTEXT = FileContext(Path("post.txt"), "post.txt", BuildConfig(Path("corpus"), Path("out"), verify=False), None, None)


def transcript(source: str, text: str) -> Transcript:
    return Transcript(transcript_id=text, source=source, format="text", messages=[Message("assistant", text)])


@stage("extract")
def crashes(record, context):
    raise ValueError("a bug")


@stage("label")
def labels_once(record, context):
    record.labels.append(record.transcripts[0].transcript_id)
    return record


@stage("label")
def ends_run(record, context):
    record.done = True
    return record


# A step that raises ends the run with a FailedFile under its stage; a step that marks the record
# done ends it quietly; the steps before either keep their work.
@pytest.mark.parametrize("steps, labels, failures", [
    ((labels_once, labels_once), ["t", "t"], []),
    ((labels_once, crashes, labels_once), ["t"], [FailedFile("post.txt#1", "extract", "internal error: ValueError: a bug")]),
    ((labels_once, ends_run, labels_once), ["t"], []),
])
def test_run_steps(steps, labels, failures):
    done = run_steps(FileRecord(transcripts=[transcript("post.txt#1", "t")]), steps, CONTEXT, "post.txt#1")
    assert (done.labels, done.failures) == (labels, failures)


# One transcript's failure stops only its own steps, and is recorded under its own source; a
# conversation repeated in the file is processed once.
def test_each_transcript(monkeypatch):
    import tractor.pipeline as pipeline

    monkeypatch.setattr(pipeline, "TRANSCRIPT_STEPS", (labels_once,))
    record = FileRecord(transcripts=[transcript("f#1", "a"), transcript("f#2", "b"), transcript("f#3", "a")])
    assert each_transcript(record, CONTEXT).labels == ["a", "b"]
    monkeypatch.setattr(pipeline, "TRANSCRIPT_STEPS", (crashes, labels_once))
    record = FileRecord(transcripts=[transcript("f#1", "a"), transcript("f#2", "b")])
    done = each_transcript(record, CONTEXT)
    assert done.labels == []
    assert [(f.source, f.stage) for f in done.failures] == [("f#1", "extract"), ("f#2", "extract")]


# A file that cannot be read is one `read` row, and no later step runs.
def test_unreadable_file(tmp_path):
    config = BuildConfig(tmp_path, tmp_path / "out", verify=False)
    result = process_file(tmp_path / "gone.txt", "gone.txt", config, Pseudonymizer.from_environment())
    assert (result.transcripts, result.failures) == (
        [], [FailedFile("gone.txt", "read", "cannot read file: No such file or directory")])
