"""Hostile claim code for the sandbox.

``HOSTILE_CASES``: (name, source, expected error pattern). Each source defines ``main()``. The
pattern is a regular expression searched in ``SandboxResult.error``; most are plain substrings.
The first line of defence (the audit hook) stops most of them by name.

``WALL_PROBES``: (name, attempt, expected errnos). The audit hook falls in one line, so each probe
first switches it off (:data:`HOOK_OFF`), then makes one attempt at the walls below Python and
returns ``["refused", errno]`` when the kernel refused it: the returned value proves the probe
ran up to the attempt. ``{port}`` and ``{unix}`` are a TCP and a Unix socket the host listens on
during the test.

Paths that must stay untouched on the host are listed in ``HOST_MARKERS`` (must never exist) and
``PROTECTED_FILES`` (must keep their bytes). Network cases only aim at loopback and at 192.0.2.1
(TEST-NET-1, reserved for documentation and never routed), never at a real outside host.
"""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HOME = Path.home()
HOST_MARKER = "/tmp/tractor_sandbox_host_marker"
PWNED = REPO / "PWNED"
HOST_MARKERS = (HOST_MARKER, str(PWNED), str(HOME / "tractor_pwned"), "/etc/tractor_pwned")
PROTECTED_FILES = (REPO / "LICENSE", Path(__file__))

HOSTILE_CASES = [
    # runaway CPU and time: RLIMIT_CPU (SIGXCPU, then SIGKILL) and the server's wall clock
    ("infinite loop", "def main():\n    while True:\n        pass",
     "cpu time limit exceeded"),
    ("busy loop ignoring SIGXCPU",
     "import signal\ndef main():\n    signal.signal(signal.SIGXCPU, signal.SIG_IGN)\n"
     "    while True:\n        pass",
     "cpu time limit exceeded"),
    ("sleep 1000 s", "import time\ndef main():\n    time.sleep(1000)",
     r"timeout after \d+ s"),
    # processes and threads
    ("fork bomb", "import os\ndef main():\n    while True:\n        os.fork()",
     "forbidden: process creation"),
    ("os.system touching a host marker",
     f"import os\ndef main():\n    os.system('touch {HOST_MARKER}')",
     "forbidden: process creation"),
    ("subprocess.run",
     f"import subprocess\ndef main():\n    subprocess.run(['touch', '{HOST_MARKER}'])",
     "forbidden: process creation"),
    ("fork_exec behind subprocess's back",
     "import subprocess\ndef main():\n    subprocess._fork_exec()",
     "forbidden: process creation"),
    ("Popen found through object.__subclasses__",
     "def main():\n    classes = ().__class__.__bases__[0].__subclasses__()\n"
     "    popen = next(c for c in classes if c.__name__ == 'Popen')\n"
     f"    popen(['touch', '{HOST_MARKER}'])",
     "forbidden: process creation"),
    ("refusal swallowed by the code",
     f"import os\ndef main():\n    try:\n        os.system('touch {HOST_MARKER}')\n"
     "    except OSError:\n        pass\n    return 'fine'",
     "forbidden: process creation"),
    ("ctypes calling libc system()",
     f"import ctypes\ndef main():\n    ctypes.CDLL(None).system(b'touch {HOST_MARKER}')",
     "forbidden: ctypes"),
    ("killing the fork server", "import os\ndef main():\n    os.kill(os.getppid(), 9)",
     "forbidden: signal to another process"),
    ("killing every other process (the next job's child too)",
     "import os\ndef main():\n    for pid in os.listdir('/proc'):\n"
     "        if pid.isdigit() and int(pid) != os.getpid():\n            os.kill(int(pid), 9)",
     "forbidden: signal to another process"),
    ("thread bomb",
     "import threading, time\ndef main():\n    while True:\n"
     "        threading.Thread(target=time.sleep, args=(1000,), daemon=True).start()",
     "process limit exceeded"),
    # memory and recursion
    ("50 GB bytearray", "def main():\n    return len(bytearray(50 * 10**9))",
     "memory limit exceeded"),
    ("50 G-element torch.empty",
     "import torch\ndef main():\n    return torch.empty(int(50e9)).sum().item()",
     "memory limit exceeded"),
    ("recursion", "def f(n):\n    return f(n + 1) + 1\ndef main():\n    return f(0)",
     "RecursionError"),
    ("recursion bomb with the limit lifted",
     "import sys\ndef f(n):\n    return f(n + 1) + 1\ndef main():\n"
     "    sys.setrecursionlimit(10**8)\n    return f(0)",
     "memory limit exceeded|cpu time limit exceeded|killed by signal"),
    # files: writes only inside the job's own directory, never beyond the size limit
    ("write into the repo", f"def main():\n    open({str(PWNED)!r}, 'w').write('x')",
     "forbidden: write outside the sandbox dir"),
    ("write into the home directory",
     f"def main():\n    open({str(HOME / 'tractor_pwned')!r}, 'w').write('x')",
     "forbidden: write outside the sandbox dir"),
    ("write into /etc", "def main():\n    open('/etc/tractor_pwned', 'w').write('x')",
     "forbidden: write outside the sandbox dir"),
    ("write through a symlink out of the job dir",
     f"import os\ndef main():\n    os.symlink({str(REPO / 'LICENSE')!r}, 'link')\n"
     "    open('link', 'w').write('x')",
     "forbidden: write outside the sandbox dir"),
    ("write the fork server's memory",
     "import os\ndef main():\n    open(f'/proc/{os.getppid()}/mem', 'wb').write(b'x')",
     "forbidden: write outside the sandbox dir"),
    ("delete a repo file", f"import os\ndef main():\n    os.remove({str(REPO / 'LICENSE')!r})",
     "forbidden: os.remove outside the sandbox dir"),
    ("delete the repo's tests",
     f"import shutil\ndef main():\n    shutil.rmtree({str(REPO / 'tests')!r})",
     "forbidden: shutil.rmtree outside the sandbox dir"),
    ("huge file in the job dir",
     "def main():\n    with open('big', 'wb') as f:\n        for _ in range(1000):\n"
     "            f.write(b'x' * 2**20)",
     "file size limit exceeded"),
    ("huge stdout", "def main():\n    for _ in range(10**5):\n        print('x' * 1000)",
     "file size limit exceeded"),
    # secrets: password hashes and the home directory are hidden (reads elsewhere are allowed)
    ("read /etc/shadow", "def main():\n    return open('/etc/shadow').read()",
     "forbidden: read of a hidden path"),
    ("read from the home directory",
     f"def main():\n    return open({str(HOME / '.bashrc')!r}).read()",
     "forbidden: read of a hidden path"),
    ("read the tool's environment through /proc",
     "import os\ndef main():\n    return open(f'/proc/{os.getppid()}/environ').read()",
     "forbidden: read of another process"),
    # network
    ("connect to loopback",
     "import socket\ndef main():\n    socket.create_connection(('127.0.0.1', 22), timeout=1)",
     "forbidden: network"),
    ("connect to an outside address",
     "import socket\ndef main():\n    socket.create_connection(('192.0.2.1', 80), timeout=1)",
     "forbidden: network"),
    # introspection that would dig out unhooked internals
    ("gc.get_objects", "import gc\ndef main():\n    return len(gc.get_objects())",
     "forbidden: gc.get_objects"),
    # limits met are the sandbox's answer, never the claim's error
    ("fill the job's folder", "def main():\n    for i in range(100):\n"
     "        with open(f'fill{i}', 'wb') as f:\n            f.write(b'x' * 3 * 2**20)",
     "scratch space exhausted"),
    ("store in /dev/shm", "def main():\n    open('/dev/shm/x', 'wb').write(b'x')",
     "forbidden: write outside the sandbox dir"),
    # leaving early or returning junk
    ("sys.exit(0)", "import sys\ndef main():\n    sys.exit(0)", r"exited: sys\.exit\(0\)"),
    ("os._exit(3)", "import os\ndef main():\n    os._exit(3)", "exited with code 3"),
    ("non-JSON result", "def main():\n    return {1, 2}", "result not JSON-serialisable"),
    ("exception that cannot be printed",
     "class Evil(Exception):\n    def __str__(self):\n        raise Evil()\n"
     "def main():\n    raise Evil()",
     "exited with code 70 without returning a result"),
    ("junk written into the result pipe",
     "import os\ndef main():\n    for fd in range(3, 16):\n        try:\n"
     "            os.write(fd, b'not json')\n        except OSError:\n            pass\n"
     "    os._exit(0)",
     "exited with code 0 without returning a result"),
]

# One line brings the audit hook down: its refusal function's code replaced, its record cleared.
HOOK_OFF = ("import sys\n"
            "def _hook_off():\n"
            "    guard = sys.modules['sandbox_guard']\n"
            "    guard._refuse.__code__ = (lambda reason: None).__code__\n"
            "    guard.VIOLATIONS.clear()\n")
LIBC = "import ctypes, os\n        libc = ctypes.CDLL(None, use_errno=True)\n        "
FAILED_CALL = " != 0:\n            raise OSError(ctypes.get_errno(), 'refused')"
EPERM, ENOENT, ENXIO, EACCES, ENOSPC, EROFS = 1, 2, 6, 13, 28, 30

WALL_PROBES = [
    # sockets of every family: seccomp (no network namespace needed, no Unix socket reachable)
    ("TCP to a host listener on loopback",
     "import socket\n        socket.create_connection(('127.0.0.1', {port}), timeout=1)", {EPERM}),
    ("TCP to an outside address",
     "import socket\n        socket.create_connection(('192.0.2.1', 80), timeout=1)", {EPERM}),
    ("Unix socket of the host", "import socket\n        socket.socket(socket.AF_UNIX).connect({unix!r})",
     {EPERM}),
    ("netlink socket", "import socket\n        socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)", {EPERM}),
    ("socketpair", "import socket\n        socket.socketpair()", {EPERM}),
    # processes: none at all (the job is one process, so its rlimits are job-wide)
    ("fork", "import os\n        os.fork()", {EPERM}),
    ("posix_spawn touching a host marker",
     f"import os\n        os.posix_spawn('/bin/sh', ['sh', '-c', 'touch {HOST_MARKER}'], {{}})", {EPERM}),
    ("execv", "import os\n        os.execv('/bin/sh', ['sh'])", {EPERM}),
    # other processes: no signal, trace or handle on the server, the next job's child, anyone
    ("SIGKILL to the fork server", "import os\n        os.kill(os.getppid(), 9)", {EPERM}),
    ("SIGSTOP to every other process",
     "import os, signal\n        for pid in [int(p) for p in os.listdir('/proc') if p.isdigit()]:\n"
     "            if pid != os.getpid():\n                os.kill(pid, signal.SIGSTOP)", {EPERM}),
    ("read the fork server's environment", "import os\n        open(f'/proc/{os.getppid()}/environ').read()",
     {EACCES}),
    ("pidfd_open on the fork server", "import os\n        os.pidfd_open(os.getppid())", {EPERM}),
    ("pidfd_send_signal by raw system call (SIGSTOP to pid 1's handle)",
     LIBC + "if libc.syscall(424, 0, 19, None, 0)" + FAILED_CALL, {EPERM}),
    ("ptrace attach to the fork server", LIBC + "if libc.ptrace(16, os.getppid(), 0, 0)" + FAILED_CALL,
     {EPERM}),
    # mounts and namespaces: none
    ("mount a tmpfs", LIBC + "if libc.mount(b'x', b'/tmp', b'tmpfs', 0, None)" + FAILED_CALL, {EPERM}),
    ("unshare a user namespace", LIBC + "if libc.unshare(0x10000000)" + FAILED_CALL, {EPERM}),
    # files: only the interpreter, the libraries and the worker's scripts are there, read-only
    ("write into the worker's scripts", f"open({str(REPO / 'tractor' / 'sandbox' / 'sandbox_guard.py')!r}, 'a')",
     {EACCES, EROFS}),
    ("write into the repo", f"open({str(PWNED)!r}, 'w')", {ENOENT, EACCES, EROFS}),
    ("read /etc/shadow", "open('/etc/shadow').read()", {ENOENT}),
    ("read the pseudonym key", f"open({str(HOME / '.config' / 'tractor' / 'pseudonym.key')!r}).read()", {ENOENT}),
    ("list the corpus", f"import os\n        os.listdir({str(REPO / 'corpus')!r})", {ENOENT}),
    ("list /run", "import os\n        os.listdir('/run')", {ENOENT}),
    ("list /var/tmp", "import os\n        os.listdir('/var/tmp')", {ENOENT}),
    ("write to sysfs", "open('/sys/kernel/mm/transparent_hugepage/enabled', 'w')", {ENOENT}),
    ("write into the server's /tmp", "open('/tmp/left-for-the-next-job', 'w')", {EACCES}),
    ("store in /dev/shm (host memory)", "open('/dev/shm/fill', 'wb').write(b'x' * 2**20)", {EACCES, EROFS}),
    ("fill the job's folder past its size",
     "for i in range(200):\n            with open(f'fill{i}', 'wb') as f:\n"
     "                for _ in range(3):\n                    f.write(b'x' * 2**20)", {ENOSPC}),
    # the controlling terminal (CVE-2017-5226: keystrokes pushed into it with TIOCSTI)
    ("open the controlling terminal", "open('/dev/tty', 'w')", {ENXIO, ENOENT}),
]


def wall_probe(attempt: str) -> str:
    """The source of a probe: hook off, one attempt, the errno the kernel answered with."""
    return (HOOK_OFF + "def main():\n    _hook_off()\n    try:\n        " + attempt + "\n"
            "    except OSError as exc:\n        return ['refused', exc.errno]\n    return ['escaped', None]\n")
