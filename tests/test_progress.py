"""The build's progress estimate and summary figures, on a fake clock (no timed tests)."""

import io

import pytest

from tractor.progress import MovingRate, ProgressLine, duration, throughput


def run(total, finish_times):
    """A meter that saw files finish at ``finish_times`` (seconds after the start)."""
    clock = iter([0.0, *finish_times])
    now = [0.0]

    def tick():
        now[0] = next(clock, now[0])
        return now[0]

    meter = MovingRate(total, tick)
    for _ in finish_times:
        meter.step()
    return meter


# The estimate follows the recent rate: a first file that paid for start-up (20 s) does not
# make the rest of the build look slow; a build that slows down shows it soon.
@pytest.mark.parametrize("total, finish_times, left", [
    (100, [20, 21, 22, 23, 24, 25, 26, 27, 28, 29], 90),  # slow start, then 1 file/s
    (30, [20, 20.5, 21, 21.5], 13),  # slow start, then 2 files/s
    (10, [1, 2, 3, 4, 5, 6, 7, 8, 9], 1),  # steady 1 file/s
    (20, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 18, 22, 26, 30, 34, 38, 42], 8),  # slowed to 1 file per 4 s
    (12, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10.5, 11], 0),  # nothing left
    (5, [10], 40),  # one file done: its time is all there is
])
def test_estimate_from_a_moving_rate(total, finish_times, left):
    assert run(total, finish_times).seconds_left() == pytest.approx(left)


# Before any file is done there is no estimate.
def test_no_estimate_before_the_first_file():
    assert run(10, []).seconds_left() is None


# The summary line's ending: elapsed time and posts per second.
@pytest.mark.parametrize("files, seconds, text", [
    (9, 23.1, "in 23.1 s (0.39 posts/s)"),
    (1, 4.0, "in 4.0 s (0.25 posts/s)"),
    (1000, 185, "in 3 min 05 s (5.41 posts/s)"),
    (10000, 3720, "in 1 h 02 min (2.69 posts/s)"),
    (500, 20, "in 20.0 s (25 posts/s)"),
])
def test_throughput(files, seconds, text):
    assert throughput(files, seconds) == text


# On a terminal the line shows done/total and the estimate; elsewhere (a log, a pipe) nothing.
@pytest.mark.parametrize("tty, shown", [(True, "ingesting 2/10  about 8.0 s left  b.txt"), (False, "")])
def test_progress_line(tty, shown):
    stream = io.StringIO()
    stream.isatty = lambda: tty
    times = iter([0.0, 1.0, 2.0])
    line = ProgressLine(10, stream, clock=lambda: next(times))
    line.update("a.txt")
    line.update("b.txt")
    assert stream.getvalue().split("\r\x1b[2K")[-1] == shown


# Durations read naturally at every scale.
@pytest.mark.parametrize("seconds, text", [(0.4, "0.4 s"), (59.94, "59.9 s"), (61, "1 min 01 s"), (7322, "2 h 02 min")])
def test_duration(seconds, text):
    assert duration(seconds) == text
