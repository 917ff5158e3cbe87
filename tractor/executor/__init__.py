"""The build's executor: runs the per-file work over the corpus and hands the results back in
corpus order, in this process or in worker processes.

A corpus too big for one worker generation (or a build with ``jobs > 1``) goes through a pool of
workers forked from a fork server that has the build's modules and models preloaded
(:mod:`.warm_worker`); every generation of workers is a pool of its own, so memory stays flat;
the workers share one sandbox that this process serves (:class:`~tractor.sandbox.broker.SandboxBroker`).
The caches the work reads are set up by :mod:`.caches`.

Entry point: :func:`run`. It knows nothing of what the work does: it takes any picklable
function of ``(path, rel)``, so the pipeline above it composes the steps and this module only
decides where they run.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Iterator, TypeVar

Result = TypeVar("Result")

# Modules every build worker needs: imported once in the fork server, so that workers start
# with them loaded (no per-worker import time) and share their pages copy-on-write;
# ``tractor.executor.warm_worker`` also loads the models they use.
WORKER_PRELOAD = ["tractor.pipeline", "tractor.ingest", "tractor.segment.turns", "tractor.extract",
                  "tractor.verify", "tractor.label", "torch", "sympy", "tractor.executor.warm_worker"]


# A build worker's memory grows with the files it has processed (spaCy's string store, parse
# and verdict caches), so each worker is replaced after this many files: peak memory then does
# not grow with the corpus. Python 3.11's ``max_tasks_per_child`` can deadlock (gh-115634), so
# each generation of workers is a pool of its own; the fork server outlives the pools, and a new
# worker starts from its preloaded state in milliseconds.
FILES_PER_WORKER = 100


def run(tasks: list[tuple[Path, str]], work: Callable[[Path, str], Result], jobs: int) -> Iterator[tuple[str, Result]]:
    """``(rel, work(path, rel))`` for each ``(path, rel)`` of ``tasks``, in their order. A corpus
    too big for one worker generation goes through a pool even with ``jobs=1``, so that memory
    stays flat. With a pool, at most a few files per worker are in flight, so finished results
    wait in memory only until their turn, and the workers share one sandbox served by this
    process."""
    if len(tasks) <= 1 or (jobs <= 1 and len(tasks) <= FILES_PER_WORKER):
        for path, rel in tasks:
            yield rel, work(path, rel)
        return
    import multiprocessing

    from ..sandbox.broker import SandboxBroker

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(WORKER_PRELOAD)
    _start_forkserver()
    generation, broker = FILES_PER_WORKER * jobs, SandboxBroker()
    try:
        for start in range(0, len(tasks), generation):
            yield from _pool_generation(tasks[start:start + generation], work, jobs, ctx, broker)
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
    package_root = str(Path(__file__).resolve().parents[2])
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


def _pool_generation(tasks, work, jobs, ctx, broker) -> Iterator[tuple[str, Result]]:
    """``tasks`` through a fresh pool of ``jobs`` workers, results in order."""
    from collections import deque

    window = 4 * jobs
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_use_shared_sandbox,
                             initargs=(broker.address, broker.key)) as pool:
        pending: deque = deque()
        for path, rel in tasks:
            pending.append((rel, pool.submit(work, path, rel)))
            if len(pending) >= window:
                rel_done, future = pending.popleft()
                yield rel_done, future.result()
        while pending:
            rel_done, future = pending.popleft()
            yield rel_done, future.result()


def _use_shared_sandbox(address: str, key: bytes) -> None:
    """Pool worker initializer: claimed code runs in the parent's one sandbox, not a new one."""
    from ..verify.sandboxes import use_broker

    use_broker(address, key)
