"""One sandbox for a whole parallel build.

A sandbox's fork server imports torch (about 170 MB resident), so a build whose every pool
worker started its own would hold one per worker. Instead the build's parent process runs a
:class:`SandboxBroker`: it owns the one :class:`~tractor.sandbox.runner.Sandbox` (started on the
first request, as in a single process) and serves its ``run`` to the workers over a private
local socket guarded by a random key. A worker's :class:`RemoteSandbox` has the same ``run``, so
checks do not know the difference. The code still runs only in the sandbox's children; the
broker passes source text and JSON results through. Requests from several connections run at
once, up to the sandbox's own concurrency (it queues the rest).
"""

from __future__ import annotations

import queue
import secrets
import tempfile
import threading
from multiprocessing.connection import Client, Listener
from pathlib import Path

from .runner import Sandbox, SandboxLimits, SandboxResult, SandboxUnavailable


class SandboxBroker:
    """Serves ``sandbox.run`` to other processes until :meth:`close`; ``address`` and ``key``
    are what a :class:`RemoteSandbox` needs."""

    def __init__(self, sandbox_factory=Sandbox):
        self._factory, self._sandbox, self._closed = sandbox_factory, None, False
        self._lock = threading.Lock()  # guards creating and closing the sandbox
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

    def _shared(self) -> Sandbox:
        with self._lock:
            if self._closed:
                raise SandboxUnavailable("the build's shared sandbox is closed")
            if self._sandbox is None:
                self._sandbox = self._factory()
            return self._sandbox

    def _serve(self, conn) -> None:
        """One connection's requests, one at a time. The sandbox starts its server on a thread
        of its own, so this thread ending (with its worker) does not take the server down."""
        with conn:
            while True:
                try:
                    source, entry, payload, limits = conn.recv()
                except (EOFError, OSError):
                    return
                try:
                    reply = self._shared().run(source, entry=entry, payload=payload, limits=limits)
                except SandboxUnavailable as exc:
                    reply = exc
                try:
                    conn.send(reply)
                except OSError:
                    return

    def close(self) -> None:
        """Stop serving and stop the sandbox's server."""
        self._listener.close()
        with self._lock:
            sandbox, self._sandbox, self._closed = self._sandbox, None, True
        if sandbox is not None:
            sandbox.close()
        self._folder.cleanup()


class RemoteSandbox:
    """A worker's handle on the broker's sandbox: ``run`` as :meth:`Sandbox.run`, thread-safe;
    each concurrent caller uses a connection of its own (kept for the next call)."""

    def __init__(self, address: str, key: bytes):
        self._address, self._key = address, key
        self._idle: queue.SimpleQueue = queue.SimpleQueue()

    def run(self, source: str, entry: str = "main", payload: dict | None = None,
            limits: SandboxLimits | None = None) -> SandboxResult:
        try:
            conn = self._idle.get_nowait()
        except queue.Empty:
            conn = None
        try:
            if conn is None:
                conn = Client(self._address, family="AF_UNIX", authkey=self._key)
            conn.send((source, entry, payload, limits))
            reply = conn.recv()
        except (OSError, EOFError) as exc:
            if conn is not None:
                conn.close()
            raise SandboxUnavailable(f"the build's shared sandbox is gone: {exc}") from exc
        self._idle.put(conn)
        if isinstance(reply, SandboxUnavailable):
            raise reply
        return reply

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return
