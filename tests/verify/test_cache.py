"""The verdict cache: one check per distinct claim, persisted, invalidated by the key version."""

import pytest

from tractor.records import Claim
from tractor.verify import VerdictCache, verify_claims
from tractor.verify.outcome import correct

from tests.verify._helpers import HW09, claim


def test_repeated_claims_are_checked_once(tmp_path, monkeypatch):
    calls = []
    checks = HW09.reference_checks()
    monkeypatch.setattr(type(HW09), "reference_checks",
                        lambda self: {**checks, "2a": lambda *a: calls.append(1) or checks["2a"](*a)})
    cache = VerdictCache(tmp_path / "verdicts.sqlite")
    claims = [claim("2a", "[1, 4, 3]"), claim("2a", "(1, 4, 3)", "[1, 4, 3]"), claim("2a", "[1,4,3]", "[1, 4, 3]")]
    judged = verify_claims(claims, HW09, cache)
    assert [c.verdict for c in judged] == ["correct"] * 3 and len(calls) == 1
    reloaded = VerdictCache(tmp_path / "verdicts.sqlite")
    assert len(reloaded) == 1
    verify_claims(claims, HW09, reloaded)
    assert len(calls) == 1  # served from disk


def test_key_version_is_part_of_the_cache_key(tmp_path):
    cache = VerdictCache()
    c = claim("1b", "d", "d")
    cache.put(c, "hw09", "1", correct("cached"))
    assert cache.get(c, "hw09", "1").detail == "cached"
    assert cache.get(c, "hw09", "2") is None
    assert cache.get(Claim("t", "1c", True, 1, 0, "expression", "d", "d"), "hw09", "1") is None


# A damaged or foreign file is replaced: only lost work, never an error.
@pytest.mark.parametrize("content", [b"{not json", b"SQLite format 3\x00" + b"\xff" * 200, b""])
def test_damaged_cache_file_is_replaced(tmp_path, content):
    path = tmp_path / "verdicts.sqlite"
    path.write_bytes(content)
    cache = VerdictCache(path)
    assert len(cache) == 0
    cache.put(claim("1b", "d", "d"), "hw09", "1", correct("kept"))
    cache.save()
    assert VerdictCache(path).get(claim("1b", "d", "d"), "hw09", "1").detail == "kept"


# Two build workers share one store: each save adds its own rows and keeps the other's (a
# whole-file rewrite would let the last writer drop the first's verdicts).
def test_two_writers_keep_each_others_verdicts(tmp_path):
    first, second = VerdictCache(tmp_path / "v.sqlite"), VerdictCache(tmp_path / "v.sqlite")
    first.put(claim("1b", "d", "d"), "hw09", "1", correct("from the first"))
    second.put(claim("1c", "d", "d"), "hw09", "1", correct("from the second"))
    first.save()
    second.save()
    merged = VerdictCache(tmp_path / "v.sqlite")
    assert len(merged) == 2
    assert merged.get(claim("1b", "d", "d"), "hw09", "1").detail == "from the first"
    assert second.get(claim("1b", "d", "d"), "hw09", "1").detail == "from the first"  # read through


# The verifier's facts survive the cache (memory and disk) and reach the claim as a JSON object;
# a store written before facts existed is replaced, not misread
@pytest.mark.parametrize("facts", [
    {"edits": 4, "minimal_edits": 3, "runs": True, "edited_units": ["a", "b"]},
    {"claim_shape": ["h", "d", "k"], "reference_shape": ["h", "d", "q"]},
    {},
])
def test_facts_round_trip(tmp_path, facts):
    from tractor.verify.outcome import incorrect

    c = claim("4a", "[h, d, k]", "[h, d, k]")
    cache = VerdictCache(tmp_path / "v.sqlite")
    cache.put(c, "hw09", "1", incorrect("x", facts=facts))
    assert dict(cache.get(c, "hw09", "1").facts) == facts
    cache.save()
    assert dict(VerdictCache(tmp_path / "v.sqlite").get(c, "hw09", "1").facts) == facts


def test_store_without_facts_column_is_replaced(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE verdicts (key TEXT PRIMARY KEY, verdict TEXT, detail TEXT, reference TEXT)")
        db.execute("INSERT INTO verdicts VALUES ('k', 'correct', 'd', 'r')")
    cache = VerdictCache(path)
    assert len(cache) == 0 and cache.get(claim("1b", "d", "d"), "hw09", "1") is None


def test_verified_claim_carries_facts():
    judged = verify_claims([claim("2a", "[3, 11, 5, 2]", "[3, 11, 5, 2]")], HW09)
    assert judged[0].verdict == "incorrect"
    assert judged[0].fact_map == {"claim_length": 4, "reference_length": 3}
