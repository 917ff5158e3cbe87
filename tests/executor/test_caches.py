"""The caches the executor sets up for a build's work."""

# Verdicts are stored in a file named by the tool's version and source: a verifier fixed since
# (same answer-key version) never reads the verdicts of the code before the fix.
def test_verdict_store_named_by_code(tmp_path, monkeypatch):
    from tractor import build_cache
    from tractor.executor.caches import verdict_cache

    before = verdict_cache.__wrapped__(tmp_path).path.name
    assert before == f"verdicts-{build_cache.code_salt()}.sqlite"
    monkeypatch.setattr(build_cache, "_code_fingerprint", lambda: "a verifier fixed since")
    assert verdict_cache.__wrapped__(tmp_path).path.name != before
