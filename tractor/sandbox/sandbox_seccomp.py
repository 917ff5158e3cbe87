"""The seccomp filter a sandbox job's child loads before it runs claimed code: system calls a
numeric claim never needs fail with EPERM, whatever the Python-level guard says.

Loaded by :mod:`tractor.sandbox.sandbox_worker` as a top-level module (standard library and
ctypes only), like its siblings. The filter is built with the system's libseccomp
(``libseccomp.so.2``, Debian's ``libseccomp2``, present wherever systemd is) through ctypes, and
loaded by the child itself, after it has set up its own mounts and dropped its uid; loading also
sets ``no_new_privs``. A filter cannot be removed or loosened by the process it applies to.

Refused: sockets of every family (so no network, no Unix socket such as a D-Bus or docker
socket); new processes (``fork``, ``vfork``, ``clone`` without ``CLONE_THREAD``: the job is one
process, so its rlimits are job-wide) and ``execve``; tracing and reading other processes
(``ptrace``, ``process_vm_*``, ``pidfd_*``, ``kcmp``); signals to any process but itself;
mounts and namespaces; kernel keyrings, BPF, perf, ``userfaultfd``, ``io_uring`` (which would
bypass the filter); uid changes, clocks, modules, swap, reboot.
"""

import ctypes
import errno

_ALLOW = 0x7FFF0000
_CMP_NE, _CMP_MASKED_EQ = 1, 7
_CLONE_THREAD = 0x00010000

REFUSED = (
    "socket", "socketpair",
    "fork", "vfork", "execve", "execveat",
    "ptrace", "process_vm_readv", "process_vm_writev", "process_madvise", "pidfd_open",
    "pidfd_getfd", "pidfd_send_signal", "kcmp",
    "mount", "umount2", "pivot_root", "chroot", "unshare", "setns", "fsopen", "fsmount",
    "fsconfig", "fspick", "move_mount", "open_tree", "mount_setattr",
    "open_by_handle_at", "name_to_handle_at", "mknod", "mknodat",
    "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setgroups",
    "setfsuid", "setfsgid",
    "swapon", "swapoff", "reboot", "kexec_load", "kexec_file_load", "init_module",
    "finit_module", "delete_module", "acct", "quotactl", "syslog", "iopl", "ioperm",
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
)
_OWN_PID_ONLY = ("kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo")


class _ArgCmp(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int),
                ("datum_a", ctypes.c_uint64), ("datum_b", ctypes.c_uint64)]


class Filter:
    """The filter's rules, resolved once in the server through libseccomp (loaded by ctypes);
    OSError when the host has no libseccomp (the server then refuses to start: no filter, no
    sandbox). Each child calls :meth:`install` with its own pid."""

    def __init__(self):
        lib = ctypes.CDLL("libseccomp.so.2", use_errno=True)
        lib.seccomp_init.restype = ctypes.c_void_p
        lib.seccomp_init.argtypes = [ctypes.c_uint32]
        lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
        lib.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int,
                                               ctypes.c_uint, ctypes.POINTER(_ArgCmp)]
        lib.seccomp_load.argtypes = [ctypes.c_void_p]
        lib.seccomp_release.argtypes = [ctypes.c_void_p]
        self._lib = lib
        rules = [(name, _errno(errno.EPERM), None) for name in REFUSED]
        rules.append(("clone3", _errno(errno.ENOSYS), None))  # the C library then uses clone
        rules.append(("clone", _errno(errno.EPERM), (_CMP_MASKED_EQ, _CLONE_THREAD, 0)))
        rules += [(name, _errno(errno.EPERM), "own pid") for name in _OWN_PID_ONLY]
        self._rules = [(number, action, test) for name, action, test in rules
                       if (number := lib.seccomp_syscall_resolve_name(name.encode())) >= 0]

    def install(self, own_pid):
        """Load the filter into this process (and the threads it starts later); OSError if the
        kernel or the library refuses, so a child never runs a job without it."""
        lib = self._lib
        ctx = lib.seccomp_init(_ALLOW)
        if not ctx:
            raise OSError("seccomp_init failed")
        try:
            for number, action, test in self._rules:
                if test is None:
                    result = lib.seccomp_rule_add_array(ctx, action, number, 0, None)
                else:
                    op, a, b = (_CMP_NE, own_pid, 0) if test == "own pid" else test
                    result = lib.seccomp_rule_add_array(ctx, action, number, 1, (_ArgCmp * 1)(_ArgCmp(0, op, a, b)))
                if result < 0:
                    raise OSError(-result, f"seccomp rule for system call {number}")
            result = lib.seccomp_load(ctx)
            if result < 0:
                raise OSError(-result, "seccomp_load")
        finally:
            lib.seccomp_release(ctx)


def _errno(code):
    return 0x00050000 | (code & 0xFFFF)
