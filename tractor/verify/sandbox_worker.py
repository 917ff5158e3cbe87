"""Fork server that runs untrusted claim code; started by :mod:`tractor.verify.sandbox`.

Runs as a script inside the isolation layer (bubblewrap, ``unshare`` or a plain process) and
only imports the standard library plus the configured preload modules (torch), because that
import is the slow part: doing it once here and forking a child per job is what makes a job
cost milliseconds instead of a fresh interpreter's seconds.

Protocol on stdin/stdout: 4-byte big-endian length + UTF-8 JSON, one message each way. The
first message in is the server config; the server answers ``{"ready": true}``; then each job
message gets one result message ``{"ok", "value", "error", "stdout"}``.

Each job runs in a child forked while the previous job ran (so the fork is not part of a job's
wait) that has already left the server's session and pipes and waits for exactly one job.
Layers inside each child, outermost first: a new session (the server kills the whole process
group on timeout), rlimits (CPU, address space, file size, processes, open files, no core
files), a private working directory, and a ``sys.addaudithook`` hook that refuses network,
process creation, signals to other processes, ctypes and writes outside that directory. The
hook is defence in depth only: the namespaces set up by the host are the real walls.
"""

import errno
import gc
import json
import os
import resource
import select
import shutil
import signal
import struct
import sys
import tempfile
import time
import types

_HEADER = struct.Struct(">I")
_MAX_RESULT_BYTES = 16 * 2**20
_STDOUT_KEEP_BYTES = 20_000
_OPEN_FILES = 256
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_CHANGED_PATH_ARGUMENTS = {  # audit event -> positions of the paths the call changes
    **dict.fromkeys(("os.remove", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.truncate",
                     "os.utime", "os.chflags", "os.lchflags", "os.setxattr", "os.removexattr",
                     "shutil.rmtree", "shutil.chown"), (0,)),
    "os.rename": (0, 1), "os.link": (1,), "os.symlink": (1,),  # a link may point anywhere
}
_PROCESS_EVENTS = {
    "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
    "subprocess.Popen", "pty.spawn", "os.startfile",
}
_INTROSPECTION_EVENTS = {  # would let code dig out the unhooked _posixsubprocess.fork_exec
    "gc.get_objects", "gc.get_referrers", "gc.get_referents",
}


_VIOLATIONS: list[str] = []  # what the job's code tried and was refused, first one reported
_LIBC = None  # set by the server's trusted setup when ctypes and glibc are there


class _Violation(PermissionError):
    """Raised by the audit hook; a PermissionError so library code treats it as a refusal."""


def _refuse(reason):
    _VIOLATIONS.append(reason)
    raise _Violation(errno.EACCES, "forbidden: " + reason)


def _refuse_fork_exec(*_args, **_kwargs):
    _refuse("process creation (_posixsubprocess.fork_exec)")


def _unhook_fork_exec():
    """``_posixsubprocess.fork_exec`` starts processes without raising an audit event, so
    every module-level reference to it (``subprocess._fork_exec``...) becomes a refusal."""
    original = getattr(sys.modules.get("_posixsubprocess"), "fork_exec", None)
    if original is None:
        return
    for module in list(sys.modules.values()):
        for name, value in list(getattr(module, "__dict__", {}).items()):
            if value is original:
                setattr(module, name, _refuse_fork_exec)


def _read_message(stream):
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    return json.loads(stream.read(_HEADER.unpack(header)[0]))


def _write_message(fd, message):
    data = json.dumps(message).encode()
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


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
    dumpable stops a job from attaching to or writing the memory of its server."""
    pr_set_dumpable = 4
    libc.prctl(pr_set_dumpable, 0, 0, 0, 0)


def _prepare_server(config):
    """Import the slow modules once, single-threaded, so forked children inherit them."""
    sys.path[:] = config["sys_path"]
    sys.dont_write_bytecode = True
    for name in config["preload"]:
        try:
            module = __import__(name)
        except ImportError:
            continue
        if name == "torch":  # one intra-op thread: forking after a thread pool exists deadlocks
            module.set_num_threads(1)
            module.softmax(module.ones(2, 2), dim=-1)  # load the lazily-initialised kernels
    global _LIBC
    _unhook_fork_exec()
    try:
        _LIBC = _libc()
        _collapse_huge_pages(_LIBC)
        _forbid_ptrace(_LIBC)
    except (OSError, AttributeError):
        pass  # not Linux/glibc: slower forks, the namespaces still hold
    gc.collect()
    gc.freeze()  # the collector would otherwise touch (and so copy) every inherited page
    config["mapped_bytes"] = _mapped_bytes()


def _install_audit_hook(work_dir, hidden_paths, visible_paths):
    """Refuse what a numeric claim never needs; each refusal is remembered so the job fails
    even when the code swallows the exception."""
    refuse, own_pid = _refuse, os.getpid()

    def is_hidden(path):
        return any(path == h or path.startswith(h + os.sep) for h in hidden_paths) and not any(
            path == v or path.startswith(v + os.sep) for v in visible_paths)

    def is_other_process(path):
        parts = path.split(os.sep)
        return len(parts) > 2 and parts[1] == "proc" and parts[2].isdigit() and parts[2] != str(
            own_pid)

    def resolved(path):
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        return os.path.realpath(path)

    def is_writable_path(path):
        return path == "/dev/null" or path.startswith(work_dir + os.sep)

    def hook(event, args):
        if event == "open":
            path, mode, flags = args
            if not isinstance(path, (str, bytes)):
                return  # an already-open file descriptor
            path = resolved(path)
            writing = any(c in (mode or "") for c in "wax+") or (flags or 0) & _WRITE_FLAGS
            if writing and not is_writable_path(path):
                refuse(f"write outside the sandbox dir: {path}")
            if is_hidden(path):
                refuse(f"read of a hidden path: {path}")
            if is_other_process(path):  # its environment and memory may hold secrets
                refuse(f"read of another process: {path}")
        elif event in _CHANGED_PATH_ARGUMENTS:
            for position in _CHANGED_PATH_ARGUMENTS[event]:
                if isinstance(args[position], (str, bytes)):
                    path = resolved(args[position])
                    if not is_writable_path(path):
                        refuse(f"{event} outside the sandbox dir: {path}")
        elif event.startswith("socket."):
            refuse(f"network ({event})")
        elif event in _PROCESS_EVENTS:
            refuse(f"process creation ({event})")
        elif event in ("os.kill", "os.killpg") and not (event == "os.kill" and args[0] == own_pid):
            refuse(f"signal to another process ({event})")
        elif event.startswith("ctypes.") or event in _INTROSPECTION_EVENTS:
            refuse(f"{event}")
        elif event in ("resource.setrlimit", "resource.prlimit"):
            refuse(event)
        elif event == "import" and args[0] in ("_posixsubprocess", "_ctypes", "ctypes"):
            refuse(f"import of {args[0]}")  # a fresh copy would bring back fork_exec

    sys.addaudithook(hook)


def _mapped_bytes():
    """Address space the server already maps (torch alone maps ~600 MB); read once, before
    any fork, because every allocation in a child copies a shared page."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))


def _apply_limits(limits, mapped_bytes):
    mb = 2**20
    address_space = mapped_bytes + limits["memory_mb"] * mb
    for name, soft, hard in (
        ("RLIMIT_CPU", limits["cpu_seconds"], limits["cpu_seconds"] + 1),  # SIGXCPU, then KILL
        ("RLIMIT_AS", address_space, address_space),
        ("RLIMIT_FSIZE", limits["file_mb"] * mb, limits["file_mb"] * mb),
        ("RLIMIT_NPROC", limits["processes"], limits["processes"]),
        ("RLIMIT_NOFILE", _OPEN_FILES, _OPEN_FILES),
        ("RLIMIT_CORE", 0, 0),
    ):
        resource.setrlimit(getattr(resource, name), (soft, hard))


def _describe_exception(exc, limits):
    if isinstance(exc, MemoryError) or (
            isinstance(exc, RuntimeError) and "can't allocate memory" in str(exc)):
        return f"memory limit exceeded ({limits['memory_mb']} MB): {type(exc).__name__}"
    if isinstance(exc, OSError) and exc.errno == errno.EFBIG:
        return f"file size limit exceeded ({limits['file_mb']} MB)"
    if isinstance(exc, SystemExit):
        return f"exited: sys.exit({exc.code!r}) before returning a result"
    return f"exception: {type(exc).__name__}: {exc}"[:2000]


def _failure(error):
    return json.dumps({"ok": False, "value": None, "error": error}).encode()


def _detach(work_dir, stdout, server_fds):
    """Cut a fresh child off from the server (its pipes, its session) before its job arrives."""
    os.setsid()
    if _LIBC is not None:  # die with the server, or a killed server would leave jobs running
        pr_set_pdeathsig = 1
        _LIBC.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    for fd in server_fds:
        os.close(fd)
    stdin = os.open("/dev/null", os.O_RDONLY)
    for source, target in ((stdin, 0), (stdout, 1), (stdout, 2)):
        os.dup2(source, target)
    os.close(stdin)
    os.close(stdout)
    os.chdir(work_dir)
    os.environ.update(HOME=work_dir, TMPDIR=work_dir)
    tempfile.tempdir = work_dir
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # oversize writes fail with EFBIG instead


def _read_job(job_fd):
    """The job the server writes (then closes the pipe), or None: the server stopped first."""
    chunks = []
    while chunk := os.read(job_fd, 1 << 16):
        chunks.append(chunk)
    os.close(job_fd)
    return json.loads(b"".join(chunks)) if chunks else None


def _job_reply(job, config, work_dir):
    """Limit and hook this child, run the claim's code, encode what happened as reply bytes."""
    try:
        _apply_limits(job["limits"], config["mapped_bytes"])
        _install_audit_hook(work_dir, config["hidden_paths"], config["visible_paths"])
        module = types.ModuleType("claim")
        sys.modules["claim"] = module  # dataclasses and pickling look the module up
        exec(compile(job["source"], "<claim>", "exec"), module.__dict__)
        entry = module.__dict__.get(job["entry"])
        if not callable(entry):
            raise NameError(f"the code defines no callable {job['entry']!r}")
        value = entry() if job["payload"] is None else entry(job["payload"])
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            data = json.dumps({"ok": True, "value": value, "error": ""}).encode()
        except (TypeError, ValueError) as exc:
            data = _failure(f"result not JSON-serialisable: {exc}")
    except BaseException as exc:  # noqa: BLE001 - every failure of untrusted code is a result
        data = _failure(_describe_exception(exc, job["limits"]))
        try:
            sys.stdout.flush()
        except BaseException:  # noqa: BLE001 - the output file may be what failed
            pass
    return _failure("forbidden: " + _VIOLATIONS[0]) if _VIOLATIONS else data


def _run_child(config, work_dir, stdout, job_fd, result_fd, server_fds):
    """Body of the forked child: it must never return into the server's loop, whatever the
    code does (an exception whose ``__str__`` raises, say), hence the ``finally``."""
    status = 70  # EX_SOFTWARE: reported as "exited with code 70 without returning a result"
    try:
        _detach(work_dir, stdout, server_fds)
        job = _read_job(job_fd)
        if job is not None:
            view = memoryview(_job_reply(job, config, work_dir))
            while view:
                view = view[os.write(result_fd, view):]
            os.close(result_fd)  # the server answers now, while this process is still exiting
        status = 0
    finally:
        os._exit(status)


class _Child:
    """Server side of a child forked ahead of its job: forking a torch-sized process is the
    largest fixed cost of a job, so the next job's child is forked while the current job
    runs. It waits on its job pipe, which the server writes the job into and then closes."""

    def __init__(self, pid, work_dir, stdout, job_fd, result_fd):
        self.pid, self.work_dir = pid, work_dir
        self.fds = {"stdout": stdout, "job": job_fd, "result": result_fd}

    def alive(self):
        """Whether the child still runs (a job that slipped past the walls could kill it)."""
        try:
            return os.waitpid(self.pid, os.WNOHANG)[0] == 0
        except ChildProcessError:
            return False

    def close(self, name, server_fds):
        fd = self.fds.pop(name, None)
        if fd is not None:
            server_fds.discard(fd)
            os.close(fd)

    def discard(self, server_fds):
        """Close the server's ends (a child still waiting then reads no job and exits) and
        remove the job directory."""
        for name in list(self.fds):
            self.close(name, server_fds)
        shutil.rmtree(self.work_dir, ignore_errors=True)


def _fork_child(config, server_fds):
    """Fork a child that waits for its job; None when the host refuses a fork right now
    (say, while a job's fork bomb still holds the process table): the next job tries again."""
    work_dir = tempfile.mkdtemp(dir=config["scratch_dir"])
    stdout = os.open(os.path.join(work_dir, "stdout"), os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    job_read, job_write = os.pipe()
    result_read, result_write = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        for fd in (stdout, job_read, job_write, result_read, result_write):
            os.close(fd)
        shutil.rmtree(work_dir, ignore_errors=True)
        return None
    if pid == 0:
        _run_child(config, work_dir, stdout, job_read, result_write,
                   server_fds | {job_write, result_read})
    os.close(job_read)
    os.close(result_write)
    server_fds.update((stdout, job_write, result_read))
    return _Child(pid, work_dir, stdout, job_write, result_read)


def _collect(pid, result_fd, wall_seconds, deadline):
    """Wait for the child's reply: (reply, '') as soon as it closes the pipe after a valid
    one (its exit, which tears down a torch-sized address space, is not waited for), else
    (None, '') once it exited, or (None, the timeout message)."""
    pidfd = os.pidfd_open(pid)
    watched, chunks, size = [result_fd, pidfd], [], 0
    try:
        while (remaining := deadline - time.monotonic()) > 0:
            readable, _, _ = select.select(watched, [], [], remaining)
            if result_fd in readable:
                chunk = os.read(result_fd, 1 << 16)
                if chunk:
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > _MAX_RESULT_BYTES:
                        return None, f"result too large (> {_MAX_RESULT_BYTES // 2**20} MB)"
                    continue
                watched.remove(result_fd)
                if (reply := _parse_reply(b"".join(chunks))) is not None:
                    return reply, ""
            if pidfd in readable:
                if result_fd in watched:  # drain what the exited child left in the pipe
                    os.set_blocking(result_fd, False)
                    try:
                        while chunk := os.read(result_fd, 1 << 16):
                            chunks.append(chunk)
                    except BlockingIOError:
                        pass
                return _parse_reply(b"".join(chunks)), ""
        return None, f"timeout after {wall_seconds:g} s"
    finally:
        os.close(pidfd)


def _kill_leftovers(pid, own_pid_namespace, waiting_pids):
    """Kill the child's process group, and inside a private pid namespace everything that is
    not this server, the namespace's init (pid 1) or a child waiting for the next job."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    me = os.getpid()
    if not own_pid_namespace or me > 16:  # a small pid proves the namespace is really ours
        return
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in (1, me, *waiting_pids):
            try:
                os.kill(int(entry), signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


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


def _parse_reply(data):
    """The child's JSON reply, or None when the code wrote something else into the pipe."""
    try:
        reply = json.loads(data)
    except ValueError:
        return None
    if not isinstance(reply, dict) or set(reply) != {"ok", "value", "error"}:
        return None
    return reply


def _read_stdout(fd):
    """Read through the server's own descriptor: the job may have replaced the file's name
    with a symlink to something only the server could read."""
    head, total = os.pread(fd, _STDOUT_KEEP_BYTES, 0), os.fstat(fd).st_size
    text = head.decode("utf-8", errors="replace")
    return text + (f"\n[... truncated, {total} bytes in total]" if total > len(head) else "")


def _reap(exiting):
    """Collect children that sent their reply and were left to finish exiting."""
    for pid in list(exiting):
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == 0:
                continue
        except ChildProcessError:
            pass
        exiting.remove(pid)


def _send_job(child, job, server_fds):
    """Hand the job to its waiting child; False when the child was found dead (it never saw
    the job). A child that dies after this is reported by :func:`_collect`."""
    try:
        view = memoryview(json.dumps(job).encode())
        while view:
            view = view[os.write(child.fds["job"], view):]
        return True
    except BrokenPipeError:
        return False
    finally:
        child.close("job", server_fds)


def _take_waiting(waiting, server_fds):
    """The first child in ``waiting`` still alive to take a job (dead ones are dropped)."""
    while waiting:
        child = waiting.pop(0)
        if child.alive():
            return child
        child.discard(server_fds)
    return None


def _serve_job(job, config, server_fds, waiting, exiting):
    """Run one job in a waiting child (a fresh one if none is alive); while it runs, fork the
    next job's child into ``waiting``."""
    _reap(exiting)
    wall_seconds = job["limits"]["wall_seconds"]
    deadline = time.monotonic() + wall_seconds
    for _ in range(2):  # a waiting child found dead is replaced by a fresh one, once
        child = _take_waiting(waiting, server_fds) or _fork_child(config, server_fds)
        if child is None:
            raise OSError("cannot fork a child for the job")
        if _send_job(child, job, server_fds):
            break
        child.discard(server_fds)
        exiting.append(child.pid)
    else:
        raise OSError("the job's child died before reading the job")
    try:
        waiting += filter(None, [_fork_child(config, server_fds)])
        try:
            reply, timeout = _collect(child.pid, child.fds["result"], wall_seconds, deadline)
        finally:
            _kill_leftovers(child.pid, config["own_pid_namespace"], {c.pid for c in waiting})
        if reply is None:
            _, status, rusage = os.wait4(child.pid, 0)
            reply = {"ok": False, "value": None,
                     "error": _explain_failure(timeout, status, rusage, job["limits"])}
        else:
            exiting.append(child.pid)
        return {**reply, "stdout": _read_stdout(child.fds["stdout"])}
    finally:
        child.discard(server_fds)


def main():
    protocol_in = sys.stdin.buffer
    protocol_out = os.dup(1)
    os.dup2(2, 1)  # stray prints from preloaded libraries must not corrupt the protocol
    config = _read_message(protocol_in)
    _prepare_server(config)
    server_fds = {protocol_out}  # what every child closes: it must not reach the server's pipes
    waiting = list(filter(None, [_fork_child(config, server_fds)]))
    _write_message(protocol_out, {"ready": True})
    exiting = []
    while (job := _read_message(protocol_in)) is not None:
        try:
            reply = _serve_job(job, config, server_fds, waiting, exiting)
        except Exception as exc:  # noqa: BLE001 - report, keep serving
            reply = {"ok": False, "value": None, "error": f"sandbox internal error: {exc!r}",
                     "stdout": ""}
        _write_message(protocol_out, reply)
    for child in waiting:  # with no job sent, each reads end-of-file and exits
        child.discard(server_fds)
        os.waitpid(child.pid, 0)


if __name__ == "__main__":
    main()
