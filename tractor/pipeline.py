"""The build: load → segment → identify → scrub → extract → verify → label → write.

One :class:`~tractor.records.Transcript` flows through small steps, each a module with one entry
point. A file that fails becomes a :class:`~tractor.records.FailedFile` row with the stage that
failed and a specific message; the batch always goes on. Files are processed in sorted order
(or by a process pool whose results are re-sorted), so the same corpus gives the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator

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
    from .duplicates import DuplicateFinder
    from .privacy import Pseudonymizer
    from .dataset.card import CardFacts, render_card
    from .dataset.writer import DatasetWriter
    from .verify.sandboxes import NO_SANDBOX

    files = corpus_posts(config.corpus)
    scrubber = Pseudonymizer.from_environment(config.roster)
    formats, models, homeworks = Counter(), Counter(), Counter()
    failures, partial_sources, no_sandbox = [], set(), False
    duplicates, written_ids, n_duplicates = DuplicateFinder(), set(), 0
    with DatasetWriter(config.out) as writer:
        for rel, result in _process_all(files, config, scrubber):
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
            no_sandbox = no_sandbox or any(NO_SANDBOX in c.detail for c in result.claims)
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


# Modules every build worker needs: imported once in the fork server, so that workers start
# with them loaded (no per-worker import time) and share their pages copy-on-write;
# ``tractor.warm_worker`` also loads the models they use.
_WORKER_PRELOAD = ["tractor.pipeline", "tractor.ingest", "tractor.segment.turns", "tractor.extract",
                   "tractor.verify", "tractor.label", "torch", "sympy", "tractor.warm_worker"]


# A build worker's memory grows with the files it has processed (spaCy's string store, parse
# and verdict caches), so each worker is replaced after this many files: peak memory then does
# not grow with the corpus. Python 3.11's ``max_tasks_per_child`` can deadlock (gh-115634), so
# each generation of workers is a pool of its own; the fork server outlives the pools, and a new
# worker starts from its preloaded state in milliseconds.
FILES_PER_WORKER = 100


def _process_all(files, config, scrubber) -> Iterator[tuple[str, FileResult]]:
    """Each file's result, in corpus order. A corpus too big for one worker generation goes
    through a pool even with ``jobs=1``, so that memory stays flat. With a pool, at most a few
    files per worker are in flight, so finished results wait in memory only until their turn,
    and the workers share one sandbox served by this process."""
    jobs = [(p, p.relative_to(config.corpus).as_posix()) for p in files]
    if len(jobs) <= 1 or (config.jobs <= 1 and len(jobs) <= FILES_PER_WORKER):
        for path, rel in jobs:
            yield rel, process_file(path, rel, config, scrubber)
        return
    import multiprocessing

    from .sandbox.broker import SandboxBroker

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_WORKER_PRELOAD)
    _start_forkserver()
    generation, broker = FILES_PER_WORKER * config.jobs, SandboxBroker()
    try:
        for start in range(0, len(jobs), generation):
            yield from _pool_generation(jobs[start:start + generation], config, scrubber, ctx, broker)
    finally:
        broker.close()


def _start_forkserver() -> None:
    """Start the fork server on the path this process imported tractor from.

    The fork server is a ``python -c`` child, so its path starts with the current folder, and
    Python 3.11 ignores the parent's path it is handed: run from a folder that holds another
    ``tractor`` (a clone's folder, seen from its parent), the workers imported that one and died.
    It is started here with the current folder left off its path (``PYTHONSAFEPATH``) and this
    package's own folder first, so the workers import the package the build runs. A fork server
    already running was started here before, the same way."""
    import os
    from multiprocessing import forkserver

    names = ("PYTHONPATH", "PYTHONSAFEPATH")
    saved = {name: os.environ.get(name) for name in names}
    package_root = str(Path(__file__).resolve().parent.parent)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, saved["PYTHONPATH"]]))
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        forkserver.ensure_running()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _pool_generation(jobs, config, scrubber, ctx, broker) -> Iterator[tuple[str, FileResult]]:
    """``jobs`` through a fresh pool of ``config.jobs`` workers, results in order."""
    from collections import deque

    window = 4 * config.jobs
    with ProcessPoolExecutor(max_workers=config.jobs, mp_context=ctx, initializer=_use_shared_sandbox,
                             initargs=(broker.address, broker.key)) as pool:
        pending: deque = deque()
        for path, rel in jobs:
            pending.append((rel, pool.submit(process_file, path, rel, config, scrubber)))
            if len(pending) >= window:
                rel_done, future = pending.popleft()
                yield rel_done, future.result()
        while pending:
            rel_done, future = pending.popleft()
            yield rel_done, future.result()


def _use_shared_sandbox(address: str, key: bytes) -> None:
    """Pool worker initializer: claimed code runs in the parent's one sandbox, not a new one."""
    from .verify.sandboxes import use_broker

    use_broker(address, key)


def process_file(path: Path, rel: str, config: BuildConfig, scrubber) -> FileResult:
    """All steps for one file. Never raises: every failure becomes a FailedFile row."""
    result = FileResult()
    scrubber = scrubber.for_file(rel)  # a name in the file name is the post's author
    safe_rel = scrubber.scrub(rel, [])
    try:
        data = path.read_bytes()
    except OSError as exc:
        result.failures.append(FailedFile(safe_rel, "read", f"cannot read file: {exc.strerror}"))
        return result
    cache, digest = _build_cache(config, scrubber), hashlib.sha256(data).hexdigest()
    cached = cache.get(digest, path.suffix, safe_rel) if cache else None
    if cached is None:
        cached = ingest(data, safe_rel, path.suffix, scrubber)
        if cache:
            cache.put(digest, path.suffix, safe_rel, *cached)
    result.transcripts, result.failures = cached[0], list(cached[1])
    context = _result_context(config, result.transcripts) if cache else ""
    done = cache.get_result(digest, path.suffix, context) if cache else None
    if done is not None:
        result.claims, result.labels = done
        return result
    for i, transcript in enumerate(result.transcripts):
        if any(t.transcript_id == transcript.transcript_id for t in result.transcripts[:i]):
            continue  # the same conversation twice in one file (an export): its claims once
        stage = "extract"
        try:
            claims = extract_and_verify(transcript, config.verify, _verdict_cache(config.cache_dir))
            result.claims += claims
            stage = "label"
            result.labels += label_transcript(transcript, claims)
        except Exception as exc:  # one transcript's bug must not take the batch down
            result.failures.append(FailedFile(transcript.source, stage, f"internal error: {type(exc).__name__}: {exc}"))
    # a crash, a sandbox error or a missing sandbox may not happen next time: only clean results are kept
    from .verify.sandboxes import is_transient

    if cache and len(result.failures) == len(cached[1]) and not any(
            is_transient(c.verdict, c.detail) for c in result.claims):
        cache.put_result(digest, path.suffix, context, result.claims, result.labels)
    return result


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


def _build_cache(config: BuildConfig, scrubber):
    if config.cache_dir is None:
        return None
    from .build_cache import BuildCache, build_salt

    roster = hashlib.sha256(config.roster.read_bytes()).hexdigest() if config.roster else ""
    # names in the file name are scrubbed from the text too: a copy under another name reuses
    # the cached text only when its file name holds the same names (usually none)
    names = "|".join(scrubber.file_names)
    return BuildCache(config.cache_dir, build_salt(scrubber.pseudonym(f"tractor build cache|{roster}|{names}")))


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


@functools.cache
def _verdict_cache(cache_dir: Path | None):
    """One verdict cache per process: in memory, and on disk beside the build cache when set.
    The file is named by the tool's version and source, so verdicts of a verifier since fixed are
    never served (the answer-key version is part of each entry's key)."""
    from .build_cache import code_salt
    from .verify import VerdictCache

    return VerdictCache(Path(cache_dir) / f"verdicts-{code_salt()}.sqlite" if cache_dir else None)


def label_transcript(transcript: Transcript, claims: list[Claim]) -> list[Label]:
    from .label import label_transcript as run_labels

    return run_labels(transcript, claims)


def _label_definitions() -> dict[str, str]:
    from .label import LABEL_DEFINITIONS

    return dict(LABEL_DEFINITIONS)


def _key_versions(names: set[str]) -> dict[str, str]:
    from . import homeworks

    known = set(homeworks.names())
    return {n: homeworks.get(n).key.version for n in sorted(names & known)}


def _transcript_row(t: Transcript) -> dict:
    row = asdict(t)
    row["messages"] = [{"role": m.role, "content": m.content} for m in t.messages]
    row["annotations"] = [{"text": a.text, "after_message": a.after_message} for a in t.annotations]
    return row
