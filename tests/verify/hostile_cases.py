"""Hostile claim code for the sandbox: (name, source, expected error pattern).

Each source defines ``main()``. The pattern is a regular expression searched in
``SandboxResult.error``; most are plain substrings. Paths that must stay untouched on the
host are listed in ``HOST_MARKERS`` (must never exist) and ``PROTECTED_FILES`` (must keep
their bytes). Network cases only aim at loopback and at 192.0.2.1 (TEST-NET-1, reserved for
documentation and never routed), never at a real outside host.
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
     "can't start new thread"),
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
