"""One job's child of the sandbox fork server: forked ahead of its job, it cuts itself off from
the server, waits for exactly one job on its job pipe, puts the guard (:mod:`sandbox_guard`)
around the claimed code, runs it and writes the JSON reply into its result pipe.

Loaded by :mod:`tractor.verify.sandbox_worker` as a top-level module, like the guard: the
worker runs as a script inside the isolation layer and imports no tractor package.
"""

import json
import os
import shutil
import signal
import sys
import tempfile
import types

import sandbox_guard as guard

_LIBC = []  # the server's ctypes handle on the C library, when it has one (see set_libc)


def set_libc(libc):
    """Give children the server's C library handle, for their own trusted setup only (jobs
    are refused ctypes by the audit hook)."""
    _LIBC[:] = [libc]


def _failure(error):
    return json.dumps({"ok": False, "value": None, "error": error}).encode()


def _detach(work_dir, stdout, server_fds):
    """Cut a fresh child off from the server (its pipes, its session) before its job arrives."""
    os.setsid()
    if _LIBC:  # die with the server, or a killed server would leave jobs running
        pr_set_pdeathsig = 1
        _LIBC[0].prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
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
        guard.apply_limits(job["limits"], config["mapped_bytes"])
        guard.install_audit_hook(work_dir, config["hidden_paths"], config["visible_paths"])
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
        data = _failure(guard.describe_exception(exc, job["limits"]))
        try:
            sys.stdout.flush()
        except BaseException:  # noqa: BLE001 - the output file may be what failed
            pass
    return _failure("forbidden: " + guard.VIOLATIONS[0]) if guard.VIOLATIONS else data


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


class Child:
    """Server side of a child forked ahead of its job: forking a torch-sized process is the
    largest fixed cost of a job, so the next job's child is forked while jobs run. It waits on
    its job pipe, which the server writes the job into and then closes."""

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

    def send(self, job, server_fds):
        """Hand the job over; False when the child was found dead (it never saw the job)."""
        try:
            view = memoryview(json.dumps(job).encode())
            while view:
                view = view[os.write(self.fds["job"], view):]
            return True
        except BrokenPipeError:
            return False
        finally:
            self.close("job", server_fds)

    def discard(self, server_fds):
        """Close the server's ends (a child still waiting then reads no job and exits) and
        remove the job directory."""
        for name in list(self.fds):
            self.close(name, server_fds)
        shutil.rmtree(self.work_dir, ignore_errors=True)


def fork_child(config, server_fds):
    """Fork a child that waits for its job; None when the host refuses a fork right now
    (say, while a job's fork bomb still holds the process table): a later job tries again.
    ``server_fds`` (every descriptor of the server's, to be closed in the child) gains the
    new child's server-side ends."""
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
    return Child(pid, work_dir, stdout, job_write, result_read)
