"""Run untrusted code (patches and filled-in blanks claimed by an LLM) away from the tool.

The code never runs in this process. A :class:`Sandbox` starts, on first use, a long-lived
fork server (:mod:`tractor.sandbox.sandbox_worker`) inside bubblewrap, checked once per process.
There is no silent fallback: without bubblewrap, :class:`SandboxUnavailable` (and code claims
stay unverified). Weaker levels run only when asked for by name (``$TRACTOR_SANDBOX_ISOLATION``,
for a corpus whose code is trusted):

``bwrap``
    bubblewrap: pid, network, IPC and UTS namespaces of its own, a new session, a root holding
    only the system's libraries, the Python installation and the worker's scripts, read-only
    (:func:`isolation_command`); each job's child then walls itself in further (its own mount
    namespace and tmpfs, its own uid, no capabilities, a seccomp filter: see
    :mod:`.sandbox_child`).
``unshare``
    ``unshare -rn``: a user and network namespace only, so no network; files are unprotected
    except by the worker's audit hook.
``rlimits``
    a plain subprocess: only the per-job rlimits and the audit hook.

The server has already imported torch and forks one child per job (ahead of the job, while
other jobs run), which applies rlimits and an audit hook, runs ``entry(payload)`` in a fresh
directory, and returns the JSON result; the server kills the child (and everything it
started) at the wall-clock limit. Several jobs run at once, one child each, so one server
serves every core (and every thread or build worker asking). A server that dies is replaced
for the next job and the jobs that were running say so in their error.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
import os
import queue
import secrets
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from tractor.errors import TractorError

ISOLATION_LEVELS = ("bwrap", "unshare", "rlimits")  # strongest first
ISOLATION_ENV = "TRACTOR_SANDBOX_ISOLATION"  # opt-in to a weaker level, for trusted code only
_WORKER_SCRIPT = Path(__file__).with_name("sandbox_worker.py")
_HEADER = struct.Struct(">I")
_START_SECONDS = 120  # importing torch from a cold disk cache
_ERROR_CHARS = 1000
_REPLY_GRACE_SECONDS = 10  # the server answers within wall_seconds; this covers its overhead
_TMPFS_BYTES = 256 * 2**20  # the server's private /tmp (jobs' printed output) lives in memory
_SCRATCH_BYTES = 64 * 2**20  # each job's own folder, a tmpfs of its own
_UID_COUNT = 2**16  # each server's jobs take turns through this many uids
_SECRET_FILES = ("/etc/shadow", "/etc/gshadow", "/etc/sudoers")
_ETC_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime")
# what the fork server needs to wall in each job's child; every child drops them all
_SERVER_CAPABILITIES = ("CAP_SYS_ADMIN", "CAP_SETUID", "CAP_SETGID", "CAP_KILL")
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
    """What the code must not read (the audit hook's list; under bubblewrap these are not
    even mounted): password hashes and the user's home directory."""
    home = os.path.realpath(Path.home())
    return [p for p in _SECRET_FILES if os.path.exists(p)] + ([home] if home != "/" else [])


def _is_library_path(path: str) -> bool:
    """Part of the Python installation: under its prefixes, or a site-packages folder."""
    prefixes = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    real = os.path.realpath(path)
    return any(real == p or real.startswith(p + os.sep) for p in prefixes) or any(
        part in ("site-packages", "dist-packages") for part in Path(real).parts)


def _import_path() -> list[str]:
    """This interpreter's import path, less what is not the Python installation (the current
    folder, a checkout on ``PYTHONPATH``): the worker imports only the standard library and
    the preloaded packages, and a course folder there may hold a roster."""
    return [os.path.abspath(p) for p in sys.path if p and os.path.isdir(p) and _is_library_path(p)]


def _visible_paths() -> list[str]:
    """What the worker reads: the Python installation, its import path and the worker's own
    folder (the sandbox scripts)."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, str(_WORKER_SCRIPT.parent),
             *_import_path()}
    found = {os.path.abspath(p) for p in paths if p and os.path.isdir(p)}
    return sorted(found | {os.path.realpath(p) for p in found})


def _root_binds() -> list[str]:
    """bubblewrap arguments for a root holding only the system's programs and libraries
    (``/usr`` and its links), the dynamic loader's cache, the Python installation and the
    worker's folder, all read-only: no corpus, home, cache, ``/etc`` secrets, ``/var``,
    ``/run``, ``/sys`` or device other than bubblewrap's minimal ``/dev``."""
    args: list[str] = []
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    args += ["--perms", "0755", "--dir", "/etc"]  # traversable by a job's uid
    args += [a for path in _ETC_FILES if os.path.exists(path) for a in ("--ro-bind", path, path)]
    bound, made = ["/usr"], {"/"}
    for path in sorted(_visible_paths()):
        if not any(path == b or path.startswith(b + os.sep) for b in bound):
            for parent in reversed(Path(path).parents):  # traversable by a job's uid too
                if str(parent) not in made:
                    args += ["--perms", "0755", "--dir", str(parent)]
                    made.add(str(parent))
            args += ["--ro-bind", path, path]
            bound.append(path)
    return args


def _bwrap() -> str | None:
    """bubblewrap on this host's ``PATH``, or None."""
    return shutil.which("bwrap")


def isolation_command(level: str) -> list[str]:
    """The command prefix that runs a program at ``level`` (empty for "rlimits"); the
    worker runs under it. Under "bwrap" the program is the fork server: it keeps the
    capabilities it needs to wall in each job's child (a mount namespace, a uid), and each
    child drops them all before it reads its job."""
    if level == "rlimits":
        return []
    if level == "unshare":
        return ["unshare", "-rn"]
    command = [_bwrap() or "bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net",
               "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent", "--new-session",
               "--cap-drop", "ALL"]
    if os.geteuid() != 0:  # a user namespace of its own, root inside, no power outside
        command += ["--unshare-user", "--uid", "0", "--gid", "0"]
    for cap in _SERVER_CAPABILITIES:
        command += ["--cap-add", cap]
    return command + ["--size", str(_TMPFS_BYTES), "--tmpfs", "/tmp", *_root_binds(),
                      "--proc", "/proc", "--dev", "/dev", "--chdir", "/tmp"]


def _level_works(level: str) -> bool:
    """Whether this host can start a Python at ``level``. bubblewrap is looked up on ``PATH``
    at each call and the probe remembered by the command it ran, so a changed ``PATH`` is never
    answered from an earlier probe."""
    if level == "bwrap" and _bwrap() is None:
        return False
    return _starts(tuple(isolation_command(level)))


@functools.lru_cache(maxsize=None)
def _starts(command: tuple[str, ...]) -> bool:
    """Whether ``command`` starts a Python (asked once per process and command)."""
    try:
        probe = subprocess.run([*command, sys.executable, "-I", "-c", "pass"],
                               env=_WORKER_ENV, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def requested_isolation() -> str:
    """"auto" (bubblewrap or nothing), or the level ``$TRACTOR_SANDBOX_ISOLATION`` names: the
    documented opt-in to a weaker level for a corpus whose code is trusted."""
    return os.environ.get(ISOLATION_ENV, "").strip() or "auto"


def _strongest_level(requested: str) -> str:
    if requested == "auto":
        requested = "bwrap"
        if not _level_works(requested):
            raise SandboxUnavailable(
                "bubblewrap " + ("is not installed" if _bwrap() is None else "cannot start here")
                + f"; weaker isolation only by setting {ISOLATION_ENV} (trusted code only)")
    if requested not in ISOLATION_LEVELS or not _level_works(requested):
        raise SandboxUnavailable(f"sandbox isolation {requested!r} is not available here")
    return requested


def default_concurrency() -> int:
    """Jobs a sandbox runs at once unless told: one per core this process may use (at most
    four, since each job may take ``memory_mb``)."""
    return max(1, min(4, len(os.sched_getaffinity(0))))


class _Server:
    """One fork server process, its pipes, and the jobs waiting for its replies.

    A thread of its own starts the process and then reads every reply: bwrap's
    ``--die-with-parent`` is a death signal tied to the *thread* that started it, so the
    server must be started by a thread that lives exactly as long as it does, not by whichever
    caller (a pool's thread, a connection's) happened to need it first.
    """

    def __init__(self, level: str, preload: tuple[str, ...], concurrency: int):
        self._stderr = tempfile.TemporaryFile()
        # Job directories go under a directory this side owns, so they are removed even when
        # the worker is killed; under bwrap, /tmp is the worker's own tmpfs and vanishes with it.
        self._scratch = None if level == "bwrap" else tempfile.mkdtemp(prefix="tractor-sandbox-")
        self._lock = threading.Lock()  # guards _pending and _alive (held briefly)
        self._write_lock, self._stop_lock = threading.Lock(), threading.Lock()
        self._pending: dict[int, queue.SimpleQueue] = {}
        self._ids = itertools.count()
        self._alive, self._status = True, None
        config = {"sys_path": _import_path(), "preload": list(preload),
                  "scratch_dir": self._scratch or "/tmp", "concurrency": concurrency,
                  "hidden_paths": _hidden_paths(), "visible_paths": _visible_paths(),
                  "own_pid_namespace": level == "bwrap", "job_walls": level == "bwrap",
                  "own_uid": os.geteuid() == 0, "scratch_bytes": _SCRATCH_BYTES,
                  # uids no account uses, a block of its own per server
                  "uid_base": 2**31 + secrets.randbelow(2**14) * _UID_COUNT, "uid_count": _UID_COUNT}
        started: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._own, args=(level, config, started),
                                        daemon=True, name="sandbox-server")
        self._thread.start()
        ready = started.get()
        if not ready:
            self._stderr.seek(0)
            detail = self._stderr.read().decode(errors="replace").strip().splitlines()[-3:]
            self.stop()
            raise SandboxUnavailable(f"sandbox worker failed to start at {level!r}: {detail}")

    def _own(self, level: str, config: dict, started: queue.SimpleQueue) -> None:
        """Start the server, hand it its config, then deliver replies until it goes away."""
        try:
            self.process = subprocess.Popen(
                [*isolation_command(level), sys.executable, "-I", str(_WORKER_SCRIPT)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
                env=_WORKER_ENV)
        except OSError:
            self.process = None
            started.put(False)
            return
        self._send(config)
        try:
            ready = self._receive(time.monotonic() + _START_SECONDS) == {"ready": True}
        except (OSError, ValueError, EOFError, TimeoutError):
            ready = False
        started.put(ready)
        while ready:
            try:
                reply = self._receive(None)
                job_id = reply.pop("id")
            except (OSError, ValueError, EOFError, AttributeError, KeyError):
                break
            with self._lock:
                waiter = self._pending.pop(job_id, None)
            if waiter is not None:
                waiter.put(reply)
        with self._lock:  # the server is gone: every job still waiting learns it now
            self._alive = False
            for waiter in self._pending.values():
                waiter.put(None)
            self._pending.clear()

    def _send(self, message: dict) -> bool:
        data = json.dumps(message).encode()
        try:
            self.process.stdin.write(_HEADER.pack(len(data)) + data)
            self.process.stdin.flush()
            return True
        except (OSError, ValueError):
            return False

    def _receive(self, deadline: float | None) -> dict:
        size = _HEADER.unpack(self._read_exactly(_HEADER.size, deadline))[0]
        return json.loads(self._read_exactly(size, deadline))

    def _read_exactly(self, size: int, deadline: float | None) -> bytes:
        fd, chunks, missing = self.process.stdout.fileno(), [], size
        while missing:
            if deadline is not None and not select.select(
                    [fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
                raise TimeoutError
            chunk = os.read(fd, missing)
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def request(self, job: dict, timeout: float) -> dict | None:
        """Send one job and wait for its reply: None if the server died, TimeoutError if it
        went silent about this job."""
        waiter: queue.SimpleQueue = queue.SimpleQueue()
        with self._lock:
            if not self._alive:
                return None
            job_id = next(self._ids)
            self._pending[job_id] = waiter
        with self._write_lock:  # never held by the reply reader, so a full pipe cannot jam
            sent = self._send({**job, "id": job_id})
        if not sent:
            with self._lock:
                self._pending.pop(job_id, None)
            return None
        try:
            return waiter.get(timeout=timeout)
        except queue.Empty:
            with self._lock:
                self._pending.pop(job_id, None)
            raise TimeoutError from None

    def stop(self) -> int:
        """Stop the server (end of its stdin ends its loop, else a kill); return its status.
        Safe to call more than once, from any thread."""
        with self._stop_lock:
            if self._status is not None:
                return self._status
            self._status = -1  # the process never started
            if self.process is not None:
                try:
                    self.process.stdin.close()
                    self._status = self.process.wait(timeout=5)
                except (OSError, subprocess.TimeoutExpired):
                    self.process.kill()
                    self._status = self.process.wait()
        self._thread.join(timeout=5)
        self._stderr.close()
        if self.process is not None:
            self.process.stdout.close()
        if self._scratch:
            shutil.rmtree(self._scratch, ignore_errors=True)
        return self._status


class Sandbox:
    """Context manager running untrusted code in fork-server children.

    ``run`` is thread-safe: up to ``concurrency`` jobs (default: :func:`default_concurrency`)
    run at once, each in its own child of the one fork server (started lazily); further
    callers wait their turn. ``isolation`` is "auto" (bubblewrap, or :class:`SandboxUnavailable`)
    or a level name; by default :func:`requested_isolation`.
    """

    def __init__(self, limits: SandboxLimits | None = None, *, concurrency: int | None = None,
                 isolation: str | None = None, preload: tuple[str, ...] = ("torch",)):
        self.limits = limits or SandboxLimits()
        self.concurrency = concurrency or default_concurrency()
        self._requested_isolation = isolation or requested_isolation()
        self._preload = preload
        self._slots = threading.BoundedSemaphore(self.concurrency)
        self._lock = threading.Lock()  # guards starting and replacing the server
        self._server: _Server | None = None

    @functools.cached_property
    def isolation(self) -> str:
        """The isolation level in use: "bwrap", "unshare" or "rlimits"."""
        return _strongest_level(self._requested_isolation)

    def _current_server(self) -> _Server:
        with self._lock:
            if self._server is None:
                self._server = _Server(self.isolation, self._preload, self.concurrency)
            return self._server

    def _retire(self, server: _Server) -> int:
        """Stop a server that died or went silent; the next job starts a fresh one."""
        with self._lock:
            if self._server is server:
                self._server = None
        return server.stop()

    def run(self, source: str, entry: str = "main", payload: dict | None = None,
            limits: SandboxLimits | None = None) -> SandboxResult:
        """Exec ``source`` in a fresh child and return ``entry(payload)`` (``entry()`` when
        ``payload`` is None); every failure of the code comes back as a result, not raised."""
        limits = limits or self.limits
        job = {"source": source, "entry": entry, "payload": payload,
               "limits": dataclasses.asdict(limits)}
        with self._slots:
            server = self._current_server()
            try:
                reply = server.request(job, limits.wall_seconds + _REPLY_GRACE_SECONDS)
                silent = False
            except TimeoutError:
                reply, silent = None, True
            if reply is None:
                status = self._retire(server)
                what = (f"timeout after {limits.wall_seconds:g} s (the sandbox worker stopped "
                        "answering)" if silent else
                        f"sandbox worker died during the job (exit status {status})")
                return SandboxResult(False, None, what + "; a fresh worker serves the next job")
            reply["error"] = str(reply["error"])[:_ERROR_CHARS]  # the child's text: bounded here too
            return SandboxResult(**reply)

    def close(self) -> None:
        """Stop the server; the sandbox can still be used again (a server restarts)."""
        with self._lock:
            server, self._server = self._server, None
        if server is not None:
            server.stop()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
