"""The command line: a thin click layer over the library.

Domain errors (:class:`~tractor.errors.TractorError`) become one-line messages and exit status 1;
nothing heavy is imported until a command runs, so ``tractor --help`` is instant."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from . import __version__
from .errors import TractorError

DEFAULT_OUT = Path("tractor-dataset")


def _domain_errors(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except TractorError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tractor")
def main():
    """Turn students' "LLM on the homework" posts into a verified dataset and a report."""


@main.command("build-dataset")
@click.argument("corpus", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Dataset folder to write (replaced atomically).")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes.")
@click.option("--roster", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="CSV of student names/emails/IDs to pseudonymise wherever they appear.")
@click.option("--strict", is_flag=True, help="Exit with status 1 if any file failed.")
@click.option("--no-verify", is_flag=True, help="Extract claims but do not run the verifier.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Incremental-build cache [default: ~/.cache/tractor/build].")
@click.option("--no-cache", is_flag=True, help="Process every file afresh, reading and writing no cache.")
@_domain_errors
def build_dataset(corpus, out, jobs, roster, strict, no_verify, cache_dir, no_cache):
    """Build a Hugging Face dataset folder from CORPUS (default: the bundled sample corpus)."""
    from .build_cache import default_cache_dir
    from .paths import bundled_corpus
    from .pipeline import BuildConfig, build_dataset as build, corpus_posts
    from .progress import ProgressLine, throughput

    corpus = corpus or bundled_corpus()
    config = BuildConfig(corpus=corpus, out=out, jobs=jobs, roster=roster, verify=not no_verify,
                         cache_dir=None if no_cache else cache_dir or default_cache_dir())
    progress = ProgressLine(len(corpus_posts(corpus)), sys.stderr)
    try:
        summary = build(config, on_file=progress.update)
    finally:
        progress.close()
    click.echo(f"read {_n(summary.files, 'file')}: {_n(summary.transcripts, 'transcript')} "
               f"({summary.distinct} distinct, {_n(summary.duplicates, 'duplicate')}), "
               f"{_n(summary.failed_files, 'file')} failed, {_n(summary.claims, 'claim')}, {_n(summary.labels, 'label')} "
               + throughput(summary.files, progress.meter.elapsed()))
    click.echo("by format: " + (", ".join(f"{k} {v}" for k, v in summary.by_format.items()) or "none"))
    click.echo("by model:  " + (", ".join(f"{k} {v}" for k, v in summary.by_model.items()) or "none"))
    if summary.sandbox:
        click.echo(f"sandbox:   {summary.sandbox}")
    for failure in summary.failures:
        click.echo(f"  {failure.source}: [{failure.stage}] {failure.error}")
    click.echo(f"wrote {out}")
    if strict and summary.failed_files:
        raise click.ClickException(f"{summary.failed_files} files failed (--strict)")


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _one_file(path: Path, verify: bool):
    from .pipeline import BuildConfig, process_file
    from .privacy import Pseudonymizer

    config = BuildConfig(corpus=path.parent, out=Path(), verify=verify)
    result = process_file(path, path.name, config, Pseudonymizer.from_environment(None))
    for failure in result.failures:
        click.echo(f"{failure.source}: [{failure.stage}] {failure.error}", err=True)
    if not result.transcripts:
        raise click.ClickException(f"{path}: no transcript")
    return result


_JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per transcript) instead of a table.")


@main.command("claims")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@_JSON
@_domain_errors
def claims(file, as_json):
    """Show one post's homework parts, attempts and claims (not verified: see `tractor verify`)."""
    header = ("part", "in_hw", "att", "msg", "kind", "claim", "normalized", "tags")
    _show_claims(file, False, as_json, header, lambda c: (
        c.part, "yes" if c.in_homework else "NO", str(c.attempt), str(c.message_index), c.kind, c.claim,
        c.normalized, "; ".join(c.tags)))


@main.command("verify")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@_JSON
@_domain_errors
def verify(file, as_json):
    """Show one post's claims with the verifier's verdicts and details."""
    header = ("part", "att", "msg", "kind", "verdict", "claim", "detail")
    _show_claims(file, True, as_json, header, lambda c: (
        c.part, str(c.attempt), str(c.message_index), c.kind, c.verdict, c.normalized or c.claim, c.detail))


# Fields a `claims --json` row leaves out: nothing was verified, so they would only say so.
_UNVERIFIED_FIELDS = ("verdict", "detail", "reference", "facts")


def _show_claims(file: Path, verify: bool, as_json: bool, header: tuple[str, ...], row) -> None:
    import json
    from dataclasses import asdict

    from .terminal import table

    result = _one_file(file, verify=verify)
    if as_json:
        out = []
        for t in result.transcripts:
            claims = [asdict(c) for c in result.claims if c.transcript_id == t.transcript_id]
            if not verify:
                claims = [{k: v for k, v in c.items() if k not in _UNVERIFIED_FIELDS} for c in claims]
            out.append({"source": t.source, "transcript_id": t.transcript_id, "model": t.model,
                        "homework": t.homework, "messages": len(t.messages), "claims": claims})
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for t in result.transcripts:
        mine = [c for c in result.claims if c.transcript_id == t.transcript_id]
        click.echo(f"{t.source}  model={t.model}  homework={t.homework}  messages={len(t.messages)}  "
                   f"claims={len(mine)}")
        click.echo(table(header, [row(c) for c in mine]))


@main.command("check-key")
@click.argument("homework", required=False)
@_JSON
@_domain_errors
def check_key(homework, as_json):
    """Check that every reference answer passes its own check and known-wrong answers fail."""
    import json

    from . import homeworks
    from .terminal import table
    from .verify import check_key as run_check

    checks = [(name, part, answer, passed, detail)
              for name in ([homework] if homework else homeworks.names())
              for part, answer, passed, detail in run_check(homeworks.get(name))]
    failed = sum(not passed for *_, passed, _ in checks)
    if as_json:
        click.echo(json.dumps([{"homework": n, "part": p, "answer": a, "passed": ok, "detail": d}
                               for n, p, a, ok, d in checks], ensure_ascii=False, indent=2))
    else:
        click.echo(table(("status", "homework", "part", "answer", "detail"),
                         [("ok" if ok else "FAIL", n, p, a, d) for n, p, a, ok, d in checks]))
        click.echo(f"{_n(len(checks), 'key check')}: {len(checks) - failed} passed, {failed} failed")
    if failed:
        raise click.ClickException(f"{failed} key checks failed")


@main.command("check")
@click.argument("claim")
@click.option("--part", help="Part id of the answer key to judge the claim on (e.g. 1c).")
@click.option("--homework", help="Homework of the part [default: the one whose key has it].")
@click.option("--reference", help="Judge the claim against this LaTeX instead of a key part.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@_domain_errors
def check(claim, part, homework, reference, as_json):
    """Judge one CLAIM text as a build would: verdict, parsed form and reason."""
    import dataclasses
    import json

    from .verify import check_claim

    if (part is None) == (reference is None):
        raise click.UsageError("give --part or --reference (one of them)")
    if homework and reference is not None:
        raise click.UsageError("--homework goes with --part, not --reference")
    result = check_claim(claim, homework=homework, part=part, reference=reference)
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(result), ensure_ascii=False, sort_keys=True))
    else:
        click.echo(f"{result.verdict}  (part {result.part}, {result.kind})\nparsed: {result.parsed or '-'}\n"
                   f"reason: {result.reason}")


@main.command("eval")
@click.option("--gold", "gold_dir", required=True, type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Folder of gold JSON files (format: data/gold/README.md).")
@click.option("--dataset", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="An existing dataset folder to score; default: build one from --corpus.")
@click.option("--corpus", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Corpus to build from (default: the bundled corpus, plus GOLD/posts when it exists).")
@click.option("--table", "tables", multiple=True, type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Also score a claim table with true verdicts (e.g. tests/verify/tables/*.jsonl); repeatable.")
@_domain_errors
def eval_(gold_dir, dataset, corpus, tables):
    """Score a dataset against gold labels: labels P/R/F1, first-attempt verdicts, turn counts."""
    import tempfile

    from .evaluate import evaluate, format_eval, format_tables

    with tempfile.TemporaryDirectory(prefix="tractor-eval-") as tmp:
        if dataset is None:
            dataset = _build_for_eval(gold_dir, corpus, Path(tmp))
        click.echo(format_eval(evaluate(dataset, gold_dir)))
    if tables:
        click.echo("\nclaim tables:\n" + format_tables(list(tables)))


def _build_for_eval(gold_dir: Path, corpus: Path | None, tmp: Path) -> Path:
    """Build a dataset from the corpus plus the gold folder's own posts, linked into one folder."""
    from .paths import bundled_corpus
    from .pipeline import BuildConfig, build_dataset as build, corpus_files

    sources = [corpus] if corpus else [bundled_corpus(), gold_dir / "posts"]
    merged = tmp / "corpus"
    for source in (s for s in sources if s.is_dir()):
        for f in corpus_files(source):
            link = merged / source.name / f.relative_to(source)
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(f.resolve())
    click.echo(f"building a dataset from {', '.join(str(s) for s in sources if s.is_dir())} ...", err=True)
    build(BuildConfig(corpus=merged, out=tmp / "dataset"))
    return tmp / "dataset"


@main.command("report")
@click.argument("dataset", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Report file [default: report.html, or report.md with --format md].")
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default="html", show_default=True,
              help="html: the whole report in one file; md: a short summary for a forum post.")
@click.option("--full", is_flag=True, help="With --format md: every section, not the summary.")
@_domain_errors
def report(dataset, out, fmt, full):
    """Write the course retrospective for DATASET (a folder built by build-dataset)."""
    from .report import REPORT_STEPS, build_report

    out = out or Path(f"report.{fmt}")
    with click.progressbar(length=len(REPORT_STEPS), label="report", file=sys.stderr,
                           item_show_func=lambda s: s) as bar:
        written = build_report(dataset, out, fmt, on_step=lambda step: bar.update(1, step), full=full)
    click.echo(f"wrote {written}")


@main.command("publish")
@click.argument("dataset", type=click.Path(path_type=Path))
@click.option("--repo-id", required=True, help="ORG/NAME of the dataset repository on the Hub.")
@click.option("--private", is_flag=True, help="Create the repository as private.")
@click.option("--dry-run", is_flag=True, help="Show the files, the card and the privacy gate; upload nothing.")
@click.option("--roster", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Roster CSV: its names, e-mails and IDs must not appear anywhere.")
@_domain_errors
def publish(dataset, repo_id, private, dry_run, roster):
    """Check DATASET (loads, privacy gate), regenerate its card, and upload it to the Hub."""
    from .publish.hub import format_result, publish as run_publish

    result = run_publish(dataset, repo_id, private=private, dry_run=dry_run, roster=roster)
    click.echo(format_result(result))
    if not result.passed_gate:
        raise click.ClickException("privacy gate failed: nothing may be uploaded until these are removed")
    if not dry_run:
        click.echo(f"uploaded: {result.commit_url}")
