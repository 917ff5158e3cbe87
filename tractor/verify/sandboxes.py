"""One sandbox per process for every check that runs claimed code, and how to read its results.

Starting a sandbox's fork server costs a torch import, so checks share one, created on first use
and closed at exit. A worker of a parallel build is pointed at its parent's sandbox instead
(:func:`use_broker`, see :mod:`.sandbox_broker`), so the whole build holds one.
"""

from __future__ import annotations

import atexit
import functools

from .outcome import Outcome, error, incorrect


_broker: tuple[str, bytes] | None = None


def use_broker(address: str, key: bytes) -> None:
    """Make :func:`shared_sandbox` the sandbox a :class:`~.sandbox_broker.SandboxBroker` serves
    (a pool worker's initializer calls this)."""
    global _broker
    _broker = (address, key)
    shared_sandbox.cache_clear()


@functools.cache
def shared_sandbox():
    if _broker is not None:
        from .sandbox_broker import RemoteSandbox

        sandbox = RemoteSandbox(*_broker)
    else:
        from .sandbox import Sandbox

        sandbox = Sandbox()
    atexit.register(sandbox.close)
    return sandbox


def run_claimed(source: str, entry: str, payload: dict) -> tuple[object, Outcome | None]:
    """Run claimed code; returns (value, None) or (None, the outcome that ends the check).

    An exception raised by the code itself is a property of the claim (``incorrect``); a
    timeout, a resource limit or a forbidden call means the claim could not be judged
    (``error``); a host with no working sandbox leaves it ``unverified`` rather than running
    untrusted code in-process.
    """
    from .outcome import unverified
    from .sandbox import SandboxUnavailable

    try:
        result = shared_sandbox().run(source, entry=entry, payload=payload)
    except SandboxUnavailable as exc:
        return None, unverified(f"no sandbox to run the code: {exc}")
    if result.ok:
        return result.value, None
    if result.error.startswith("exception:"):
        return None, incorrect(f"code fails: {result.error.removeprefix('exception:').strip()}")
    return None, error(f"sandbox: {result.error}")


def parallel_jobs() -> int:
    """How many checks may wait on the shared sandbox at once: as many as it runs at once."""
    from .sandbox import default_concurrency

    return default_concurrency()
