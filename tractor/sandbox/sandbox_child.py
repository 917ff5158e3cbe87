"""One job's child of the sandbox fork server: forked ahead of its job, it cuts itself off from
the server, waits for exactly one job on its job pipe, puts the guard (:mod:`sandbox_guard`)
around the claimed code, runs it and writes the JSON reply into its result pipe.

Loaded by :mod:`tractor.sandbox.sandbox_worker` as a top-level module, like the guard: the
worker runs as a script inside the isolation layer and imports no tractor package.
"""

import ctypes
import itertools
import json
import os
import shutil
import signal
import sys
import tempfile
import types

import sandbox_guard as guard

_LIBC = []  # the server's ctypes handle on the C library, when it has one (see set_libc)
_FILTER = []  # the seccomp filter's rules, resolved by the server (see set_filter)
_JOB_UIDS = itertools.count()
JOB_DIR = "/tmp/job"  # under bubblewrap: each job's own tmpfs is mounted here, in its namespace


def set_libc(libc):
    """Give children the server's C library handle, for their own trusted setup only (jobs
    are refused ctypes by the audit hook)."""
    _LIBC[:] = [libc]


def set_filter(seccomp_filter):
    """Give children the seccomp filter (:class:`sandbox_seccomp.Filter`) they load."""
    _FILTER[:] = [seccomp_filter]


def _failure(error):
    return json.dumps({"ok": False, "value": None, "error": error}).encode()


def _own_walls(config, job_uid):
    """Give this child walls of its own (bubblewrap only): a private mount namespace in which its
    folder (:data:`JOB_DIR`, the only place it may write: the server's ``/tmp`` is not writable
    by a job's uid) is a fresh size-limited tmpfs that vanishes with the child, so nothing it
    writes reaches a later job, and ``/dev/shm`` is empty and read-only; then
    the job's own unprivileged uid (real root outside drops to a uid no other job uses, so
    ``RLIMIT_NPROC`` counts this job alone and other jobs' files and processes are out of
    reach; without root the capabilities are dropped instead)."""
    libc = _LIBC[0]
    owner = job_uid if config["own_uid"] else os.getuid()  # only one uid exists in a user namespace
    for call, args in (("unshare", (0x00020000,)),  # CLONE_NEWNS
                       ("mount", (None, b"/", None, 0x4000 | 0x40000, None)),  # MS_REC|MS_PRIVATE
                       ("mount", (b"tmpfs", JOB_DIR.encode(), b"tmpfs", 0x2 | 0x4 | 0x8,  # nosuid nodev noexec
                                  f"size={config['scratch_bytes']},mode=0700,uid={owner},"
                                  f"gid={owner}".encode())),
                       ("mount", (b"tmpfs", b"/dev/shm", b"tmpfs", 0x1 | 0x2 | 0x4 | 0x8,  # + rdonly
                                  b"size=4k,mode=0555"))):
        if getattr(libc, call)(*args) != 0:
            raise OSError(ctypes.get_errno(), f"{call} for the job's own walls")
    if config["own_uid"]:
        os.setgroups([])
        os.setresgid(job_uid, job_uid, job_uid)
        os.setresuid(job_uid, job_uid, job_uid)  # clears every capability
    else:
        _drop_capabilities(libc)


def _drop_capabilities(libc):
    """capset(2) with empty sets: this process keeps its uid but no privilege."""
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this thread
    data = (ctypes.c_uint32 * 6)()
    number = {"x86_64": 126, "aarch64": 91}.get(os.uname().machine)  # SYS_capset
    if number is None or libc.syscall(number, header, data) != 0:
        raise OSError(ctypes.get_errno(), "capset")


def _detach(config, work_dir, stdout, server_fds, job_uid):
    """Cut a fresh child off from the server (its pipes, its session) and wall it in before
    its job arrives; any failure here ends the child (the job is then reported as a sandbox
    failure, never as the claim's)."""
    os.setsid()
    for fd in server_fds:
        os.close(fd)
    stdin = os.open("/dev/null", os.O_RDONLY)
    for source, target in ((stdin, 0), (stdout, 1), (stdout, 2)):
        os.dup2(source, target)
    os.close(stdin)
    os.close(stdout)
    if config["job_walls"]:
        _own_walls(config, job_uid)
    if _LIBC:  # die with the server, or a killed server would leave jobs running (set after
        pr_set_pdeathsig = 1  # the uid change, which clears it)
        _LIBC[0].prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    os.chdir(work_dir)
    os.environ.update(HOME=work_dir, TMPDIR=work_dir)
    tempfile.tempdir = work_dir
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # oversize writes fail with EFBIG instead
    if config["job_walls"]:
        _FILTER[0].install(os.getpid())


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


def _run_child(config, work_dir, stdout, job_fd, result_fd, server_fds, job_uid):
    """Body of the forked child: it must never return into the server's loop, whatever the
    code does (an exception whose ``__str__`` raises, say), hence the ``finally``."""
    status = 70  # EX_SOFTWARE: reported as "exited with code 70 without returning a result"
    try:
        _detach(config, work_dir, stdout, server_fds, job_uid)
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
        if self.work_dir:  # a job folder of the server's (weaker isolation only)
            shutil.rmtree(self.work_dir, ignore_errors=True)


def fork_child(config, server_fds):
    """Fork a child that waits for its job; None when the host refuses a fork right now
    (say, while a job's fork bomb still holds the process table): a later job tries again.
    ``server_fds`` (every descriptor of the server's, to be closed in the child) gains the
    new child's server-side ends. The job's printed output goes to a file the server opened
    and unlinked at once: the server reads it through its descriptor, and nothing is left to
    remove."""
    if config["job_walls"]:  # the child's own tmpfs, mounted in its own namespace
        work_dir, job_uid = JOB_DIR, config["uid_base"] + next(_JOB_UIDS) % config["uid_count"]
    else:
        work_dir, job_uid = tempfile.mkdtemp(dir=config["scratch_dir"]), None
    stdout, path = tempfile.mkstemp(dir=config["scratch_dir"])
    os.unlink(path)
    job_read, job_write = os.pipe()
    result_read, result_write = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        for fd in (stdout, job_read, job_write, result_read, result_write):
            os.close(fd)
        if not config["job_walls"]:
            shutil.rmtree(work_dir, ignore_errors=True)
        return None
    if pid == 0:
        _run_child(config, work_dir, stdout, job_read, result_write,
                   server_fds | {job_write, result_read}, job_uid)
    os.close(job_read)
    os.close(result_write)
    server_fds.update((stdout, job_write, result_read))
    return Child(pid, None if config["job_walls"] else work_dir, stdout, job_write, result_read)
