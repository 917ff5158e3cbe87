"""Publishing: the dry run's files and card, the privacy gate blocking an upload, bad input, and
a real upload through huggingface_hub to a local fake Hub (HF_ENDPOINT), compared byte for byte."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fake_hub import FakeHub
from privacy_rows import CLEAN_ROWS, planted, write
from tractor.errors import DatasetError, TractorError
from tractor.dataset.folder import config_path
from tractor.dataset.schema import arrow_schema
from tractor.publish.hub import PrivacyGateError, format_result, publish

REPO = Path(__file__).resolve().parents[2]
PARQUET = "train-00000-of-00001.parquet"


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hub") / "dataset"
    write(folder, CLEAN_ROWS)
    return folder


@pytest.fixture(scope="module")
def dry(clean):
    return publish(clean, "course-org/llm-homework", dry_run=True)


# A dry run lists exactly the files to upload, and passes the gate.
def test_dry_run_files(dry, clean):
    assert [path for path, _ in dry.files] == ["README.md", *(f"{c}/{PARQUET}" for c in
                                                              ("claims", "errors", "labels", "transcripts"))]
    sizes = dict(dry.files)
    assert sizes[f"claims/{PARQUET}"] == config_path(clean, "claims").stat().st_size
    assert dry.passed_gate and dry.commit_url == ""
    assert "privacy gate: passed" in format_result(dry)


# The regenerated card: YAML metadata and every section a reader needs.
@pytest.mark.parametrize("expected", [
    "license: mit", "size_categories:\n- n<1K", "config_name: transcripts",
    "| `transcripts` | 1 | one row per conversation",  # summary of configs
    "## Columns of `transcripts`", "Columns of `labels`: `transcript_id`",
    "- `refusal`: ",  # label definitions
    "## How it was built", "small classifiers (rule: 1)",
    "## What was removed for privacy", "1 distinct pseudonyms stand for student identities (3 occurrences) and 1 chat",
    "## License", "## Citation", "howpublished = {\\url{https://huggingface.co/datasets/course-org/llm-homework}}",
    "Answer-key versions: hw09 v1.",  # kept from the build's card
    "answer_key_versions:\n  hw09: '1'",  # and in the YAML
])
def test_card(dry, expected):
    assert expected in dry.card


# Every config is published and listed in the card, empty ones too (a schema-only Parquet file):
# the empty one loads, streamed, with its columns and no rows; `load_dataset` used to answer
# "BuilderConfig 'errors' not found".
@pytest.mark.parametrize("empty", ["errors", "labels", "claims"])
def test_empty_config_published_and_loadable(tmp_path, empty):
    import datasets

    write(tmp_path / "ds", {**CLEAN_ROWS, empty: []})
    result = publish(tmp_path / "ds", "course-org/llm-homework", dry_run=True)
    assert f"{empty}/{PARQUET}" in dict(result.files)
    assert f"config_name: {empty}" in result.card and f"Empty configs: `{empty}`" in result.card
    (tmp_path / "ds" / "README.md").write_text(result.card)
    split = datasets.load_dataset(str(tmp_path / "ds"), empty, split="train", streaming=True)
    assert (list(split), list(split.features)) == ([], [f.name for f in arrow_schema(empty)])


# A planted identity fails the gate: a dry run reports it, a real run refuses before any upload.
def test_planted_email_fails(tmp_path):
    write(tmp_path / "ds", planted("transcripts", "messages[1].content", "write to jane.doe@example.edu"))
    result = publish(tmp_path / "ds", "course-org/llm-homework", dry_run=True)
    assert [(f.config, f.column, f.kind) for f in result.findings] == [("transcripts", "messages[1].content", "email")]
    assert "privacy gate: FAILED, 1 identities remain" in format_result(result)
    with pytest.raises(PrivacyGateError, match="transcripts row 0 column messages\\[1\\].content: email j"):
        publish(tmp_path / "ds", "course-org/llm-homework", token="hf_unused")


# Bad input: specific messages, no traceback.
@pytest.mark.parametrize("make, repo_id, error, message", [
    (lambda p: p.mkdir(), "org/name", DatasetError, "not a dataset folder"),
    (lambda p: write(p, CLEAN_ROWS) or config_path(p, "claims").unlink(), "org/name", DatasetError,
     "no config 'claims'"),
    (lambda p: write(p, CLEAN_ROWS), "org/bad name!", TractorError, "invalid --repo-id"),
    (lambda p: write(p, CLEAN_ROWS), "just-a-name", TractorError, "expected ORG/NAME"),
    (lambda p: write(p, {}), "org/name", DatasetError, "no transcripts"),
])
def test_bad_input(tmp_path, make, repo_id, error, message):
    make(tmp_path / "ds")
    with pytest.raises(error, match=message):
        publish(tmp_path / "ds", repo_id, dry_run=True)


_PUBLISH = """
import json, sys
from pathlib import Path
from tractor.errors import TractorError
from tractor.publish.hub import publish
try:
    result = publish(Path(sys.argv[1]), sys.argv[2], private=sys.argv[3] == "private")
except TractorError as exc:
    print(json.dumps({"error": str(exc)}))
    sys.exit(1)
print(json.dumps({"url": result.commit_url, "card": result.card}))
"""


def _run_publish(folder, repo_id, endpoint, home, token, private=True):
    """publish() in a fresh interpreter: huggingface_hub reads HF_ENDPOINT and HF_HUB_DISABLE_XET at import."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update(HF_ENDPOINT=endpoint, HF_HUB_DISABLE_XET="1", HF_HOME=str(home), HF_HUB_DISABLE_TELEMETRY="1",
               PYTHONPATH=str(REPO))
    if token:
        env["HF_TOKEN"] = token
    done = subprocess.run([sys.executable, "-c", _PUBLISH, str(folder), repo_id, "private" if private else "public"],
                          env=env, capture_output=True, text=True, timeout=300)
    return done.returncode, json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else done.stderr


# The upload goes through create_repo + upload_folder on the plain LFS protocol; the Hub ends up
# with the folder's Parquet bytes and the regenerated card, and the token was sent.
def test_upload_to_fake_hub(clean, dry, tmp_path):
    with FakeHub() as hub:
        code, out = _run_publish(clean, "course-org/llm-homework", hub.url, tmp_path / "hf", "hf_fake_token")
    assert code == 0, out
    assert out["url"].startswith(f"{hub.url}/datasets/course-org/llm-homework/commit/")
    assert hub.state.repos["course-org/llm-homework"]["visibility"] == "private"
    assert hub.state.repos["course-org/llm-homework"]["type"] == "dataset"
    configs = ("transcripts", "claims", "labels", "errors")
    expected = {f"{c}/{PARQUET}": config_path(clean, c).read_bytes() for c in configs}
    expected["README.md"] = dry.card.encode("utf-8")
    assert hub.state.files["course-org/llm-homework"] == expected
    assert sorted(hub.state.lfs) != [] and len(hub.state.lfs) == 4  # Parquet went through LFS batch + PUT
    assert hub.state.authorizations == {"Bearer hf_fake_token"}


# Without HF_TOKEN or a saved login, the upload stops with a clear message and sends nothing.
def test_upload_without_token(clean, tmp_path):
    with FakeHub() as hub:
        code, out = _run_publish(clean, "course-org/llm-homework", hub.url, tmp_path / "hf", token=None)
    assert code == 1 and "no Hugging Face token" in out["error"]
    assert hub.state.repos == {} and hub.state.files == {}


# Network and Hub errors are one line, not a traceback: no network at all (nothing listens on the
# endpoint), a Hub that answers 500, and one that answers 403.
@pytest.mark.parametrize("status, message", [
    (None, "cannot reach the Hub (ConnectError: "),
    (500, "the Hub answered Server error '500 Internal Server Error'"),
    (403, "the Hub answered 403 Forbidden"),
])
def test_hub_errors_are_one_line(clean, tmp_path, status, message):
    import socket
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Refuse(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_PUT = do_POST

    server = None
    if status is None:
        with socket.socket() as s:  # a port nothing listens on
            s.bind(("127.0.0.1", 0))
            endpoint = f"http://127.0.0.1:{s.getsockname()[1]}"
    else:
        server = ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update(HF_ENDPOINT=endpoint, HF_HUB_DISABLE_XET="1", HF_HOME=str(tmp_path / "hf"), HF_TOKEN="hf_fake",
               HF_HUB_DISABLE_TELEMETRY="1", HF_HUB_ETAG_TIMEOUT="2", HF_HUB_DOWNLOAD_TIMEOUT="2",
               PYTHONPATH=str(REPO))
    try:
        done = subprocess.run([sys.executable, "-m", "tractor", "publish", str(clean), "--repo-id", "org/name"],
                              env=env, capture_output=True, text=True, timeout=300)
    finally:
        if server:
            server.shutdown()
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-3000:]
    assert len(errors) == 1 and errors[0].startswith(f"Error: upload to org/name failed: {message}"), done.stderr
