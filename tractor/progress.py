"""The build's progress line: files done, an estimate of the time left, the file just read.

The estimate comes from a moving rate over the last few files, not from the average since the
start: the first file of a build pays for starting the workers and loading the models (tens of
seconds) and an average that includes it said minutes for a build that took seconds.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Callable, TextIO

WINDOW = 8  # files the moving rate is taken over


class MovingRate:
    """Files per second over the last :data:`WINDOW` files, and the time left at that rate.
    ``clock`` is injectable so the arithmetic can be tested without waiting."""

    def __init__(self, total: int, clock: Callable[[], float] = time.monotonic):
        self.total, self.clock, self.start = total, clock, clock()
        self.done = 0
        self._times: deque[float] = deque(maxlen=WINDOW + 1)

    def step(self) -> None:
        self.done += 1
        self._times.append(self.clock())

    def rate(self) -> float | None:
        """Files per second: over the window once two files are done (the first file's start-up
        left out), from the start after one, ``None`` before."""
        if len(self._times) >= 2:
            span, files = self._times[-1] - self._times[0], len(self._times) - 1
        elif self._times:
            span, files = self._times[0] - self.start, 1
        else:
            return None
        return files / span if span > 0 else None

    def seconds_left(self) -> float | None:
        rate = self.rate()
        return (self.total - self.done) / rate if rate else None

    def elapsed(self) -> float:
        return self.clock() - self.start


def duration(seconds: float) -> str:
    """``4.2 s``, ``3 min 05 s``, ``1 h 02 min``."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def throughput(files: int, seconds: float) -> str:
    """``in 23.1 s (0.4 posts/s)``: the end of the build's summary line."""
    rate = files / seconds if seconds > 0 else 0.0
    return f"in {duration(seconds)} ({rate:.2f} posts/s)" if rate < 10 else f"in {duration(seconds)} ({rate:.0f} posts/s)"


class ProgressLine:
    """Redraws one line on a terminal (``\\r``); prints nothing when the stream is not one, so
    logs and captured output hold only the summary."""

    def __init__(self, total: int, stream: TextIO, label: str = "ingesting", clock=time.monotonic):
        self.meter, self.stream, self.label = MovingRate(total, clock), stream, label
        self.live = bool(getattr(stream, "isatty", lambda: False)())

    def update(self, name: str) -> None:
        self.meter.step()
        if not self.live:
            return
        left = self.meter.seconds_left()
        eta = f"  about {duration(left)} left" if left is not None and self.meter.done < self.meter.total else ""
        line = f"{self.label} {self.meter.done}/{self.meter.total}{eta}  {name}"
        self.stream.write("\r\x1b[2K" + line[:200])
        self.stream.flush()

    def close(self) -> None:
        if self.live:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
