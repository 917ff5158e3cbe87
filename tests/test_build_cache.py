"""What the build cache's keys depend on, so a cached post is never served stale."""

import shutil
from contextlib import ExitStack

import pytest

from tractor import build_cache, homeworks

from testdata import HW42, listed_homework


@pytest.fixture
def outside(tmp_path):
    """A copy of the test-only homework, to edit, and a way to list it in TRACTOR_HOMEWORKS."""
    folder = tmp_path / "hw42"
    shutil.copytree(HW42, folder)
    with ExitStack() as stack:
        yield folder, lambda: stack.enter_context(listed_homework(folder))
    build_cache.build_salt.cache_clear()


# A homework added to the bank, or a question's phrasings changed, identifies posts differently:
# every cached transcript is stale. A part's reference is not read by identification.
def test_the_bank_is_part_of_the_build_salt(outside):
    folder, list_it = outside
    before = build_cache.build_salt("privacy")
    list_it()
    salts = [build_cache.build_salt("privacy")]
    key = folder / "key.toml"
    for old, new in (("reference = \"b\"", "reference = \"c\""), ("\"unit L2 norm\"", "\"unit length\"")):
        key.write_text(key.read_text().replace(old, new))
        for cached in (build_cache.build_salt, homeworks._key_for):
            cached.cache_clear()
        salts.append(build_cache.build_salt("privacy"))
    assert salts[0] != before and salts[1] == salts[0] and salts[2] != salts[1]


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
