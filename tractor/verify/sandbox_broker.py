"""One sandbox for a whole parallel build.

A sandbox's fork server imports torch (about 170 MB resident), so a build whose every pool
worker started its own would hold one per worker. Instead the build's parent process runs a
:class:`SandboxBroker`: it owns the one :class:`~tractor.verify.sandbox.Sandbox` (started on the
first request, as in a single process) and serves its ``run`` to the workers over a private
local socket guarded by a random key. A worker's :class:`RemoteSandbox` has the same ``run``, so
checks do not know the difference. The code still runs only in the sandbox's children; the
broker passes source text and JSON results through.
"""

from __future__ import annotations

import queue
import secrets
import tempfile
import threading
from multiprocessing.connection import Client, Listener
from pathlib import Path

from .sandbox import Sandbox, SandboxLimits, SandboxResult, SandboxUnavailable


class SandboxBroker:
    """Serves ``sandbox.run`` to other processes until :meth:`close`; ``address`` and ``key``
    are what a :class:`RemoteSandbox` needs."""

    def __init__(self, sandbox_factory=Sandbox):
        self._factory, self._sandbox = sandbox_factory, None
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._runner = threading.Thread(target=self._run_jobs, daemon=True, name="sandbox-runner")
        self._runner.start()
        self._folder = tempfile.TemporaryDirectory(prefix="tractor-sandbox-")
        self.key = secrets.token_bytes(32)
        self.address = str(Path(self._folder.name) / "socket")
        self._listener = Listener(self.address, family="AF_UNIX", authkey=self.key)
        threading.Thread(target=self._accept, daemon=True, name="sandbox-broker").start()

    def _accept(self) -> None:
        while True:
            try:
                conn = self._listener.accept()
            except OSError:  # closed
                return
            except Exception:  # noqa: BLE001 - a client with the wrong key is turned away
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn) -> None:
        replies: queue.SimpleQueue = queue.SimpleQueue()
        with conn:
            while True:
                try:
                    request = conn.recv()
                except (EOFError, OSError):
                    return
                self._jobs.put((request, replies))
                conn.send(replies.get())

    def _run_jobs(self) -> None:
        """Every job runs on this one long-lived thread: the sandbox's server process is tied to
        the thread that started it (bwrap's ``--die-with-parent`` is a per-thread death signal),
        so it must not be started by a connection's thread, which ends with its worker."""
        while (job := self._jobs.get()) is not None:
            (source, entry, payload, limits), replies = job
            try:
                if self._sandbox is None:
                    self._sandbox = self._factory()
                replies.put(self._sandbox.run(source, entry=entry, payload=payload, limits=limits))
            except SandboxUnavailable as exc:
                replies.put(exc)
        if self._sandbox is not None:
            self._sandbox.close()

    def close(self) -> None:
        """Stop serving; the sandbox's server stops with the runner thread."""
        self._listener.close()
        self._jobs.put(None)
        self._runner.join(timeout=30)
        self._folder.cleanup()


class RemoteSandbox:
    """A worker's handle on the broker's sandbox: ``run`` as :meth:`Sandbox.run`. One
    connection per process, used by one check at a time."""

    def __init__(self, address: str, key: bytes):
        self._address, self._key, self._conn = address, key, None
        self._lock = threading.Lock()

    def run(self, source: str, entry: str = "main", payload: dict | None = None,
            limits: SandboxLimits | None = None) -> SandboxResult:
        with self._lock:
            try:
                if self._conn is None:
                    self._conn = Client(self._address, family="AF_UNIX", authkey=self._key)
                self._conn.send((source, entry, payload, limits))
                reply = self._conn.recv()
            except (OSError, EOFError) as exc:
                self._conn = None
                raise SandboxUnavailable(f"the build's shared sandbox is gone: {exc}") from exc
        if isinstance(reply, SandboxUnavailable):
            raise reply
        return reply

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
