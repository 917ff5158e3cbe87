import time

import pytest

from tractor.notation.latex import ParseTimeout, _time_limit, to_normalized


def _busy(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


# The parse limit counts CPU time: waiting for a core on a loaded machine (here: sleeping) never
# fails a parse, while work beyond the limit does.
@pytest.mark.parametrize("work, raises", [
    (_busy, True),
    (time.sleep, False),
])
def test_time_limit_counts_cpu_time(work, raises):
    finished = False
    try:
        with _time_limit(0.1):
            work(0.4)
            finished = True
    except ParseTimeout as exc:
        assert str(exc) == "parse took longer than 0.1s"
    assert finished is not raises


# A formula parses the same with the limit in place.
@pytest.mark.parametrize("latex, normalized", [
    (r"d \mu^2", ("d*mu**2", "")),
    (r"\frac{1}{\sqrt{d}}", ("1/sqrt(d)", "")),
])
def test_parse_under_limit(latex, normalized):
    assert to_normalized(latex) == normalized
