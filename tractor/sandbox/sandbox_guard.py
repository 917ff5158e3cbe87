"""What a sandbox job's child puts around the claimed code before running it: rlimits and an
audit hook. Loaded by :mod:`tractor.sandbox.sandbox_worker` (inside the isolation layer, by path,
standard library only); the namespaces the host set up are the real walls, this is defence in
depth.

The hook refuses what a numeric claim never needs: network, process creation, signals to other
processes, ctypes, reading hidden paths or other processes' ``/proc`` entries, and writes outside
the job's directory. Every refusal is remembered in :data:`VIOLATIONS`, so a job fails even
when its code swallows the exception.
"""

import errno
import os
import resource
import sys

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

VIOLATIONS: list[str] = []  # what the job's code tried and was refused, first one reported


class Violation(PermissionError):
    """Raised by the audit hook; a PermissionError so library code treats it as a refusal."""


def _refuse(reason):
    VIOLATIONS.append(reason)
    raise Violation(errno.EACCES, "forbidden: " + reason)


def _refuse_fork_exec(*_args, **_kwargs):
    _refuse("process creation (_posixsubprocess.fork_exec)")


def unhook_fork_exec():
    """``_posixsubprocess.fork_exec`` starts processes without raising an audit event, so
    every module-level reference to it (``subprocess._fork_exec``...) becomes a refusal. The
    server calls this once, after its preloads, so every child inherits it."""
    original = getattr(sys.modules.get("_posixsubprocess"), "fork_exec", None)
    if original is None:
        return
    for module in list(sys.modules.values()):
        for name, value in list(getattr(module, "__dict__", {}).items()):
            if value is original:
                setattr(module, name, _refuse_fork_exec)


def mapped_bytes():
    """Address space the server already maps (torch alone maps ~600 MB); read once, before
    any fork, because every allocation in a child copies a shared page."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))


def apply_limits(limits, already_mapped):
    """CPU (SIGXCPU, then KILL a second later), address space on top of ``already_mapped``,
    file size, processes (threads count), open files, no core files."""
    mb = 2**20
    address_space = already_mapped + limits["memory_mb"] * mb
    for name, soft, hard in (
        ("RLIMIT_CPU", limits["cpu_seconds"], limits["cpu_seconds"] + 1),
        ("RLIMIT_AS", address_space, address_space),
        ("RLIMIT_FSIZE", limits["file_mb"] * mb, limits["file_mb"] * mb),
        ("RLIMIT_NPROC", limits["processes"], limits["processes"]),
        ("RLIMIT_NOFILE", _OPEN_FILES, _OPEN_FILES),
        ("RLIMIT_CORE", 0, 0),
    ):
        resource.setrlimit(getattr(resource, name), (soft, hard))


_REFUSED_ERRNOS = {errno.EPERM, errno.EACCES, errno.EROFS}
_LIMIT_ERRNOS = {  # errno -> the limit it means inside a job (the job's own, never the claim's)
    errno.ENOSPC: "scratch space exhausted", errno.EDQUOT: "scratch space exhausted",
    errno.ENOMEM: "memory limit exceeded", errno.EMFILE: "open file limit exceeded",
    errno.ENFILE: "open file limit exceeded", errno.EAGAIN: "process limit exceeded",
}


def describe_exception(exc, limits):
    """The job's error text: limits hit and walls met are named as such (the checker reads
    them as "could not judge", never as a wrong claim); anything else is the code's own."""
    if isinstance(exc, MemoryError) or (
            isinstance(exc, RuntimeError) and "can't allocate memory" in str(exc)):
        return f"memory limit exceeded ({limits['memory_mb']} MB): {type(exc).__name__}"
    if isinstance(exc, RuntimeError) and "can't start new thread" in str(exc):
        return f"process limit exceeded ({limits['processes']} threads)"
    if isinstance(exc, OSError) and exc.errno == errno.EFBIG:
        return f"file size limit exceeded ({limits['file_mb']} MB)"
    if isinstance(exc, OSError) and exc.errno in _LIMIT_ERRNOS:
        return f"{_LIMIT_ERRNOS[exc.errno]}: {type(exc).__name__} errno {exc.errno}"
    if isinstance(exc, OSError) and exc.errno in _REFUSED_ERRNOS:
        return f"forbidden by the sandbox: {type(exc).__name__}: {exc}"[:500]
    if isinstance(exc, SystemExit):
        return f"exited: sys.exit({exc.code!r}) before returning a result"
    return f"exception: {type(exc).__name__}: {exc}"[:500]


def install_audit_hook(work_dir, hidden_paths, visible_paths):
    """Refuse what a numeric claim never needs (see the module docstring)."""
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
