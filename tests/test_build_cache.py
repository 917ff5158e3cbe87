"""What the build cache's keys depend on, so a cached post is never served stale."""

import shutil
from pathlib import Path

import pytest

from tractor import build_cache, homeworks

HW42 = Path(__file__).parent / "homeworks" / "outside" / "hw42"


@pytest.fixture
def outside(tmp_path, monkeypatch):
    """A copy of the test-only homework listed in TRACTOR_HOMEWORKS, and fresh caches."""
    folder = tmp_path / "hw42"
    shutil.copytree(HW42, folder)
    caches = (build_cache.build_salt, homeworks._key_for)
    for cached in caches:
        cached.cache_clear()
    yield folder, lambda: monkeypatch.setenv("TRACTOR_HOMEWORKS", str(folder))
    for cached in caches:
        cached.cache_clear()


# A homework added to the bank identifies posts it did not: every cached transcript is stale.
def test_the_bank_is_part_of_the_build_salt(outside):
    _, list_it = outside
    before = build_cache.build_salt("privacy")
    list_it()
    build_cache.build_salt.cache_clear()
    assert build_cache.build_salt("privacy") != before


# A file's claims and labels depend on its homework's folder: key, template and an outside
# plug-in's code; another homework's folder does not matter to it.
@pytest.mark.parametrize("edit", ["key.toml", "layer_norm.py", "__init__.py"])
def test_a_homework_folder_is_part_of_its_results(outside, edit):
    folder, list_it = outside
    list_it()
    before = build_cache.result_context(True, {"hw42"})
    hw09 = build_cache.result_context(True, {"hw09"})
    (folder / edit).write_text((folder / edit).read_text() + "\n# edited\n")
    assert build_cache.result_context(True, {"hw42"}) != before
    assert build_cache.result_context(True, {"hw09"}) == hw09
