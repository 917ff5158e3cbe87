"""Gold evaluation on small dataset folders written with the real writer, against gold files in
the repository's format (data/gold/README.md)."""

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from tractor.errors import TractorError
from tractor.evaluate import evaluate, first_attempt_verdicts, format_eval, load_gold
from tractor.dataset.writer import write_dataset
from tractor.records import Claim, Label

GOLD = Path(__file__).resolve().parents[1] / "data" / "gold"


def _transcript(tid, source, user, assistant, model="chatgpt-5.1", homework="hw09"):
    messages = [{"role": r, "content": f"{r} {i}"} for i, r in enumerate(["user"] * user + ["assistant"] * assistant)]
    return {"transcript_id": tid, "source": source, "format": "text", "model": model, "model_evidence": "",
            "homework": homework, "homework_evidence": "", "messages": messages, "annotations": [],
            "summary": "", "partial": False, "duplicate_of": ""}


def _claim(tid, part, attempt, verdict):
    return asdict(Claim(tid, part, True, attempt, 1, "expression", "x", "x", verdict))


def _label(tid, name, part=""):
    return asdict(Label(tid, part, name, 1, "evidence", "verifier", 1.0))


def _dataset(tmp_path, transcripts, claims, labels) -> Path:
    out = tmp_path / "ds"
    write_dataset(out, {"transcripts": transcripts, "claims": claims, "labels": labels, "errors": []}, "# card\n")
    return out


def _gold(tmp_path, **gold) -> Path:
    folder = tmp_path / "gold"
    folder.mkdir(exist_ok=True)
    (folder / f"{gold['stem']}.json").write_text(json.dumps(gold))
    return folder


GOLD_A = dict(stem="010_post", model_family="chatgpt", homework="hw09",
              first_attempt={"1c": "incorrect", "1a": "correct"},
              present=[["wrong_constant", "1c"], ["self_corrected", ""]], absent=["refusal"],
              turns={"user": 2, "assistant": 2, "tolerance": 0}, pii=["Jane Roe"])


# One post, scored from the Parquet files: label hits, misses at the wrong part, misfires.
@pytest.mark.parametrize("labels, scores, miss", [
    ([_label("t1", "wrong_constant", "1c"), _label("t1", "self_corrected", "6b.i")],
     {"wrong_constant": (1, 0, 0), "self_corrected": (1, 0, 0), "refusal": (0, 0, 0)}, None),
    ([_label("t1", "wrong_constant", "1a")],
     {"wrong_constant": (0, 0, 1), "self_corrected": (0, 0, 1), "refusal": (0, 0, 0)},
     "wrong_constant@1c not found (found at 1a)"),
    ([_label("t1", "wrong_constant", "1c"), _label("t1", "self_corrected", "1c"), _label("t1", "refusal")],
     {"wrong_constant": (1, 0, 0), "self_corrected": (1, 0, 0), "refusal": (0, 1, 0)}, "refusal should not fire"),
])
def test_label_scores(tmp_path, labels, scores, miss):
    ds = _dataset(tmp_path, [_transcript("t1", "posts/010_post.txt", 2, 2)],
                  [_claim("t1", "1c", 1, "incorrect"), _claim("t1", "1a", 1, "correct")], labels)
    report = evaluate(ds, _gold(tmp_path, **GOLD_A))
    assert {k: (s.tp, s.fp, s.fn) for k, s in report.labels.items()} == scores
    assert (miss is None) == (not report.misses) and (miss is None or any(miss in m for m in report.misses))


# Verdict agreement, turn counts, model/homework and pii checks each produce their own miss.
@pytest.mark.parametrize("transcript, claims, agree, turns_agree, miss", [
    (_transcript("t1", "010_post.pdf", 2, 2), [_claim("t1", "1c", 1, "incorrect"), _claim("t1", "1a", 1, "correct")],
     2, 2, None),
    (_transcript("t1", "010_post.pdf", 2, 2), [_claim("t1", "1c", 1, "correct"), _claim("t1", "1c", 2, "incorrect")],
     0, 2, "first attempt on 1c: gold incorrect, dataset correct"),
    (_transcript("t1", "010_post.pdf", 3, 2), [], 0, 1, "user turns 3, gold 2"),
    (_transcript("t1", "010_post.pdf", 2, 2, model="gemini-2.5"), [], 0, 2, "gold family 'chatgpt'"),
    (_transcript("t1", "010_post.pdf", 2, 2, homework="hw10"), [], 0, 2, "homework 'hw10'"),
    ({**_transcript("t1", "010_post.pdf", 2, 2), "summary": "by Jane Roe"}, [], 0, 2, "'Jane Roe' appears"),
])
def test_agreements(tmp_path, transcript, claims, agree, turns_agree, miss):
    labels = [_label("t1", "wrong_constant", "1c"), _label("t1", "self_corrected", "1c")]
    report = evaluate(_dataset(tmp_path, [transcript], claims, labels), _gold(tmp_path, **GOLD_A))
    assert (report.first_attempt_agree, report.first_attempt_total) == (agree, 2)
    assert (report.turns_agree, report.turns_total) == (turns_agree, 2)
    if miss:
        assert any(miss in m for m in report.misses), report.misses
    else:
        assert report.misses == []


# Definite verdicts count claims on parts the key has a reference for (6a's free-text reference
# too, though no rubric checks it); an invented part is left out; unverified and error are not
# definite.
@pytest.mark.parametrize("claims, counts", [
    ([_claim("t1", "1c", 1, "incorrect"), _claim("t1", "1a", 1, "correct")], (2, 2)),
    ([_claim("t1", "1c", 1, "unverified"), _claim("t1", "1a", 1, "error")], (0, 2)),
    ([_claim("t1", "1c", 1, "correct"), _claim("t1", "6a", 1, "unverified"),
      {**_claim("t1", "6e", 1, "unverified"), "in_homework": False}], (1, 2)),
])
def test_definite_verdicts(tmp_path, claims, counts):
    report = evaluate(_dataset(tmp_path, [_transcript("t1", "010_post.txt", 2, 2)], claims, []),
                      _gold(tmp_path, **GOLD_A))
    assert (report.definite, report.with_reference) == counts
    assert f"definite verdicts on parts with a reference: {counts[0]}/{counts[1]}" in format_eval(report)


# Every version of a post (text, PDF, saved page, export conversation) is scored against its gold.
def test_all_versions_of_a_post_are_cases(tmp_path):
    transcripts = [_transcript("t1", "010_post.txt", 2, 2), _transcript("t2", "html/010_post.html", 2, 2),
                   _transcript("t3", "999_other.txt", 2, 2)]
    report = evaluate(_dataset(tmp_path, transcripts, [], []), _gold(tmp_path, **GOLD_A))
    assert report.cases == ["010_post <- 010_post.txt", "010_post <- html/010_post.html"]


def test_gold_without_a_transcript_is_a_miss(tmp_path):
    report = evaluate(_dataset(tmp_path, [], [], []), _gold(tmp_path, **GOLD_A))
    assert report.misses == ["010_post: no transcript in the dataset"]


def test_first_attempt_verdicts_rule():
    claims = [_claim("t", "6c", 1, "correct"), _claim("t", "6c", 1, "incorrect"), _claim("t", "6d", 1, "unverified"),
              _claim("t", "1a", 1, "correct"), _claim("t", "1a", 2, "incorrect")]
    assert first_attempt_verdicts(claims) == {"6c": "incorrect", "1a": "correct"}


def test_format_eval_prints_scores_and_misses(tmp_path):
    ds = _dataset(tmp_path, [_transcript("t1", "010_post.txt", 2, 2)], [_claim("t1", "1c", 1, "incorrect")],
                  [_label("t1", "wrong_constant", "1c"), _label("t1", "refusal")])
    text = format_eval(evaluate(ds, _gold(tmp_path, **GOLD_A)))
    assert "wrong_constant               1   0   0       1.00    1.00   1.00" in text
    assert "refusal                      0   1   0       0.00       -      -" in text
    assert "first-attempt verdicts agree: 1/2 (50%)" in text
    assert "refusal should not fire" in text


# The repository's own gold files load, and every stem has its post in corpus/ or data/gold/posts/.
def test_repository_gold_files():
    golds = load_gold(GOLD)
    assert {"000_c66c20e44076dd47", "001_c77c6757d0383bc8", "002_dae959164a571601"} <= {g["stem"] for g in golds}
    posts = [p.name for p in (GOLD.parents[1] / "corpus").rglob("*")] + [p.name for p in (GOLD / "posts").glob("*")]
    for gold in golds:
        assert any(name.startswith(gold["stem"]) for name in posts), gold["stem"]


@pytest.mark.parametrize("content, message", [("{", "gold file"), ('{"present": []}', "no 'stem'")])
def test_bad_gold_files(tmp_path, content, message):
    (tmp_path / "bad.json").write_text(content)
    with pytest.raises(TractorError, match=message):
        load_gold(tmp_path)
