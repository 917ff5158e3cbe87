"""Run untrusted code (patches and filled-in blanks claimed by an LLM) away from the tool.

The code never runs in this process. A :class:`Sandbox` starts, on first use, a long-lived
fork server (:mod:`tractor.verify.sandbox_worker`) inside the strongest isolation this host
offers, checked once per process:

``bwrap``
    bubblewrap: every namespace unshared (no network, own pid namespace), read-only root, a
    private ``/tmp``, an unprivileged uid with no capabilities, the user's home and password
    hashes hidden (the Python installation stays visible), a clean environment.
``unshare``
    ``unshare -rn``: a user and network namespace only, so no network; files are unprotected
    except by the worker's audit hook.
``rlimits``
    a plain subprocess: only the per-job rlimits and the audit hook.

The server has already imported torch and forks one child per job (ahead of the job, while
the previous one runs), which applies rlimits and an audit hook, runs ``entry(payload)`` in a
fresh directory, and returns the JSON result; the server kills the child (and everything it
started) at the wall-clock limit. A worker that
dies is replaced for the next job and the job that killed it says so in its error.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import queue
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tractor.errors import TractorError

ISOLATION_LEVELS = ("bwrap", "unshare", "rlimits")  # strongest first
_WORKER_SCRIPT = Path(__file__).with_name("sandbox_worker.py")
_HEADER = struct.Struct(">I")
_START_SECONDS = 120  # importing torch from a cold disk cache
_REPLY_GRACE_SECONDS = 10  # the server answers within wall_seconds; this covers its overhead
_TMPFS_BYTES = 512 * 2**20  # the worker's private /tmp lives in memory
_SECRET_FILES = ("/etc/shadow", "/etc/gshadow", "/etc/sudoers")
_WORKER_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/tmp",
    "LANG": "C.UTF-8",
    "PYTHONDONTWRITEBYTECODE": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


class SandboxUnavailable(TractorError):
    """No isolation level could start a worker (or the requested one is not available)."""


@dataclass(frozen=True)
class SandboxLimits:
    """Per-job limits. ``memory_mb`` is address space on top of what the preloaded modules
    already map; ``processes`` counts threads too."""

    cpu_seconds: int = 10
    wall_seconds: float = 20
    memory_mb: int = 2048
    file_mb: int = 16
    processes: int = 32


@dataclass(frozen=True)
class SandboxResult:
    """``value`` is what ``entry`` returned (JSON types); ``error`` is '' when ``ok`` and
    otherwise a specific reason ("timeout after 20 s", "memory limit exceeded (2048 MB): ...",
    "killed by signal 11 (SIGSEGV)", "exception: ValueError: ...", "forbidden: network ...");
    ``stdout`` is the job's stdout and stderr, truncated."""

    ok: bool
    value: object = None
    error: str = ""
    stdout: str = ""


def _hidden_paths() -> list[str]:
    """What the code must not read: password hashes and the user's home directory."""
    home = os.path.realpath(Path.home())
    return [p for p in _SECRET_FILES if os.path.exists(p)] + ([home] if home != "/" else [])


def _visible_paths() -> list[str]:
    """What the worker needs even when it lives under a hidden directory: Python and sys.path."""
    paths = {sys.prefix, sys.base_prefix, str(_WORKER_SCRIPT.parent), *sys.path}
    found = {os.path.abspath(p) for p in paths if p and os.path.isdir(p)}
    return sorted(found | {os.path.realpath(p) for p in found})


def _import_path() -> list[str]:
    """This interpreter's import path, so the worker finds the same packages."""
    return [os.path.abspath(p) for p in sys.path if p and os.path.isdir(p)]


def isolation_command(level: str) -> list[str]:
    """The command prefix that runs a program at ``level`` (empty for "rlimits"); the
    worker runs under it, and tests use it to check the namespace walls on their own."""
    if level == "rlimits":
        return []
    if level == "unshare":
        return ["unshare", "-rn"]
    command = ["bwrap", "--unshare-all", "--unshare-user", "--disable-userns",
               "--uid", "65534", "--gid", "65534", "--cap-drop", "ALL",
               "--die-with-parent", "--new-session", "--ro-bind", "/", "/",
               "--size", str(_TMPFS_BYTES), "--tmpfs", "/tmp",
               "--proc", "/proc", "--dev", "/dev"]
    hidden = _hidden_paths()
    for path in hidden:
        command += ["--tmpfs", path] if os.path.isdir(path) else ["--ro-bind", "/dev/null", path]
    masked = ["/tmp", *(h for h in hidden if os.path.isdir(h))]  # a venv or clone may live there
    for path in _visible_paths():
        if any(path.startswith(m + os.sep) for m in masked):
            command += ["--ro-bind", path, path]
    return command + ["--chdir", "/tmp"]


@functools.lru_cache(maxsize=None)
def _level_works(level: str) -> bool:
    """Whether this host can start a Python at ``level`` (asked once per process)."""
    try:
        probe = subprocess.run([*isolation_command(level), sys.executable, "-I", "-c", "pass"],
                               env=_WORKER_ENV, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def _strongest_level(requested: str) -> str:
    if requested != "auto":
        if requested not in ISOLATION_LEVELS or not _level_works(requested):
            raise SandboxUnavailable(f"sandbox isolation {requested!r} is not available here")
        return requested
    working = next((level for level in ISOLATION_LEVELS if _level_works(level)), None)
    if working is None:
        raise SandboxUnavailable(f"{sys.executable} cannot start even as a plain subprocess")
    return working


class _Worker:
    """One fork server process and its length-prefixed JSON pipe."""

    def __init__(self, level: str, preload: tuple[str, ...]):
        self._stderr = tempfile.TemporaryFile()
        # Job directories go under a directory this side owns, so they are removed even when
        # the worker is killed; under bwrap, /tmp is the worker's own tmpfs and vanishes with it.
        self._scratch = None if level == "bwrap" else tempfile.mkdtemp(prefix="tractor-sandbox-")
        self.process = subprocess.Popen(
            [*isolation_command(level), sys.executable, "-I", str(_WORKER_SCRIPT)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, env=_WORKER_ENV)
        config = {"sys_path": _import_path(), "preload": list(preload),
                  "scratch_dir": self._scratch or "/tmp",
                  "hidden_paths": _hidden_paths(), "visible_paths": _visible_paths(),
                  "own_pid_namespace": level == "bwrap"}
        try:
            ready = self.request(config, _START_SECONDS) == {"ready": True}
        except TimeoutError:
            ready = False
        if not ready:
            self._stderr.seek(0)
            detail = self._stderr.read().decode(errors="replace").strip().splitlines()[-3:]
            self.stop()
            raise SandboxUnavailable(f"sandbox worker failed to start at {level!r}: {detail}")

    def request(self, message: dict, timeout: float) -> dict | None:
        """Send one message and wait for the reply: None if the worker died, TimeoutError if
        it went silent."""
        data = json.dumps(message).encode()
        try:
            self.process.stdin.write(_HEADER.pack(len(data)) + data)
            self.process.stdin.flush()
            deadline = time.monotonic() + timeout
            size = _HEADER.unpack(self._read_exactly(_HEADER.size, deadline))[0]
            return json.loads(self._read_exactly(size, deadline))
        except (OSError, ValueError, EOFError):
            return None

    def _read_exactly(self, size: int, deadline: float) -> bytes:
        fd, chunks, missing = self.process.stdout.fileno(), [], size
        while missing:
            if not select.select([fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
                raise TimeoutError
            chunk = os.read(fd, missing)
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def stop(self) -> int:
        """Stop the server (end of its stdin ends its loop, else a kill); return its status."""
        try:
            self.process.stdin.close()
            status = self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            status = self.process.wait()
        for stream in (self.process.stdout, self._stderr):
            stream.close()
        if self._scratch:
            shutil.rmtree(self._scratch, ignore_errors=True)
        return status


class Sandbox:
    """Context manager running untrusted code in fork-server children.

    ``run`` is thread-safe; with ``workers=N`` up to N jobs run at once (one fork server each,
    started lazily). ``isolation`` is "auto" (the strongest level that works) or a level name.
    """

    def __init__(self, limits: SandboxLimits | None = None, *, workers: int = 1,
                 isolation: str = "auto", preload: tuple[str, ...] = ("torch",)):
        self.limits = limits or SandboxLimits()
        self._requested_isolation = isolation
        self._preload = preload
        self._idle: queue.SimpleQueue[_Worker | None] = queue.SimpleQueue()
        for _ in range(workers):
            self._idle.put(None)
        self._workers = workers

    @functools.cached_property
    def isolation(self) -> str:
        """The isolation level in use: "bwrap", "unshare" or "rlimits"."""
        return _strongest_level(self._requested_isolation)

    def run(self, source: str, entry: str = "main", payload: dict | None = None,
            limits: SandboxLimits | None = None) -> SandboxResult:
        """Exec ``source`` in a fresh child and return ``entry(payload)`` (``entry()`` when
        ``payload`` is None); every failure of the code comes back as a result, not raised."""
        limits = limits or self.limits
        job = {"source": source, "entry": entry, "payload": payload,
               "limits": dataclasses.asdict(limits)}
        worker = self._idle.get()
        try:
            if worker is None:
                worker = _Worker(self.isolation, self._preload)
            try:
                reply = worker.request(job, limits.wall_seconds + _REPLY_GRACE_SECONDS)
                silent = False
            except TimeoutError:
                reply, silent = None, True
            if reply is None:
                status, worker = worker.stop(), None
                what = (f"timeout after {limits.wall_seconds:g} s (the sandbox worker stopped "
                        "answering)" if silent else
                        f"sandbox worker died during the job (exit status {status})")
                return SandboxResult(False, None, what + "; a fresh worker serves the next job")
            return SandboxResult(**reply)
        finally:
            self._idle.put(worker)

    def close(self) -> None:
        """Stop every worker; the sandbox can still be used again (workers restart)."""
        for _ in range(self._workers):
            worker = self._idle.get()
            if worker is not None:
                worker.stop()
            self._idle.put(None)

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
