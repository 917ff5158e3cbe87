"""The build's one sandbox, served by the parent to its pool workers (tractor.sandbox.broker)."""

import multiprocessing
import os
from multiprocessing.connection import Client

import pytest

from tractor.sandbox.runner import Sandbox, SandboxUnavailable
from tractor.sandbox.broker import RemoteSandbox, SandboxBroker

ECHO = "import os\ndef main(payload):\n    return {'twice': payload['n'] * 2, 'pid': os.getpid()}\n"


@pytest.fixture(scope="module")
def broker():
    broker = SandboxBroker(lambda: Sandbox(preload=()))
    yield broker
    broker.close()


def _remote_run(address, key, n):
    return RemoteSandbox(address, key).run(ECHO, payload={"n": n}).value


# Claimed code sent through the broker runs in the sandbox's children, never in the process that
# asked or in the broker's: each job's pid is a fresh child's.
def test_remote_run_uses_the_sandbox(broker):
    result = RemoteSandbox(broker.address, broker.key).run(ECHO, payload={"n": 21})
    assert result.ok and result.value["twice"] == 42
    assert result.value["pid"] != os.getpid()


# Two worker processes share the one sandbox: both get their answers, from distinct children.
def test_two_processes_share_one_sandbox(broker):
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        values = pool.starmap(_remote_run, [(broker.address, broker.key, 1), (broker.address, broker.key, 2)])
    assert [v["twice"] for v in values] == [2, 4]
    assert len({v["pid"] for v in values}) == 2


# Failures of the code come back as results; a broker whose sandbox cannot start says so.
@pytest.mark.parametrize("source, error", [
    ("def main():\n    raise ValueError('bad claim')\n", "exception: ValueError: bad claim"),
    ("def main():\n    import socket\n    socket.socket()\n", "forbidden"),
])
def test_failures_come_back_as_results(broker, source, error):
    result = RemoteSandbox(broker.address, broker.key).run(source)
    assert not result.ok and error in result.error


def test_unavailable_sandbox_is_raised_in_the_worker():
    def unavailable():
        raise SandboxUnavailable("no isolation level works here")

    broker = SandboxBroker(unavailable)
    try:
        with pytest.raises(SandboxUnavailable, match="no isolation level works here"):
            RemoteSandbox(broker.address, broker.key).run(ECHO, payload={"n": 1})
    finally:
        broker.close()


# Only a holder of the key is served; once the broker is closed a worker gets a clear error.
def test_wrong_key_refused_and_closed_broker_reported(broker):
    with pytest.raises(multiprocessing.AuthenticationError):
        Client(broker.address, family="AF_UNIX", authkey=b"not the key")
    closed = SandboxBroker(lambda: Sandbox(preload=()))
    closed.close()
    with pytest.raises(SandboxUnavailable, match="shared sandbox is gone"):
        RemoteSandbox(closed.address, closed.key).run(ECHO, payload={"n": 1})


# Several threads of one worker share its handle: each gets its own answer (a connection each).
def test_threads_share_one_remote_sandbox(broker):
    from concurrent.futures import ThreadPoolExecutor

    remote = RemoteSandbox(broker.address, broker.key)
    with ThreadPoolExecutor(3) as pool:
        values = list(pool.map(lambda n: remote.run(ECHO, payload={"n": n}).value["twice"], range(9)))
    remote.close()
    assert values == [2 * n for n in range(9)]
