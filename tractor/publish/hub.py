"""Publishing a dataset folder to the Hugging Face Hub.

:func:`publish` stages what will be uploaded (the configs' Parquet files and a regenerated card)
in a temporary folder, proves every config loads with ``datasets.load_dataset`` from a fresh
cache, runs the privacy gate over the staged data and card, and only then uploads with
``HfApi.upload_folder``. The user's folder is never modified, and nothing else in it (editor
files, old reports) is uploaded.

A config with no rows (a clean build has no ``errors``) is uploaded and listed too, so that every
config the card documents exists: its Parquet file holds the columns and no row group.
``datasets`` 5.2 refuses to build a split with no rows ("corresponds to no data") but streams it,
so an empty config is checked by streaming it.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .. import __version__
from ..dataset.folder import config_path
from ..dataset.schema import CONFIGS
from ..errors import DatasetError, TractorError
from .gate import Finding, check_dataset

_PSEUDONYM = re.compile(r"\bstudent-[0-9a-f]{10}\b")


class PrivacyGateError(TractorError):
    """The staged dataset or its card still holds an identity; nothing was uploaded."""

    def __init__(self, findings: list[Finding]):
        shown = "\n".join(f"  {f}" for f in findings[:20])
        more = f"\n  ... and {len(findings) - 20} more" if len(findings) > 20 else ""
        super().__init__(f"privacy gate: {len(findings)} identities remain; refusing to upload:\n{shown}{more}")
        self.findings = findings


@dataclass(frozen=True)
class PublishResult:
    repo_id: str
    files: list[tuple[str, int]]  # (path in the repository, size in bytes)
    card: str
    findings: list[Finding] = field(default_factory=list)
    commit_url: str = ""  # empty for a dry run

    @property
    def passed_gate(self) -> bool:
        return not self.findings


def publish(dataset: Path, repo_id: str, private: bool = False, dry_run: bool = False, token: str | None = None,
            roster: Path | None = None, on_step: Callable[[str], None] = lambda _: None) -> PublishResult:
    """Validate, gate and upload ``dataset`` to the dataset repository ``repo_id``.

    A dry run does everything but the upload and returns the findings instead of raising, so the
    caller can show the files, the card and what the gate found. A real run raises
    :class:`PrivacyGateError` if the gate finds anything, and :class:`TractorError` for a missing
    token or a Hub error. The token is ``token``, else ``HF_TOKEN``, else the saved login.
    """
    from ..dataset.view import load_dataset_folder

    _check_repo_id(repo_id)
    on_step("read")
    ds = load_dataset_folder(dataset)
    configs = published_configs(ds)
    if "transcripts" not in configs:
        raise DatasetError(f"{dataset} has no transcripts; there is nothing to publish")
    on_step("card")
    card = dataset_card(ds, repo_id)
    with tempfile.TemporaryDirectory(prefix="tractor-publish-") as tmp:
        staged = Path(tmp) / "dataset"
        on_step("stage")
        files = stage(Path(dataset), staged, card, configs)
        on_step("load check")
        check_loads(staged, configs)
        on_step("privacy gate")
        findings = check_dataset(staged, card, roster, configs)
        if dry_run:
            return PublishResult(repo_id, files, card, findings)
        if findings:
            raise PrivacyGateError(findings)
        on_step("upload")
        url = _upload(staged, repo_id, private, token)
    return PublishResult(repo_id, files, card, findings, url)


def _check_repo_id(repo_id: str) -> None:
    from huggingface_hub.utils import HFValidationError, validate_repo_id

    try:
        validate_repo_id(repo_id)
    except HFValidationError as exc:
        raise TractorError(f"invalid --repo-id {repo_id!r}: {exc}") from exc
    if "/" not in repo_id:
        raise TractorError(f"invalid --repo-id {repo_id!r}: expected ORG/NAME (or USER/NAME)")


def published_configs(ds) -> list[str]:
    """Every config, in schema order (see card.render_card); the transcripts must have rows."""
    return list(CONFIGS) if ds.transcripts else []


def stage(dataset: Path, staged: Path, card: str, configs: list[str]) -> list[tuple[str, int]]:
    """Copy the configs' Parquet files and write the card: exactly the files to upload."""
    for config in configs:
        target = config_path(staged, config)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(config_path(dataset, config), target)
    (staged / "README.md").write_text(card, encoding="utf-8")
    return [(p.relative_to(staged).as_posix(), p.stat().st_size)
            for p in sorted(staged.rglob("*")) if p.is_file()]


def check_loads(folder: Path, configs: list[str]) -> None:
    """Every config loads with ``datasets.load_dataset`` from a fresh cache, as the Hub's
    viewer and users will load it (an empty one streamed, with its columns); a failure names
    the config and the library's reason."""
    import pyarrow.parquet as pq

    import datasets

    bars_were_on = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()  # our caller shows its own progress
    try:
        with tempfile.TemporaryDirectory(prefix="tractor-load-check-") as cache:
            for config in configs:
                try:
                    if pq.ParquetFile(config_path(folder, config)).metadata.num_rows:
                        datasets.load_dataset(str(folder), config, split="train", cache_dir=cache)
                    else:
                        split = datasets.load_dataset(str(folder), config, split="train", streaming=True)
                        if list(split.features) != pq.read_schema(config_path(folder, config)).names:
                            raise DatasetError(f"columns {list(split.features)}")
                except Exception as exc:  # datasets raises many unrelated types for a bad folder
                    raise DatasetError(f"config {config!r} does not load with datasets.load_dataset: {exc}") from exc
    finally:
        if bars_were_on:
            datasets.enable_progress_bars()


def dataset_card(ds, repo_id: str) -> str:
    """The card: card.py's body (configs, columns, labels, privacy, license) with the versions
    the dataset was built with, plus how it was built, what was removed, and a citation."""
    from huggingface_hub import DatasetCard

    from ..dataset.card import CardFacts, card_versions, render_card

    built_with, key_versions = card_versions(ds.card)
    facts = CardFacts(
        rows=dict(ds.row_counts), duplicates=sum(1 for t in ds.all_transcripts if t.get("duplicate_of")),
        models=dict(Counter(t["model"] for t in ds.transcripts)),
        homeworks=dict(Counter(t["homework"] for t in ds.transcripts)),
        key_versions=key_versions, label_definitions=ds.label_definitions, tractor_version=built_with,
    )
    card = DatasetCard(render_card(facts))
    card.data.size_categories = [_size_category(ds.row_counts.get("transcripts", 0))]
    extra = _built(ds, built_with) + _removed(ds) + _citation(repo_id)
    card.text = card.text.rstrip("\n") + "\n\n" + "\n".join(extra)
    return str(card)


def _size_category(n: int) -> str:
    return "n<1K" if n < 1000 else "1K<n<10K" if n < 10_000 else "10K<n<100K"


def _built(ds, built_with: str) -> list[str]:
    detectors = Counter(lb["detector"] for lb in ds.labels)
    return [
        "## How it was built", "",
        f"With tractor {built_with}, from the students' posts (text, Markdown, PDF, saved "
        "chat pages and chat exports):", "",
        "1. each post was read and split into user and model turns, keeping the student's annotations apart;",
        "2. student identities were replaced by keyed pseudonyms (see Privacy);",
        "3. the model and the homework were identified, with the evidence kept in `model_evidence` and "
        "`homework_evidence`;",
        "4. the model's claim on each homework part was extracted and verified by executing it against the answer "
        "key's reference implementations (sympy, PyTorch); claims that could not be judged are `unverified`, with "
        "the reason in `detail`;",
        "5. error types were labelled by the verifier, by rules and by small classifiers "
        f"({', '.join(f'{k}: {v}' for k, v in sorted(detectors.items())) or 'no labels'}).", "",
        f"{len(ds.errors)} files (or conversations) could not be read, or only in part; they are listed in the "
        "`errors` config.", "",
    ]


def _removed(ds) -> list[str]:
    """What the scrubbing left visible: counts of pseudonyms and removed links in the data."""
    texts = [m["content"] for t in ds.all_transcripts for m in t["messages"]]
    texts += [a["text"] for t in ds.all_transcripts for a in t["annotations"]]
    texts += [t[k] for t in ds.all_transcripts for k in ("summary", "source", "model_evidence")]
    pseudonyms = Counter(p for text in texts for p in _PSEUDONYM.findall(text))
    links = sum(text.count("[link removed]") for text in texts)
    return [
        "## What was removed for privacy", "",
        f"In this release {len(pseudonyms)} distinct pseudonyms stand for student identities "
        f"({sum(pseudonyms.values())} occurrences) and {links} chat or share links were removed. Before upload, "
        "every text cell and this card were checked again for e-mail addresses, student IDs, share links, roster "
        "names and bylines; the upload is refused if any remain.", "",
    ]


def _citation(repo_id: str) -> list[str]:
    key = re.sub(r"\W+", "_", repo_id).strip("_").lower()
    return [
        "## Citation", "",
        "```bibtex",
        f"@misc{{{key},",
        "  title        = {LLMs on the homework: annotated transcripts},",
        f"  howpublished = {{\\url{{https://huggingface.co/datasets/{repo_id}}}}},",
        f"  note         = {{Built with tractor {__version__}}}",
        "}",
        "```", "",
    ]


def _upload(staged: Path, repo_id: str, private: bool, token: str | None) -> str:
    from huggingface_hub import HfApi, get_token
    from huggingface_hub.errors import HfHubHTTPError

    token = token or get_token()
    if not token:
        raise TractorError("no Hugging Face token: set HF_TOKEN or run `hf auth login`")
    api = HfApi(token=token)
    try:
        api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
        commit = api.upload_folder(folder_path=staged, repo_id=repo_id, repo_type="dataset",
                                   commit_message=f"Upload dataset built with tractor {__version__}")
    except HfHubHTTPError as exc:
        raise TractorError(f"upload to {repo_id} failed: the Hub answered {_one_line(exc)}") from exc
    except _network_errors() as exc:
        raise TractorError(f"upload to {repo_id} failed: cannot reach the Hub ({type(exc).__name__}: "
                           f"{_one_line(exc)})") from exc
    return commit.commit_url


def _network_errors() -> tuple[type[BaseException], ...]:
    """What the Hub client raises when the network fails: its HTTP library's errors (httpx2 for
    huggingface_hub 2.x, httpx for 1.x, requests before), the socket's own, a malformed reply."""
    errors: list[type[BaseException]] = [OSError, ValueError]
    for module, name in (("httpx2", "HTTPError"), ("httpx", "HTTPError"), ("requests", "RequestException")):
        try:
            errors.append(getattr(__import__(module), name))
        except (ImportError, AttributeError):
            pass
    return tuple(errors)


def _one_line(exc: BaseException) -> str:
    """The first line of an error's message (the Hub's carry request ids and hints below it)."""
    return next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)


def format_result(result: PublishResult) -> str:
    """What a dry run shows: the files, the gate's verdict, and the card."""
    lines = [f"would upload to https://huggingface.co/datasets/{result.repo_id}:"]
    lines += [f"  {path}  ({size:,} bytes)" for path, size in result.files]
    if result.passed_gate:
        lines.append("privacy gate: passed")
    else:
        lines.append(f"privacy gate: FAILED, {len(result.findings)} identities remain:")
        lines += [f"  {f}" for f in result.findings]
    lines += ["", "---- README.md ----", result.card]
    return "\n".join(lines)
