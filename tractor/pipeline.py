"""The build: load → segment → identify → scrub → extract → verify → label → write.

Each file's record (a :class:`FileRecord`: its transcripts, claims, labels and failures) flows
through :data:`FILE_STEPS`, each ``step(record, context) -> record`` with one job, and each
transcript through :data:`TRANSCRIPT_STEPS`; the stages themselves are modules with one entry
point each. A file that fails becomes a :class:`~tractor.records.FailedFile` row with the stage
that failed and a specific message; the batch always goes on. Where the files are processed (in
this process or a pool of workers) is :mod:`tractor.executor`'s business; results come back in
sorted order, so the same corpus gives the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from .errors import IngestError, TractorError
from .records import ASSISTANT, Annotation, Claim, Document, FailedFile, Label, Message, Transcript


@dataclass(frozen=True)
class BuildConfig:
    corpus: Path
    out: Path
    jobs: int = 1
    roster: Path | None = None
    verify: bool = True  # run the verifier (and the labels that depend on it)
    cache_dir: Path | None = None  # incremental-build cache; None: no cache


@dataclass
class FileResult:
    """Everything one file contributed: its transcripts, claims, labels and failures."""

    transcripts: list[Transcript] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    failures: list[FailedFile] = field(default_factory=list)


@dataclass(frozen=True)
class BuildSummary:
    files: int
    transcripts: int
    failed_files: int
    claims: int
    labels: int
    by_format: dict[str, int]
    by_model: dict[str, int]
    failures: tuple[FailedFile, ...]
    sandbox: str = ""  # why code claims were not run, when they were not
    duplicates: int = 0  # transcripts that repeat a kept one (``duplicate_of`` set)

    @property
    def distinct(self) -> int:
        """Conversations, each counted once."""
        return self.transcripts - self.duplicates


def corpus_files(corpus: Path) -> list[Path]:
    """Every post in the corpus, sorted; hidden files and folders are skipped."""
    from .ingest import SUPPORTED_SUFFIXES

    corpus = Path(corpus)
    if not corpus.is_dir():
        raise TractorError(f"corpus {corpus} is not a folder")
    return sorted(
        p for p in corpus.rglob("*")
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and p.name.lower() != "readme.md"
        and not any(part.startswith(".") for part in p.relative_to(corpus).parts)
    )


def corpus_posts(corpus: Path) -> list[Path]:
    """:func:`corpus_files`, and a :class:`~tractor.errors.TractorError` when there are none: a
    build with nothing to read must not replace a dataset with an empty one."""
    from .ingest import SUPPORTED_SUFFIXES

    files = corpus_files(corpus)
    if not files:
        raise TractorError(f"no posts found in {corpus} (looked for {', '.join(sorted(SUPPORTED_SUFFIXES))} files)")
    return files


def build_dataset(config: BuildConfig, on_file: Callable[[str], None] = lambda _: None) -> BuildSummary:
    """Build the dataset folder ``config.out`` from ``config.corpus``. Each file's rows are
    streamed to the writer as soon as the file is done, so memory does not grow with the corpus."""
    from . import executor
    from .dataset.card import CardFacts, render_card
    from .dataset.writer import DatasetWriter
    from .duplicates import DuplicateFinder
    from .privacy import Pseudonymizer
    from .verify.sandboxes import NO_SANDBOX

    files = corpus_posts(config.corpus)
    scrubber = Pseudonymizer.from_environment(config.roster)
    formats, models, homeworks = Counter(), Counter(), Counter()
    failures, partial_sources, no_sandbox = [], set(), False
    duplicates, written_ids, n_duplicates = DuplicateFinder(), set(), 0
    with DatasetWriter(config.out) as writer:
        tasks = [(p, p.relative_to(config.corpus).as_posix()) for p in files]
        work = functools.partial(process_file, config=config, scrubber=scrubber)
        for rel, result in executor.run(tasks, work, config.jobs):
            on_file(rel)
            for t in result.transcripts:
                t.duplicate_of = duplicates.check(t.transcript_id, [m.content for m in t.messages if m.role == ASSISTANT])
            # an exact duplicate's claims and labels would be copies under the kept one's id
            fresh = [c for c in result.claims if c.transcript_id not in written_ids]
            writer.write("transcripts", [_transcript_row(t) for t in result.transcripts])
            writer.write("claims", [asdict(c) for c in fresh])
            writer.write("labels", [asdict(lb) for lb in result.labels if lb.transcript_id not in written_ids])
            writer.write("errors", [asdict(f) for f in result.failures])
            for t in result.transcripts:
                written_ids.add(t.transcript_id)
                formats[t.format] += 1
                n_duplicates += bool(t.duplicate_of)
                if not t.duplicate_of:
                    models[t.model] += 1
                    homeworks[t.homework] += 1
                if t.partial:
                    partial_sources.add(t.source)
            failures += result.failures
            no_sandbox = no_sandbox or any(c.fact_map.get("not_run") == "no sandbox" for c in result.claims)
        facts = CardFacts(
            rows=dict(writer.counts), models=dict(models), homeworks=dict(homeworks),
            duplicates=n_duplicates,
            key_versions=_key_versions(set(homeworks)), label_definitions=_label_definitions(),
        )
        writer.commit(render_card(facts))
    failed_sources = {f.source.split("#")[0] for f in failures if f.source not in partial_sources}
    return BuildSummary(
        files=len(files), transcripts=writer.counts["transcripts"], failed_files=len(failed_sources),
        claims=writer.counts["claims"], labels=writer.counts["labels"],
        by_format=dict(sorted(formats.items())), by_model=dict(sorted(models.items())), failures=tuple(failures),
        sandbox=f"{NO_SANDBOX}: code claims left unverified" if no_sandbox else "",
        duplicates=n_duplicates,
    )


def process_file(path: Path, rel: str, config: BuildConfig, scrubber) -> FileResult:
    """All steps for one file. Never raises: every failure becomes a FailedFile row."""
    from .executor.caches import build_cache

    scrubber = scrubber.for_file(rel)  # a name in the file name is the post's author
    context = FileContext(path, scrubber.scrub(rel, []), config, scrubber,
                          build_cache(config.cache_dir, config.roster, scrubber))
    record = run_steps(FileRecord(), FILE_STEPS, context, context.source)
    return FileResult(record.transcripts, record.claims, record.labels, record.failures)


@dataclass(frozen=True)
class FileContext:
    """What every step of one file reads and none changes."""

    path: Path
    source: str  # the file's path in the corpus with identities removed: its rows' ``source``
    config: BuildConfig
    scrubber: object  # the build's scrubber narrowed to this file (names in its file name)
    cache: object | None  # the build cache (:class:`~tractor.build_cache.BuildCache`), if any


@dataclass
class FileRecord(FileResult):
    """A file's result while it flows through the steps, with what they hand on: the file's bytes
    and their digest, and ``done`` once nothing is left to do (the file cannot be read, or its
    claims and labels came from the cache)."""

    data: bytes = b""
    digest: str = ""
    done: bool = False


Step = Callable[[FileRecord, FileContext], FileRecord]


def stage(name: str) -> Callable[[Step], Step]:
    """Name the stage a step's unexpected exception is recorded under (``FailedFile.stage``)."""
    def named(step: Step) -> Step:
        step.stage = name
        return step
    return named


def run_steps(record: FileRecord, steps: tuple[Step, ...], context: FileContext, source: str) -> FileRecord:
    """``steps`` in order on ``record`` until one marks it done. A step that raises ends the run
    with a FailedFile row for ``source`` under the step's stage: one bug must not take the batch
    down, and nothing is dropped without a recorded reason."""
    for step in steps:
        if record.done:
            break
        try:
            record = step(record, context)
        except Exception as exc:
            record.failures.append(FailedFile(source, step.stage, f"internal error: {type(exc).__name__}: {exc}"))
            break
    return record


@stage("read")
def read_post(record: FileRecord, context: FileContext) -> FileRecord:
    """The file's bytes and their digest (the build cache's key)."""
    try:
        record.data = context.path.read_bytes()
    except OSError as exc:
        record.failures.append(FailedFile(context.source, "read", f"cannot read file: {exc.strerror}"))
        record.done = True
        return record
    record.digest = hashlib.sha256(record.data).hexdigest()
    return record


@stage("read")
def ingest_post(record: FileRecord, context: FileContext) -> FileRecord:
    """The post's transcripts and reading failures (:func:`ingest`), from the build cache when it
    has them."""
    cache, suffix = context.cache, context.path.suffix
    cached = cache.get(record.digest, suffix, context.source) if cache else None
    if cached is None:
        cached = ingest(record.data, context.source, suffix, context.scrubber)
        if cache:
            cache.put(record.digest, suffix, context.source, *cached)
    record.transcripts = cached[0]
    record.failures += cached[1]
    return record


@stage("cache")
def cached_claims(record: FileRecord, context: FileContext) -> FileRecord:
    """The claims and labels the build cache holds for these transcripts and their homeworks'
    keys: then the file is done."""
    if not context.cache:
        return record
    done = context.cache.get_result(record.digest, context.path.suffix,
                                    _result_context(context.config, record.transcripts))
    if done is not None:
        record.claims, record.labels = done
        record.done = True
    return record


@stage("extract")
def find_claims(record: FileRecord, context: FileContext) -> FileRecord:
    """The transcript's claims, verified when the build verifies (:func:`extract_and_verify`)."""
    from .executor.caches import verdict_cache

    verdicts = verdict_cache(context.config.cache_dir)
    record.claims = extract_and_verify(record.transcripts[0], context.config.verify, verdicts)
    return record


@stage("label")
def find_labels(record: FileRecord, context: FileContext) -> FileRecord:
    """The transcript's error-type labels, from its text and its claims' verdicts."""
    record.labels = label_transcript(record.transcripts[0], record.claims)
    return record


TRANSCRIPT_STEPS = (find_claims, find_labels)


@stage("extract")
def each_transcript(record: FileRecord, context: FileContext) -> FileRecord:
    """:data:`TRANSCRIPT_STEPS` on each transcript of the file in turn, each on a record of its
    own, so that one transcript's failure (recorded under its source) stops only its own steps."""
    for i, transcript in enumerate(record.transcripts):
        if any(t.transcript_id == transcript.transcript_id for t in record.transcripts[:i]):
            continue  # the same conversation twice in one file (an export): its claims once
        done = run_steps(FileRecord(transcripts=[transcript]), TRANSCRIPT_STEPS, context, transcript.source)
        record.claims += done.claims
        record.labels += done.labels
        record.failures += done.failures
    return record


@stage("cache")
def store_claims(record: FileRecord, context: FileContext) -> FileRecord:
    """Keep the claims and labels in the build cache for the next build, when clean: a crash, a
    sandbox error or a missing sandbox may not happen next time. Reading failures (damaged
    files, conversations an export lacks) are the file's own and come back with it from the
    cache: their stages are never a transcript step's."""
    from .verify.sandboxes import is_transient

    failed = {step.stage for step in TRANSCRIPT_STEPS}
    if context.cache and not any(f.stage in failed for f in record.failures) and not any(
            is_transient(c.verdict, c.fact_map) for c in record.claims):
        context.cache.put_result(record.digest, context.path.suffix,
                                 _result_context(context.config, record.transcripts), record.claims, record.labels)
    return record


# The steps of one file, in order; each does one job on the record and hands it on.
FILE_STEPS = (read_post, ingest_post, cached_claims, each_transcript, store_claims)


def _result_context(config: BuildConfig, transcripts: list[Transcript]) -> str:
    from .build_cache import result_context

    return result_context(config.verify, {t.homework for t in transcripts})


def ingest(data: bytes, source: str, suffix: str, scrubber) -> tuple[list[Transcript], list[FailedFile]]:
    """Read, segment, scrub and identify: a file's transcripts and its failures."""
    from .ingest import load_bytes

    transcripts: list[Transcript] = []
    failures: list[FailedFile] = []
    try:
        documents = load_bytes(data, source, suffix)
    except IngestError as exc:
        return transcripts, [FailedFile(source, exc.stage, str(exc))]
    except Exception as exc:  # a reader bug must not take the batch down
        return transcripts, [FailedFile(source, "read", f"internal error: {type(exc).__name__}: {exc}")]
    for doc in documents:
        if isinstance(doc, IngestError):
            failures.append(FailedFile(source, doc.stage, str(doc)))
            continue
        try:
            transcripts.append(to_transcript(doc, scrubber))
            if doc.partial:
                failures.append(FailedFile(doc.source, "read", doc.damage))
        except IngestError as exc:
            failures.append(FailedFile(doc.source, exc.stage, str(exc)))
        except Exception as exc:
            failures.append(FailedFile(doc.source, "segment", f"internal error: {type(exc).__name__}: {exc}"))
    return transcripts, failures


def to_transcript(doc: Document, scrubber) -> Transcript:
    """Segment a document into turns, remove identities, name its model and homework."""
    from .segment.homework_id import identify_homework
    from .segment.model_id import identify_model
    from .segment.turns import segment

    seg = segment(doc)
    if not any(m.role == "assistant" for m in seg.messages):
        raise IngestError("no model answer found in the text (not a chat transcript?)", stage="segment")
    # the whole post, title first: a name found anywhere in it is removed from every part
    body = doc.text or "\n\n".join(t.content for t in doc.turns or ())
    post = scrubber.for_post(f"{doc.title}\n{body}", doc.identities)
    messages = [Message(m.role, post.scrub(m.content)) for m in seg.messages]
    annotations = [Annotation(post.scrub(a.text), a.after_message) for a in seg.annotations]
    summary = post.scrub(seg.summary)
    model, model_evidence = identify_model(doc, messages, summary, annotations)
    student_text = "\n\n".join([summary, *(a.text for a in annotations),
                                 *(m.content for m in messages if m.role == "user")])
    homework, homework_evidence = identify_homework("\n\n".join(m.content for m in messages), student_text)
    return Transcript(
        transcript_id=transcript_id(messages), source=doc.source, format=doc.format, messages=messages,
        annotations=annotations, summary=summary, model=model, model_evidence=post.scrub(model_evidence),
        homework=homework, homework_evidence=homework_evidence, partial=doc.partial,
    )


def transcript_id(messages: list[Message]) -> str:
    """Stable id from the (scrubbed) conversation itself, independent of file name and order."""
    payload = json.dumps([[m.role, m.content] for m in messages], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def extract_and_verify(transcript: Transcript, verify: bool, verdicts=None) -> list[Claim]:
    """Claims per part; verified against the homework's references when ``verify`` is set.
    ``verdicts`` (a :class:`~tractor.verify.VerdictCache`) lets one check serve every equal claim."""
    from . import homeworks
    from .extract import extract_claims

    if transcript.homework not in homeworks.names():
        return []  # no key (not homework, or a homework the bank lacks): no part to claim for
    homework = homeworks.get(transcript.homework)
    claims = extract_claims(transcript, homework.key)
    if verify and claims:
        from .verify import verify_claims

        claims = verify_claims(claims, homework, verdicts)
    return claims


def label_transcript(transcript: Transcript, claims: list[Claim]) -> list[Label]:
    from .label import label_transcript as run_labels

    return run_labels(transcript, claims)


def _label_definitions() -> dict[str, str]:
    from .label import definitions

    return definitions()


def _key_versions(names: set[str]) -> dict[str, str]:
    from . import homeworks

    known = set(homeworks.names())
    return {n: homeworks.get(n).key.version for n in sorted(names & known)}


def _transcript_row(t: Transcript) -> dict:
    row = asdict(t)
    row["messages"] = [{"role": m.role, "content": m.content} for m in t.messages]
    row["annotations"] = [{"text": a.text, "after_message": a.after_message} for a in t.annotations]
    return row
