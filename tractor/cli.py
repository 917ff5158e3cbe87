"""The command line: a thin click layer over the library.

Domain errors (:class:`~tractor.errors.TractorError`) become one-line messages and exit status 1;
nothing heavy is imported until a command runs, so ``tractor --help`` is instant."""

from __future__ import annotations

import functools
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
@_domain_errors
def build_dataset(corpus, out, jobs, roster, strict, no_verify):
    """Build a Hugging Face dataset folder from CORPUS (default: the bundled sample corpus)."""
    from .paths import bundled_corpus
    from .pipeline import BuildConfig, build_dataset as build, corpus_files

    corpus = corpus or bundled_corpus()
    config = BuildConfig(corpus=corpus, out=out, jobs=jobs, roster=roster, verify=not no_verify)
    total = len(corpus_files(corpus))
    with click.progressbar(length=total, label="ingesting", file=click.get_text_stream("stderr"),
                           item_show_func=lambda s: s) as bar:
        summary = build(config, on_file=lambda rel: bar.update(1, rel))
    click.echo(f"read {summary.files} files: {summary.transcripts} transcripts, "
               f"{summary.failed_files} files failed, {summary.claims} claims, {summary.labels} labels")
    click.echo("by format: " + (", ".join(f"{k} {v}" for k, v in summary.by_format.items()) or "none"))
    click.echo("by model:  " + (", ".join(f"{k} {v}" for k, v in summary.by_model.items()) or "none"))
    for failure in summary.failures:
        click.echo(f"  {failure.source}: [{failure.stage}] {failure.error}")
    click.echo(f"wrote {out}")
    if strict and summary.failures:
        raise click.ClickException(f"{len(summary.failures)} error rows (--strict)")
