"""One sandbox per process for every check that runs claimed code, and how to read its results.

Starting a sandbox's fork server costs a torch import, so checks share one, created on first use
and closed at exit. A worker of a parallel build is pointed at its parent's sandbox instead
(:func:`use_broker`, see :mod:`.sandbox_broker`), so the whole build holds one.

What comes back from the sandbox is the claim's text: every detail taken from it is cut to a few
hundred characters and passed through the identity scrubber before it can reach the dataset.
A failure on the sandbox's side (a server that died or went silent, an internal error) is
retried once on a fresh server, and otherwise ends as ``error``, which is never cached; a host
without a working sandbox leaves code claims ``unverified`` with :data:`NO_SANDBOX` as the
reason, also never cached (the same claim is judged on a host that has one).
"""

from __future__ import annotations

import atexit
import functools
from typing import Any, Mapping

from .outcome import Outcome, error, incorrect

NO_SANDBOX = "no sandbox on this machine"
DETAIL_CHARS = 300  # what a detail may carry from the sandbox
_SANDBOX_SIDE = ("sandbox worker died", "sandbox internal error", "the sandbox worker stopped answering")

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
        from ..sandbox.broker import RemoteSandbox

        sandbox = RemoteSandbox(*_broker)
    else:
        from ..sandbox.runner import Sandbox

        sandbox = Sandbox()
    atexit.register(sandbox.close)
    return sandbox


@functools.cache
def _scrubber():
    """The identity scrubber the transcripts go through (key from the environment)."""
    from ..privacy import Pseudonymizer

    return Pseudonymizer.from_environment()


def bounded(text: str, limit: int = DETAIL_CHARS) -> str:
    """Text that came out of the sandbox, fit for a verdict's detail: at most ``limit``
    characters (cut before scrubbing, so the scrubber's work is bounded too), identities
    replaced. Without a pseudonym key nothing is let through but the length."""
    text = str(text)
    cut = text[:limit] + (f" [... {len(text)} characters]" if len(text) > limit else "")
    try:
        return _scrubber().scrub(cut)
    except Exception:  # noqa: BLE001 - no key, no scrubbing: say nothing rather than leak
        return f"[{len(text)} characters withheld: no identity scrubber]"


def is_transient(verdict: str, facts: Mapping[str, Any]) -> bool:
    """Whether a verdict says nothing lasting about its claim (the sandbox failed, or there
    was none: the fact ``not_run``): such verdicts are not cached, so a later build judges the
    claim again."""
    return verdict == "error" or bool(facts.get("not_run"))


def run_claimed(source: str, entry: str, payload: dict) -> tuple[object, Outcome | None]:
    """Run claimed code; returns (value, None) or (None, the outcome that ends the check).

    An exception raised by the code itself is a property of the claim (``incorrect``); a
    timeout, a resource limit or a forbidden call means the claim could not be judged
    (``error``); a host with no working sandbox leaves it ``unverified`` rather than running
    untrusted code in-process.
    """
    from .outcome import unverified
    from ..sandbox.runner import SandboxUnavailable

    try:
        result = shared_sandbox().run(source, entry=entry, payload=payload)
        if not result.ok and not result.error.startswith("exception:") and any(
                side in result.error for side in _SANDBOX_SIDE):  # a fresh server, once
            result = shared_sandbox().run(source, entry=entry, payload=payload)
    except SandboxUnavailable as exc:
        return None, unverified(f"{NO_SANDBOX}: code claims are not run ({bounded(exc)})",
                                facts={"not_run": "no sandbox"})
    if result.ok:
        return result.value, None
    if result.error.startswith("exception:"):
        return None, incorrect(f"code fails: {bounded(result.error.removeprefix('exception:').strip())}")
    return None, error(f"sandbox: {bounded(result.error)}")


def parallel_jobs() -> int:
    """How many checks may wait on the shared sandbox at once: as many as it runs at once."""
    from ..sandbox.runner import default_concurrency

    return default_concurrency()
