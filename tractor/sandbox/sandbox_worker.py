"""Fork server that runs untrusted claim code; started by :mod:`tractor.sandbox.runner`.

Runs as a script inside the isolation layer (bubblewrap, ``unshare`` or a plain process) and
only imports the standard library, its two sibling modules (:mod:`sandbox_guard`,
:mod:`sandbox_child`) and the configured preload modules (torch), because that import is the
slow part: doing it once here and forking a child per job is what makes a job cost
milliseconds instead of a fresh interpreter's seconds.

Protocol on stdin/stdout: 4-byte big-endian length + UTF-8 JSON per message. The first message
in is the server config; the server answers ``{"ready": true}``; then each job message (with
an ``id``) gets one result message ``{"id", "ok", "value", "error", "stdout"}``. Up to
``concurrency`` jobs run at once, each in its own child, so a host's cores all serve one
sandbox; replies come in the order jobs finish.

Each job runs in a child forked while other jobs ran (so the fork is not part of a job's wait)
that has already left the server's session and pipes and waits for exactly one job. Layers
inside each child, outermost first (under bubblewrap): a new session (the server kills the whole
process group once the job is over), a mount namespace of its own whose job folder is a fresh
size-limited tmpfs and whose ``/dev/shm`` is empty and read-only, a uid of its own with no
capabilities, a seccomp filter (:mod:`sandbox_seccomp`), rlimits, and an audit hook
(:mod:`sandbox_guard`). The hook is defence in depth only: the namespaces, the uid and the
filter are the walls.
"""

import gc
import json
import os
import select
import signal
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sandbox_child  # noqa: E402 - the siblings are found next to this script
import sandbox_guard  # noqa: E402
import sandbox_seccomp  # noqa: E402

del sys.path[0]

_HEADER = struct.Struct(">I")
_MAX_RESULT_BYTES = 2 * 2**20  # a check returns kilobytes; more is a job flooding the server
_STDOUT_KEEP_BYTES = 20_000


def _write_message(fd, message):
    data = json.dumps(message).encode()
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


class _Inbox:
    """Length-prefixed messages read from a descriptor as they arrive (the server also waits
    on its children, so it never blocks on a half-sent message)."""

    def __init__(self, fd):
        self.fd, self.open, self._buffer = fd, True, b""

    def read_available(self):
        """Messages completed by one read; at end of input ``open`` turns False."""
        chunk = os.read(self.fd, 1 << 16)
        if not chunk:
            self.open = False
        self._buffer += chunk
        messages = []
        while len(self._buffer) >= _HEADER.size:
            size = _HEADER.unpack_from(self._buffer)[0]
            if len(self._buffer) < _HEADER.size + size:
                break
            messages.append(json.loads(self._buffer[_HEADER.size:_HEADER.size + size]))
            self._buffer = self._buffer[_HEADER.size + size:]
        return messages

    def read_blocking(self):
        while self.open:
            if messages := self.read_available():
                return messages[0]
        return None


def _libc():
    """The C library through ctypes, for the server's own trusted setup only (jobs are
    refused ctypes by the audit hook)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    return libc


def _collapse_huge_pages(libc):
    """Back the heap with 2 MiB pages (Linux ``MADV_COLLAPSE``) so each fork copies far fewer
    page-table entries: after ``import torch`` a fork and exit cost ~18 ms with 4 KiB pages
    and ~6 ms with huge pages. Any failure just keeps small pages."""
    madv_collapse, huge = 25, 2 * 2**20
    with open("/proc/self/maps") as maps:
        lines = maps.read().splitlines()
    for line in lines:
        fields = line.split()
        path = fields[5] if len(fields) > 5 else ""
        if "w" not in fields[1] or path not in ("", "[heap]"):
            continue
        low, high = (int(x, 16) for x in fields[0].split("-"))
        start, end = -(-low // huge) * huge, high // huge * huge
        if end > start:
            libc.madvise(start, end - start, madv_collapse)


def _forbid_ptrace(libc):
    """Jobs run as the server's own uid; marking the server (and so its children) not
    dumpable stops a job from attaching to or writing the memory of its server, or of
    another job's child."""
    pr_set_dumpable = 4
    libc.prctl(pr_set_dumpable, 0, 0, 0, 0)


def _warm_torch(torch):
    """Run, once, the paths small numeric jobs take (a module built, cast to float64 and
    applied without autograd, tensors exported to bytes): lazily initialised kernels,
    dispatch caches and specialised bytecode are then inherited by every child instead of
    being rebuilt (and their pages copied) in each."""
    torch.set_num_threads(1)  # one intra-op thread: forking after a thread pool exists deadlocks
    fresh_generator = torch.get_rng_state()  # children draw what a fresh ``import torch`` would
    layer = torch.nn.Linear(4, 4).double()
    x = torch.randn(2, 3, 4, dtype=torch.float64)
    with torch.no_grad():
        out = torch.softmax(layer(x) @ x.transpose(-2, -1) / 2.0, dim=-1) @ x
    for value in layer.state_dict().values():
        value.detach().contiguous().numpy().tobytes()
    out.view(2, -1).reshape(-1).tolist()
    torch.set_rng_state(fresh_generator)


def _prepare_server(config):
    """Import the slow modules once, single-threaded, so forked children inherit them."""
    sys.path[:] = config["sys_path"]
    sys.dont_write_bytecode = True
    for name in config["preload"]:
        try:
            module = __import__(name)
        except ImportError:
            continue
        if name == "torch":
            _warm_torch(module)
    sandbox_guard.unhook_fork_exec()
    try:
        libc = _libc()
        _collapse_huge_pages(libc)
        _forbid_ptrace(libc)
        sandbox_child.set_libc(libc)
    except (OSError, AttributeError):
        if config["job_walls"]:
            raise  # each job's walls need the C library: no walls, no sandbox
    if config["job_walls"]:
        sandbox_child.set_filter(sandbox_seccomp.Filter())  # OSError without libseccomp
        os.makedirs(sandbox_child.JOB_DIR, mode=0o755, exist_ok=True)  # where each job mounts its own
    gc.collect()
    gc.freeze()  # the collector would otherwise touch (and so copy) every inherited page
    config["mapped_bytes"] = sandbox_guard.mapped_bytes()


def _parse_reply(data):
    """The child's JSON reply, or None when the code wrote something else into the pipe."""
    try:
        reply = json.loads(data)
    except ValueError:
        return None
    if not isinstance(reply, dict) or set(reply) != {"ok", "value", "error"}:
        return None
    return reply


def _explain_failure(timeout, status, rusage, limits):
    """Why a child gave no valid result; a CPU hog killed at the wall clock (say, one that
    ignored SIGXCPU on a busy machine) is still reported as the CPU hog it is."""
    over_cpu = rusage.ru_utime + rusage.ru_stime >= limits["cpu_seconds"]
    if timeout:
        return f"cpu time limit exceeded ({limits['cpu_seconds']} s)" if over_cpu else timeout
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGXCPU or (sig == signal.SIGKILL and over_cpu):
            return f"cpu time limit exceeded ({limits['cpu_seconds']} s)"
        return f"killed by signal {sig} ({signal.Signals(sig).name})"
    return f"exited with code {os.WEXITSTATUS(status)} without returning a result"


def _read_stdout(fd):
    """Read through the server's own descriptor: the job may have replaced the file's name
    with a symlink to something only the server could read."""
    head, total = os.pread(fd, _STDOUT_KEEP_BYTES, 0), os.fstat(fd).st_size
    text = head.decode("utf-8", errors="replace")
    return text + (f"\n[... truncated, {total} bytes in total]" if total > len(head) else "")


def _internal_error(job_id, exc):
    return {"id": job_id, "ok": False, "value": None, "error": f"sandbox internal error: {exc!r}",
            "stdout": ""}


class _Running:
    """A job handed to its child: its reply is read as it arrives, and it ends with a valid
    reply (the child's exit, which tears down a torch-sized address space, is not waited
    for), with the child's exit, or at its deadline."""

    def __init__(self, job, child, server_fds):
        self.id, self.limits, self.child = job["id"], job["limits"], child
        self.deadline = time.monotonic() + job["limits"]["wall_seconds"]
        self.pidfd = os.pidfd_open(child.pid)
        server_fds.add(self.pidfd)  # a later child must not hold a handle on this one
        self._result, self._chunks, self._size = child.fds["result"], [], 0

    def fds(self):
        return [self.pidfd] + ([self._result] if self._result is not None else [])

    def progress(self, readable):
        """(reply or None, timeout or other message) once the job is over, else None."""
        if self._result in readable:
            chunk = os.read(self._result, 1 << 16)
            if chunk:
                self._chunks.append(chunk)
                self._size += len(chunk)
                if self._size > _MAX_RESULT_BYTES:
                    return None, f"result too large (> {_MAX_RESULT_BYTES // 2**20} MB)"
            else:
                self._result = None
                if (reply := _parse_reply(b"".join(self._chunks))) is not None:
                    return reply, ""
        if self.pidfd in readable:
            if self._result is not None:  # drain what the exited child left in the pipe
                os.set_blocking(self._result, False)
                try:
                    while chunk := os.read(self._result, 1 << 16):
                        self._chunks.append(chunk)
                except BlockingIOError:
                    pass
            return _parse_reply(b"".join(self._chunks)), ""
        if time.monotonic() >= self.deadline:
            return None, f"timeout after {self.limits['wall_seconds']:g} s"
        return None


class _Server:
    """The job table: children waiting for a job, jobs running, children exiting."""

    def __init__(self, config, protocol_out):
        self.config, self.protocol_out = config, protocol_out
        self.server_fds = {protocol_out}  # what every child closes: it must not reach these
        self.waiting, self.running, self.queued, self.exiting = [], [], [], []
        self.refill()

    def refill(self):
        """Keep one child forked ahead of the next job."""
        if not self.waiting:
            self.waiting += filter(None, [sandbox_child.fork_child(self.config, self.server_fds)])

    def _take_child(self):
        """A live waiting child, or a freshly forked one."""
        while self.waiting:
            child = self.waiting.pop(0)
            if child.alive():
                return child
            child.discard(self.server_fds)
        return sandbox_child.fork_child(self.config, self.server_fds)

    def start(self, job):
        for _ in range(2):  # a waiting child found dead is replaced by a fresh one, once
            child = self._take_child()
            if child is None:
                raise OSError("cannot fork a child for the job")
            if child.send({k: job[k] for k in ("source", "entry", "payload", "limits")},
                          self.server_fds):
                self.running.append(_Running(job, child, self.server_fds))
                return
            child.discard(self.server_fds)
            self.exiting.append(child.pid)
        raise OSError("the job's child died before reading the job")

    def start_queued(self):
        while self.queued and len(self.running) < self.config["concurrency"]:
            job = self.queued.pop(0)
            try:
                self.start(job)
            except Exception as exc:  # noqa: BLE001 - report, keep serving
                _write_message(self.protocol_out, _internal_error(job["id"], exc))

    def finish(self, job, reply, message):
        """Kill what the job left, release its child, and answer it."""
        self.running.remove(job)
        try:
            reply = {**self._conclude(job, reply, message), "id": job.id}
        except Exception as exc:  # noqa: BLE001 - report, keep serving
            reply = _internal_error(job.id, exc)
        finally:
            self.server_fds.discard(job.pidfd)
            os.close(job.pidfd)
            job.child.discard(self.server_fds)
        _write_message(self.protocol_out, reply)

    def _conclude(self, job, reply, message):
        child = job.child
        self._kill_leftovers(child.pid)
        if reply is None:
            _, status, rusage = os.wait4(child.pid, 0)
            reply = {"ok": False, "value": None,
                     "error": _explain_failure(message, status, rusage, job.limits)}
        else:
            self.exiting.append(child.pid)
        return {**reply, "stdout": _read_stdout(child.fds["stdout"])}

    def _kill_leftovers(self, pid):
        """Kill the child's process group, and inside a private pid namespace everything that
        is not this server, the namespace's init (pid 1), a waiting child or another running
        job's child."""
        for kill in (os.killpg, os.kill):  # the child itself too, should it not lead its group yet
            try:
                kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        me = os.getpid()
        if not self.config["own_pid_namespace"] or me > 16:  # a small pid proves it is ours
            return
        spared = {1, me, *(c.pid for c in self.waiting), *(j.child.pid for j in self.running)}
        for entry in os.listdir("/proc"):
            if entry.isdigit() and int(entry) not in spared:
                try:
                    os.kill(int(entry), signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass

    def reap(self):
        """Collect children that sent their reply and were left to finish exiting."""
        for pid in list(self.exiting):
            try:
                if os.waitpid(pid, os.WNOHANG)[0] == 0:
                    continue
            except ChildProcessError:
                pass
            self.exiting.remove(pid)

    def stop(self):
        """End of input: running jobs are no longer wanted; waiting children read no job."""
        for job in list(self.running):
            self._kill_leftovers(job.child.pid)
            os.waitpid(job.child.pid, 0)
            job.child.discard(self.server_fds)
        for child in self.waiting:
            child.discard(self.server_fds)
            os.waitpid(child.pid, 0)


def _serve(inbox, server):
    """The event loop: take jobs as they come, answer each as it ends, keep a child ready."""
    while inbox.open:
        server.reap()
        deadline = min((job.deadline for job in server.running), default=None)
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        watched = [inbox.fd]
        for job in server.running:
            watched += job.fds()
        readable = set(select.select(watched, [], [], timeout)[0])
        if inbox.fd in readable:
            server.queued += inbox.read_available()
            if not inbox.open:
                return
            server.start_queued()
        for job in list(server.running):
            if (done := job.progress(readable)) is not None:
                server.finish(job, *done)
        server.start_queued()
        server.refill()


def main():
    protocol_out = os.dup(1)
    os.dup2(2, 1)  # stray prints from preloaded libraries must not corrupt the protocol
    inbox = _Inbox(sys.stdin.fileno())
    config = inbox.read_blocking()
    _prepare_server(config)
    server = _Server(config, protocol_out)
    _write_message(protocol_out, {"ready": True})
    try:
        _serve(inbox, server)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
