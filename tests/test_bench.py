"""scripts/bench.py's profile rows name functions a build really calls.

The profile table maps each step to (file, functions); a step that moves to another module, or a
writer the build stops calling, silently profiles as 0 s. A one-process build of one short post
under cProfile must spend time in every step (the test-only homework's short post, which has a
code part the sandbox runs)."""

import cProfile
import importlib.util
import pstats
import shutil

import pytest

from testdata import HW42, REPO, listed_homework


@pytest.fixture(scope="module")
def profiled_steps(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("tractor_bench", REPO / "scripts" / "bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    from tractor.pipeline import BuildConfig, build_dataset

    tmp = tmp_path_factory.mktemp("profile")
    (tmp / "corpus").mkdir()
    shutil.copy(HW42.parent / "post.md", tmp / "corpus")
    profiler = cProfile.Profile()
    with listed_homework(HW42):
        profiler.runcall(build_dataset, BuildConfig(corpus=tmp / "corpus", out=tmp / "dataset", jobs=1,
                                                    cache_dir=None))
    return bench.step_seconds(pstats.Stats(profiler).stats), bench.PROFILE_STEPS


# Every step of the table, one row each: the build spent time in it.
@pytest.mark.parametrize("step", ["read (ingest.load_bytes)", "segment, identify, scrub", "extract claims",
                                  "verify claims", "label", "write dataset"])
def test_profile_step_is_timed(profiled_steps, step):
    seconds, table = profiled_steps
    assert step in table
    assert seconds[step] > 0, f"{step}: {table[step]} is never called by a build"
