"""The fork server's warm start: the modules it preloads, the models it loads, and a worker that
gives freed memory back to the system."""

import importlib
import os
import subprocess
import sys

import pytest

from testdata import REPO
from tractor.executor import WORKER_PRELOAD

ENV = {**os.environ, "TRACTOR_PSEUDONYM_KEY": "test-key-not-secret"}


# The fork server's preload list names real modules (multiprocessing skips a name that does not
# import, so a typo would silently cost every worker its warm start), and the warm-up loads the
# models the workers use.
@pytest.mark.parametrize("module", WORKER_PRELOAD)
def test_worker_preload_imports(module):
    importlib.import_module(module)


def test_warm_worker_loads_models():
    probe = ("import tractor.executor.warm_worker\n"
             "from tractor.label.learned import classifier\n"
             "from tractor.english import english\n"
             "print(english.cache_info().currsize, classifier.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["1", "2"]


# A build worker gives the verifier's freed Monte-Carlo tensors back to the system: verifying
# Q1's claims leaves its resident memory near where it was (glibc's default kept ~170 MB).
_VERIFY_Q1_AND_REPORT_GROWTH = """
import os, tractor.executor.warm_worker
from tests.verify._helpers import HW09, claim
from tractor.verify import verify_claims

def rss():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

before = rss()
claims = [claim("1b", "d"), claim("1c", r"s = \\sqrt{d}"), claim("1b", "d^2"), claim("1c", "d")]
assert [c.verdict for c in verify_claims(claims, HW09)] == ["correct", "correct", "incorrect", "incorrect"]
print((rss() - before) / 2**20)
"""


def test_worker_returns_freed_tensors_to_the_system():
    growth = subprocess.run([sys.executable, "-c", _VERIFY_Q1_AND_REPORT_GROWTH], env=ENV, cwd=REPO,
                            capture_output=True, text=True, check=True).stdout
    assert float(growth) < 80, growth
