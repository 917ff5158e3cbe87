"""The sandbox runs claimed code away from the tool: values come back, hostile code fails
with a specific reason, the host is left untouched, and the sandbox keeps serving."""

import dataclasses
import functools
import os
import re
import signal
import socket
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from hostile_cases import HOOK_OFF, HOST_MARKERS, HOSTILE_CASES, PROTECTED_FILES, REPO, WALL_PROBES, wall_probe
from tractor.sandbox.runner import ISOLATION_LEVELS, Sandbox, SandboxLimits, SandboxResult, SandboxUnavailable

HOSTILE_LIMITS = SandboxLimits(cpu_seconds=1, wall_seconds=8, memory_mb=256, file_mb=4,
                               processes=16)
ALIVE = "def main():\n    return 'alive'"
SERVED = SandboxResult(True, "alive", "", "")


@functools.cache
def level_works(level):
    try:
        with Sandbox(isolation=level, preload=()) as sandbox:
            return sandbox.run(ALIVE).value == "alive"
    except SandboxUnavailable:
        return False


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture()
def host_untouched():
    """Checks, after the test, that no marker appeared and the protected files kept their
    bytes (read just before the test: other people may edit the tree meanwhile)."""
    before = {path: path.read_bytes() for path in PROTECTED_FILES}
    yield
    for marker in HOST_MARKERS:
        assert not os.path.exists(marker), marker
    for path, content in before.items():
        assert path.read_bytes() == content, path
    assert (REPO / "tests" / "verify").is_dir()


def parent_pids():
    parents = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
    return parents


def children(pid):
    return {child for child, parent in parent_pids().items() if parent == pid}


def forked_children(root):
    """Live children of the fork server below ``root`` (our child: bwrap, unshare or the
    server itself): python processes, not yet exited, whose parent is a python process."""
    parents, below, frontier = parent_pids(), set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - below
        below |= frontier

    def is_python(pid):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                name, state = stat.read().rsplit(")", 1)
            return name.split("(", 1)[1].startswith("python") and state.split()[0] != "Z"
        except OSError:
            return False

    return {pid for pid in below if is_python(pid) and is_python(parents[pid])}


def job_child_running(root):
    """Whether the server has handed a job to its child: it then forks the next job's child,
    so two are alive."""
    return len(forked_children(root)) >= 2


# A torch job: scaled dot-product attention softmax(q k^T / sqrt(2)) v. Row 0 weighs keys
# 0 and 2 equally (0.4011) and key 1 by 0.1978, so it lands on v's mean row (3, 4); row 1
# weighs keys 1 and 2 by 0.4011 and key 0 by 0.1978: (3.4067, 4.4067).
ATTENTION = """
import torch

def attention(payload):
    q, k, v = (torch.tensor(payload[name]) for name in "qkv")
    weights = torch.softmax(q @ k.T / k.shape[-1] ** 0.5, dim=-1)
    return (weights @ v).tolist()
"""


def test_torch_attention_job_returns_its_value(sandbox):
    payload = {"q": [[1.0, 0.0], [0.0, 1.0]], "k": [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]],
               "v": [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]}
    result = sandbox.run(ATTENTION, entry="attention", payload=payload)
    assert (result.ok, result.error) == (True, "")
    rows = result.value
    assert [len(row) for row in rows] == [2, 2]
    assert rows[0] + rows[1] == pytest.approx([3.0, 4.0, 3.406672, 4.406672], abs=1e-5)


# Ordinary jobs: the payload goes in, the JSON value and the printed text come out.
@pytest.mark.parametrize("source, payload, value, stdout", [
    ("def main(p):\n    return p['x'] * 2", {"x": 21}, 42, ""),
    ("def main():\n    print('hello')\n    return [1.5, None, 'a']", None, [1.5, None, "a"],
     "hello\n"),
    ("import math\ndef main(p):\n    return {'nan': math.isnan(p['v'])}", {"v": float("nan")},
     {"nan": True}, ""),
])
def test_ordinary_job(sandbox, source, payload, value, stdout):
    assert sandbox.run(source, payload=payload) == SandboxResult(True, value, "", stdout)


# Ordinary bugs in claimed code come back as specific errors, not exceptions in the tool.
@pytest.mark.parametrize("source, entry, error", [
    ("def main():\n    raise ValueError('bad shape')", "main", "exception: ValueError: bad shape"),
    ("def main(:\n    pass", "main", "exception: SyntaxError"),
    ("def helper():\n    return 1", "main",
     "exception: NameError: the code defines no callable 'main'"),
    ("import no_such_module_xyz\ndef main():\n    pass", "main",
     "exception: ModuleNotFoundError: No module named 'no_such_module_xyz'"),
])
def test_buggy_code_reports_the_bug(sandbox, source, entry, error):
    result = sandbox.run(source, entry=entry)
    assert not result.ok and result.error.startswith(error)


# Printed output is kept, cut to a bounded size with a note of the full length.
def test_long_stdout_is_truncated(sandbox):
    result = sandbox.run("def main():\n    print('y' * 100_000)\n    return 1")
    assert result.ok and result.value == 1
    assert result.stdout.startswith("y" * 1000)
    assert result.stdout.endswith("[... truncated, 100001 bytes in total]")


# The captured output is a file the server opened and unlinked: nothing of it is in the job's
# folder, so a job cannot swap it for a symlink to something only the server could read.
def test_captured_output_is_out_of_the_jobs_reach(sandbox):
    result = sandbox.run("import os\ndef main():\n    print('visible')\n    return os.listdir('.')")
    assert result == SandboxResult(True, [], "", "visible\n")


# Every hostile case fails with its specific reason, leaves the host alone, and the next job
# is served normally.
@pytest.mark.parametrize("name, source, expected", HOSTILE_CASES, ids=[c[0] for c in HOSTILE_CASES])
def test_hostile_code_is_contained(sandbox, host_untouched, name, source, expected):
    result = sandbox.run(source, limits=HOSTILE_LIMITS)
    assert not result.ok and result.value is None
    assert re.search(expected, result.error), result.error
    assert sandbox.run(ALIVE) == SERVED


# Each job starts from a clean slate: its own empty folder (what the last job left there is
# gone), modules as the server imported them, no host environment variables.
def test_jobs_share_no_state(sandbox, monkeypatch):
    monkeypatch.setenv("TRACTOR_HOST_ONLY_VARIABLE", "secret")
    first = sandbox.run("import os, torch\ndef main():\n    open('left', 'w').write('x')\n"
                        "    torch.manual_seed = None\n    return os.path.abspath('left')")
    second = sandbox.run(
        "import os, torch\ndef main(p):\n"
        "    return [os.listdir('.'), os.path.exists(p['old']), callable(torch.manual_seed),"
        " os.environ.get('TRACTOR_HOST_ONLY_VARIABLE'), os.environ.get('TRACTOR_PSEUDONYM_KEY')]",
        payload={"old": first.value})
    assert first.ok
    assert second.value == [[], False, True, None, None]


# Each job runs in a child of its own, forked ahead of it: a new process every time, holding no
# descriptor of the server or of another job (stdin /dev/null, stdout its own file, the result pipe).
DESCRIPTORS = ("import os\ndef main():\n    found = {}\n    for fd in os.listdir('/proc/self/fd'):\n"
               "        try:\n            found[fd] = os.readlink('/proc/self/fd/' + fd)\n"
               "        except OSError:\n            pass\n    return [os.getpid(), found]")


def test_each_job_has_its_own_child_and_descriptors(sandbox):
    pids = set()
    for _ in range(3):
        pid, found = sandbox.run(DESCRIPTORS).value
        pids.add(pid)
        assert found.pop("0") == "/dev/null"
        assert found.pop("1") == found.pop("2")
        assert [target[:5] for target in found.values()] == ["pipe:"]
    assert len(pids) == 3


# A child waiting for the next job that dies (killed from outside) is replaced: the job is served.
def test_dead_waiting_child_is_replaced():
    before = children(os.getpid())
    with Sandbox(preload=()) as sandbox:
        assert sandbox.run(ALIVE) == SERVED
        (worker_root,) = children(os.getpid()) - before
        polls = 0  # until the job's child has exited and only the waiting one is left
        while len(forked_children(worker_root)) != 1 and polls < 500:
            threading.Event().wait(0.01)
            polls += 1
        (waiting,) = forked_children(worker_root)
        os.kill(waiting, signal.SIGKILL)
        while waiting in forked_children(worker_root) and polls < 1000:
            threading.Event().wait(0.01)
            polls += 1
        assert sandbox.run(ALIVE) == SERVED
        assert waiting not in forked_children(worker_root)


# Jobs from several threads at once each get their own answer.
def test_parallel_jobs_answer_each_job():
    with Sandbox(concurrency=2, preload=()) as sandbox, ThreadPoolExecutor(4) as pool:
        values = list(pool.map(lambda x: sandbox.run("def main(p):\n    return p['x'] ** 2",
                                                      payload={"x": x}).value, range(12)))
    assert values == [x ** 2 for x in range(12)]


# Up to ``concurrency`` jobs run at the same time, each in its own child of the one server; a
# job over the limit waits its turn.
SLEEP = "import os, time\ndef main(p):\n    time.sleep(p['seconds'])\n    return os.getpid()"


def test_jobs_run_concurrently_up_to_the_limit():
    with Sandbox(concurrency=2, preload=()) as sandbox, ThreadPoolExecutor(3) as pool:
        assert sandbox.run(ALIVE) == SERVED  # the server is up: what follows times the jobs
        started = time.monotonic()
        results = list(pool.map(lambda _: sandbox.run(SLEEP, payload={"seconds": 0.8}), range(3)))
        elapsed = time.monotonic() - started
    assert [r.ok for r in results] == [True] * 3 and len({r.value for r in results}) == 3
    assert 1.6 <= elapsed < 2.3  # two at once, then the third: not one after another


# A job running into its limit next to an ordinary one: each gets its own result.
def test_concurrent_timeout_leaves_the_other_job_alone():
    with Sandbox(concurrency=2, preload=()) as sandbox, ThreadPoolExecutor(2) as pool:
        hostile = pool.submit(sandbox.run, "import time\ndef main():\n    time.sleep(1000)",
                              limits=SandboxLimits(wall_seconds=2))
        ordinary = pool.submit(sandbox.run, SLEEP, payload={"seconds": 0.5})
        assert ordinary.result().ok
        assert re.match(r"timeout after 2 s", hostile.result().error)
        assert sandbox.run(ALIVE) == SERVED


# The server belongs to the sandbox, not to the thread whose job started it: bwrap's
# --die-with-parent is a per-thread death signal, and a pool thread that ends must not take
# the server down with it.
def test_server_outlives_the_thread_that_started_it():
    before = children(os.getpid())
    with Sandbox(preload=()) as sandbox:
        first = []
        starter = threading.Thread(target=lambda: first.append(sandbox.run(ALIVE)))
        starter.start()
        starter.join()
        (worker_root,) = children(os.getpid()) - before
        threading.Event().wait(0.5)  # time for a death signal to arrive
        assert first == [SERVED] and sandbox.run(ALIVE) == SERVED
        assert children(os.getpid()) - before == {worker_root}


# A fork server killed from outside is reported in that job's error and replaced for the next.
@pytest.mark.parametrize("level", ISOLATION_LEVELS)
def test_dead_worker_is_reported_and_replaced(level):
    if not level_works(level):
        pytest.skip(f"{level} cannot run here")
    before = children(os.getpid())
    with Sandbox(isolation=level, preload=()) as sandbox:
        assert sandbox.run(ALIVE) == SERVED
        (worker_root,) = children(os.getpid()) - before
        results = []
        job = threading.Thread(target=lambda: results.append(sandbox.run(
            "import time\ndef main():\n    time.sleep(60)", limits=SandboxLimits(wall_seconds=60))))
        job.start()
        polls = 0
        while not job_child_running(worker_root) and polls < 6000:
            threading.Event().wait(0.01)
            polls += 1
        os.kill(worker_root, signal.SIGKILL)
        job.join()
        assert not results[0].ok
        assert results[0].error.startswith("sandbox worker died during the job")
        assert sandbox.run(ALIVE).value == "alive"


# Fail closed: "auto" means bubblewrap or nothing. Without it (here: a PATH that has no bwrap)
# no sandbox starts and the reason says how to opt in to a weaker level; the opt-in is explicit.
def test_bubblewrap_is_used_when_it_works(sandbox):
    assert sandbox.isolation == "bwrap"


@pytest.fixture()
def no_bubblewrap(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))


# A probe is remembered by the command it ran: a PATH that loses bwrap after a probe succeeded is
# answered afresh, and one that has it again reuses the probe.
def test_probe_follows_path(sandbox, monkeypatch, tmp_path):
    from tractor.sandbox import runner as module

    assert sandbox.isolation == "bwrap" and module._level_works("bwrap")
    saved = os.environ["PATH"]
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not module._level_works("bwrap")
    monkeypatch.setenv("PATH", saved)
    assert module._level_works("bwrap")


def test_no_bubblewrap_no_sandbox(no_bubblewrap, monkeypatch):
    monkeypatch.delenv("TRACTOR_SANDBOX_ISOLATION", raising=False)
    with pytest.raises(SandboxUnavailable, match="bubblewrap is not installed.*TRACTOR_SANDBOX_ISOLATION"):
        Sandbox(preload=()).isolation
    monkeypatch.setenv("TRACTOR_SANDBOX_ISOLATION", "rlimits")  # trusted code only
    with Sandbox(preload=()) as weak:
        assert weak.isolation == "rlimits" and weak.run(ALIVE) == SERVED


# Below Python: with the audit hook switched off by the job itself, each attempt is refused by
# the kernel (seccomp, the mounts, the uid), the probe says so, and the host saw nothing: no
# marker, no connection on its listeners, the protected files as they were.
@pytest.mark.parametrize("name, attempt, errnos", WALL_PROBES, ids=[p[0] for p in WALL_PROBES])
def test_walls_hold_without_the_hook(sandbox, host_untouched, tmp_path, name, attempt, errnos):
    unix_path = str(tmp_path / "host.sock")
    with socket.create_server(("127.0.0.1", 0)) as tcp, socket.socket(socket.AF_UNIX) as unix:
        unix.bind(unix_path)
        unix.listen()
        for listener in (tcp, unix):
            listener.setblocking(False)
        source = wall_probe(attempt.replace("{port}", str(tcp.getsockname()[1])).replace("{unix!r}", repr(unix_path)))
        result = sandbox.run(source, limits=HOSTILE_LIMITS)
        for listener in (tcp, unix):
            with pytest.raises(BlockingIOError):
                listener.accept()  # nobody connected
    assert result.ok and result.value[0] == "refused" and result.value[1] in errnos, result
    assert sandbox.run(ALIVE) == SERVED


# The job's identity: a uid of its own (not the host's root, so RLIMIT_NPROC holds), no
# capabilities, no controlling terminal, a different uid for the next job.
IDENTITY = ("import os\ndef main():\n    caps = [l.split()[1] for l in open('/proc/self/status')"
            " if l.startswith(('CapEff', 'CapPrm', 'CapBnd'))]\n"
            "    seccomp = [l.split()[1] for l in open('/proc/self/status') if l.startswith('Seccomp:')]\n"
            "    return [os.getuid(), os.getgid(), caps[:2], seccomp, os.getsid(0) == os.getpid()]")


def test_each_job_has_its_own_unprivileged_uid(sandbox):
    first, second = sandbox.run(IDENTITY).value, sandbox.run(IDENTITY).value
    for uid, gid, caps, seccomp, session_leader in (first, second):
        assert uid == gid and uid >= 2**31
        assert caps == ["0000000000000000"] * 2 and seccomp == ["2"] and session_leader
    assert first[0] != second[0]


# Started without root (here: the euid this process reports), the server runs in a user namespace
# of its own and each job keeps the one uid there is but drops every capability; the filter holds.
def test_without_root_each_job_drops_every_capability(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with Sandbox() as sandbox:
        uid, _, caps, seccomp, _ = sandbox.run(IDENTITY).value
        refused = sandbox.run(wall_probe("import os\n        os.kill(os.getppid(), 9)"))
    assert uid == 0 and caps == ["0000000000000000"] * 2 and seccomp == ["2"]
    assert refused.value == ["refused", 1]


# A job that fills its scratch space, locks its folder and stops every process it sees, then
# waits: the job next to it (at the same time) and the job after it are served as usual.
ATTACKER = (HOOK_OFF + "import os, signal, time\ndef main():\n    _hook_off()\n    written = 0\n"
            "    try:\n        for i in range(100):\n            with open(f'fill{i}', 'wb') as f:\n"
            "                for _ in range(3):\n                    f.write(b'x' * 2**20)\n"
            "                    written += 1\n    except OSError:\n        pass\n"
            "    os.chmod('.', 0)\n    for pid in [int(p) for p in os.listdir('/proc') if p.isdigit() and int(p) != os.getpid()]:\n"
            "        try:\n            os.kill(pid, signal.SIGSTOP)\n        except OSError:\n            pass\n"
            "    time.sleep(1.5)\n    return written")
VICTIM = ("import os\ndef main():\n    with open('data', 'wb') as f:\n        f.write(b'y' * 3 * 2**20)\n"
          "    return [os.path.getsize('data'), sorted(os.listdir('.'))]")


def test_a_job_cannot_reach_the_next_one():
    with Sandbox(concurrency=2) as sandbox, ThreadPoolExecutor(2) as pool:
        attacker = pool.submit(sandbox.run, ATTACKER, limits=dataclasses.replace(HOSTILE_LIMITS, wall_seconds=20))
        beside = pool.submit(sandbox.run, VICTIM)
        assert 50 <= attacker.result().value <= 64  # it ran, and its own /tmp stopped it at 64 MB
        assert beside.result() == SandboxResult(True, [3 * 2**20, ["data"]], "", "")
        assert sandbox.run(VICTIM) == SandboxResult(True, [3 * 2**20, ["data"]], "", "")


# The fallback levels still refuse the dangerous things (hook and rlimits only).
@pytest.mark.parametrize("level", ["unshare", "rlimits"])
@pytest.mark.parametrize("name", ["write into the repo", "os.system touching a host marker",
                                  "connect to loopback", "50 GB bytearray", "delete a repo file"])
def test_fallback_levels_contain_hostile_code(host_untouched, level, name):
    if not level_works(level):
        pytest.skip(f"{level} cannot run here")
    source, expected = next((s, e) for n, s, e in HOSTILE_CASES if n == name)
    with Sandbox(isolation=level, preload=()) as sandbox:
        result = sandbox.run(source, limits=HOSTILE_LIMITS)
        assert sandbox.isolation == level
        assert re.search(expected, result.error), result.error
        assert sandbox.run(ALIVE) == SERVED
