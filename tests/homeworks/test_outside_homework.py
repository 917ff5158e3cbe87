"""A homework defined by its folder alone (issue 17's proof): ``outside/hw42`` holds a key, a
code template and a plug-in, and is listed in ``TRACTOR_HOMEWORKS``; nothing in tractor names
it. A short post about it is built, verified and labelled end to end, and its key checks itself.
"""

import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from tractor import homeworks
from tractor.cli import main
from tractor.errors import TractorError
from tractor.pipeline import BuildConfig, build_dataset

from testdata import HW42, listed_homework

FOLDER = HW42
POST = Path(__file__).parent / "outside" / "post.md"


@pytest.fixture(scope="module")
def outside(tmp_path_factory):
    with listed_homework(FOLDER):
        yield tmp_path_factory.mktemp("hw42")


@pytest.fixture(scope="module")
def dataset(outside):
    corpus = outside / "corpus"
    corpus.mkdir()
    shutil.copy(POST, corpus / POST.name)
    build_dataset(BuildConfig(corpus=corpus, out=outside / "ds", cache_dir=None))
    return {cfg: pd.read_parquet(outside / "ds" / cfg) for cfg in ("transcripts", "claims", "labels")}


def test_the_folder_is_a_homework(outside):
    assert "hw42" in homeworks.names()
    assert homeworks.get("hw42").key.part("5a").extra["template"] == "layer_norm.py"


def test_the_post_is_identified(dataset):
    [row] = dataset["transcripts"].to_dict("records")
    assert (row["homework"], row["model"], len(row["messages"])) == ("hw42", "chatgpt", 10)


# Every part's first attempt, through the real extractors and verifier (5a runs in the sandbox).
FIRST_ATTEMPTS = [
    ("1a", "expression", "correct"),
    ("1b", "expression", "incorrect"),  # sigma^2/n, the variance: the square of sigma/sqrt(n)
    ("2a", "vector", "correct"),
    ("3a", "big_o", "correct"),
    ("4a", "choice", "incorrect"),  # batch normalization, where the key has (b)
    ("5a", "code_blanks", "correct"),
]


@pytest.mark.parametrize("part,kind,verdict", FIRST_ATTEMPTS)
def test_first_attempt_verdicts(dataset, part, kind, verdict):
    claims = dataset["claims"]
    [row] = claims[(claims.part == part) & (claims.attempt == 1)].to_dict("records")
    assert (row["kind"], row["verdict"]) == (kind, verdict), row["detail"]


# The labels the verifier's results give: the standard error's wrong constant, the wrong option.
def test_labels(dataset):
    labels = dataset["labels"]
    assert sorted(zip(labels.part, labels.label)) == [("1b", "wrong_constant"), ("4a", "other_error")]


def test_check_key_runs_on_both_homeworks(outside):
    for name in ("hw42", "hw09"):
        result = CliRunner().invoke(main, ["check-key", name])
        assert result.exit_code == 0, result.output
        assert " 0 failed" in result.output.splitlines()[-1]


# A listed folder that holds no key is a clear error naming it, not a silent skip.
def test_a_listed_folder_without_a_key(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACTOR_HOMEWORKS", str(tmp_path))
    with pytest.raises(TractorError, match=f"TRACTOR_HOMEWORKS: {tmp_path} holds no key.toml"):
        homeworks.folders()
