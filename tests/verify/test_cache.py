"""The verdict cache: one check per distinct claim, persisted, invalidated by the key version."""

from tractor.records import Claim
from tractor.verify import VerdictCache, verify_claims
from tractor.verify.outcome import correct

from tests.verify._helpers import HW09, claim


def test_repeated_claims_are_checked_once(tmp_path, monkeypatch):
    calls = []
    checks = HW09.reference_checks()
    monkeypatch.setattr(type(HW09), "reference_checks",
                        lambda self: {**checks, "2a": lambda *a: calls.append(1) or checks["2a"](*a)})
    cache = VerdictCache(tmp_path / "verdicts.json")
    claims = [claim("2a", "[1, 4, 3]"), claim("2a", "(1, 4, 3)", "[1, 4, 3]"), claim("2a", "[1,4,3]", "[1, 4, 3]")]
    judged = verify_claims(claims, HW09, cache)
    assert [c.verdict for c in judged] == ["correct"] * 3 and len(calls) == 1
    reloaded = VerdictCache(tmp_path / "verdicts.json")
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


def test_damaged_cache_file_is_ignored(tmp_path):
    path = tmp_path / "verdicts.json"
    path.write_text("{not json")
    assert len(VerdictCache(path)) == 0
