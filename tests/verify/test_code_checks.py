"""Question 3 code claims run in the sandbox against the reference attention."""

import copy
import json
from pathlib import Path

import pytest

from tests.verify._helpers import HW09, verdict

REFERENCE = {"a": "d_model", "b": "d_model", "c": "d_model", "d": "Q", "e": "softmax", "f": "V",
             "g": "self.num_heads", "h": "W_o"}

# 3(a): blanks, as the extractor gives them (given blanks c and g may be left out).
BLANKS = [
    (REFERENCE, "correct"),
    ({k: v for k, v in REFERENCE.items() if k not in "cg"}, "correct"),
    ({**REFERENCE, "a": "self.d_model"}, "correct"),  # different text, same computation
    ({**REFERENCE, "h": "W_v"}, "incorrect"),  # runs, wrong numbers
    ({**REFERENCE, "e": "softmx"}, "incorrect"),  # does not run
    ({**REFERENCE, "d": "K"}, "incorrect"),
    ({k: v for k, v in REFERENCE.items() if k != "f"}, "unverified"),  # blank (f) not stated
]


@pytest.mark.parametrize("blanks,expected", BLANKS)
def test_blanks(blanks, expected):
    assert verdict("3a", json.dumps(blanks), json.dumps(blanks))[0] == expected


def code(*blocks):
    return json.dumps([{"type": "code", "text": b} for b in blocks])


W_O = "self.W_o = nn.Linear(2 * d_model, d_model)"
SPLIT = '''def split_heads(self, x):
    b, s, width = x.size()
    return x.view(b, s, self.num_heads, width // self.num_heads).transpose(1, 2)'''
COMBINE = '''def combine_heads(self, x):
    b, h, s, w = x.size()
    return x.transpose(1, 2).reshape(b, s, h * w)'''
COMBINE_ONLY_000 = '''def combine_heads(self, x):
    batch_size, _, seq_length, d_v = x.size()    # d_v = 2 * self.d_
    return x.transpose(1, 2).reshape(batch_size,
                                    seq_length, 2 * self.d_model)'''

# 3(b): patches. The official "W_o only" does not run; 000's two edits miss split_heads.
PATCHES = [
    (code(W_O, SPLIT, COMBINE), "correct", "edits 3"),
    (code("self.W_v = nn.Linear(in_features=d_model, out_features=2 * d_model)", W_O, SPLIT, COMBINE), "correct",
     "edits 3"),
    (code(W_O), "incorrect", "fix does not run"),
    (code(W_O, COMBINE_ONLY_000), "incorrect", "split_heads"),
    (code(SPLIT, COMBINE), "incorrect", "fix does not run"),  # output no longer [b, s, d_model]... W_o fails
    (json.dumps([{"type": "prose", "text": "change W_o to nn.Linear(2 * d_model, d_model)"}]), "incorrect",
     "fix does not run"),
    (json.dumps([{"type": "prose", "text": "widen the output projection"}]), "unverified", "no code"),
]


@pytest.mark.parametrize("edits,expected,detail", PATCHES)
def test_patches(edits, expected, detail):
    got, why = verdict("3b", "", edits)
    assert got == expected and detail in why


def test_patch_detail_records_the_minimal_edit_set():
    _, why = verdict("3b", "", code(W_O))
    assert "vs minimal 3 (combine_heads, self.W_o, split_heads)" in why


# Code read from a PDF (tag pdf-code): code that does not compile may be print damage, so it is
# unverified; code that compiles and fails at run time is still incorrect.
@pytest.mark.parametrize("blanks,edits,expected", [
    ({**REFERENCE, "a": "Filled-in blanks"}, None, "unverified"),  # 000 PDF before the row fix
    ({**REFERENCE, "e": "softmx"}, None, "incorrect"),
    (None, code(W_O, COMBINE_ONLY_000), "incorrect"),
])
def test_pdf_code_guard(blanks, edits, expected):
    part, normalized = ("3a", json.dumps(blanks)) if blanks else ("3b", edits)
    assert verdict(part, normalized, normalized, tags="edits=1; pdf-code")[0] == expected


# What the sandbox sends back is checked, not trusted to be well-formed or small: each row spoils
# one field of a real harness result (the reference class, case 0) and names the failure reported.
# Sizes are the checker's: nothing the claim returns makes this side decode or compute more.
def _spoil(field, value):
    def spoil(result):
        result[field] = value(result[field])
    return spoil


SPOILED = [
    (_spoil("out", lambda packed: [packed[0], packed[1][:-8]]), "malformed result"),  # bytes cut short
    (_spoil("out", lambda packed: [packed[0], "not base64!" * (len(packed[1]) // 11)]), "malformed result"),
    (_spoil("out", lambda packed: [[2, 5, 17], packed[1]]), "malformed result"),  # not the checker's shape
    (_spoil("out", lambda packed: [packed[0], "A" * 12_000_000]), "malformed result"),  # 12 MB: never decoded
    (_spoil("params", lambda params: {k: v for k, v in params.items() if k != "W_o.weight"}),
     "reference not computable"),
    (_spoil("params", lambda params: {**params, "W_q.weight": [4096, 4096]}), "malformed result"),  # work sized by the claim
    (_spoil("params", lambda params: {**params, "W_q.weight": ["16", 16]}), "malformed result"),
    (_spoil("params", lambda params: {f"p{i}": [1] for i in range(10_000)}), "malformed result"),
    (_spoil("shape", lambda shape: [1, 1, 1]), "output shape [1, 1, 1]"),
    (_spoil("shape", lambda shape: [60_000, 1, 16]), "output shape [60000, 1, 16]"),  # a 60k-token claim
]


@pytest.fixture(scope="module")
def reference_results():
    from tractor.homeworks.hw09.code import MHA
    from tractor.verify.code_checks import template
    from tractor.verify.code_patch import fill_blanks
    from tractor.verify.code_run import run

    results, stop = run(fill_blanks(template(HW09.key.part("3a"), HW09.key), REFERENCE), MHA)
    assert stop is None
    return results


@pytest.mark.parametrize("spoil,failure", SPOILED)
def test_spoiled_results_are_failures(reference_results, spoil, failure):
    from tractor.homeworks.hw09.code import MHA
    from tractor.verify.code_run import compare

    results = copy.deepcopy(reference_results)
    spoil(results[0])
    worst, failures = compare(results, MHA)
    assert len(failures) == 1 and failure in failures[0]
    assert worst < 1e-9  # the other cases still match


# A reply that is not one result per case is malformed as a whole.
@pytest.mark.parametrize("spoil", [
    lambda results: results[:-1],
    lambda results: results + results[:1],
    lambda results: {"ok": True},
    lambda results: [*results[:-1], "pass"],
    lambda results: None,
])
def test_malformed_reply_is_one_failure(reference_results, spoil):
    from tractor.homeworks.hw09.code import MHA
    from tractor.verify.code_run import compare

    assert compare(spoil(copy.deepcopy(reference_results)), MHA) == (
        0.0, ["malformed result from the sandbox (not one result per case)"])


# The reference attention is computed once per case and parameter shapes: comparing the same
# results again reuses it and agrees to the last bit.
def test_reference_is_computed_once_per_inputs(reference_results):
    from tractor.homeworks.hw09.code import MHA
    from tractor.verify import code_run

    first = code_run.compare(reference_results, MHA)
    known = len(code_run._REFERENCES)
    assert code_run.compare(copy.deepcopy(reference_results), MHA) == first
    assert len(code_run._REFERENCES) == known >= len(code_run.cases_of(MHA))
    assert first[0] < 1e-9 and first[1] == []


# The checker, not the claim, decides the module's weights: a blank or a patch that also sets
# the weights (zeroes them, fills them, skips nn.Linear's own initialisation) cannot make a wrong
# blank elsewhere agree with a reference computed on those same weights.
ZEROED = "d_model); [p.data.zero_() for p in self.parameters()]; (d_model"
WEIGHTS_SET_BY_THE_CLAIM = [
    ({**REFERENCE, "c": ZEROED, "h": "W_v"}, "incorrect"),
    ({**REFERENCE, "c": ZEROED, "d": "K"}, "incorrect"),
    ({**REFERENCE, "c": "d_model); [torch.nn.init.zeros_(p) for p in self.parameters()]; (d_model", "h": "W_v"},
     "incorrect"),
    ({**REFERENCE, "a": "d_model); self.W_q.weight.data.fill_(0); self.W_k.weight.data.fill_(0); (d_model",
      "f": "K"}, "incorrect"),
    ({**REFERENCE, "a": "d_model); nn.Linear.reset_parameters = lambda self: None; (d_model", "h": "W_v"},
     "incorrect"),
    ({**REFERENCE, "c": ZEROED}, "correct"),  # the computation is right on the checker's weights
]


@pytest.mark.parametrize("blanks,expected", WEIGHTS_SET_BY_THE_CLAIM)
def test_claim_cannot_choose_the_weights(blanks, expected):
    assert verdict("3a", json.dumps(blanks), json.dumps(blanks))[0] == expected


# A patch that forges the harness's reply (writes a passing result into every descriptor and
# exits before the checks run), or leaves early, is never judged correct: the verdict is taken
# on this side by comparing outputs with the checker's reference.
def _forger(how):
    import base64

    from tractor.homeworks.hw09.code import MHA
    from tractor.verify.code_run import cases_of

    forged = [{"ok": True, "shape": list(c.output_shape),
               "out": [list(c.output_shape), base64.b64encode(bytes(8 * c.output_shape[0] * c.output_shape[1]
                                                                    * c.output_shape[2])).decode()],
               "params": {f"W_{p}.weight": [c.inputs["d_model"], c.inputs["d_model"]] for p in "qkvo"}}
              for c in cases_of(MHA)]
    reply = json.dumps({"ok": True, "value": forged, "error": ""})
    return (f"def forward(self, Q, K, V, mask=None):\n    import os\n    data = {reply!r}.encode()\n"
            f"    for fd in range(3, 64):\n        try:\n            os.write(fd, data)\n"
            f"        except OSError:\n            pass\n    {how}")


@pytest.mark.parametrize("edits", [
    code(W_O, _forger("os._exit(0)")),
    code(W_O, _forger("os._exit(1)")),
    code(W_O, _forger("raise SystemExit(0)")),
    code(W_O, "def forward(self, Q, K, V, mask=None):\n    print('PASS: all checks passed')\n    import os\n"
               "    os._exit(0)"),
    code(W_O, "def forward(self, Q, K, V, mask=None):\n    return torch.zeros(Q.shape, dtype=Q.dtype)"),
])
def test_forged_or_early_exit_is_never_correct(edits):
    got, why = verdict("3b", "", edits)
    assert got in ("incorrect", "error", "unverified") and "matches reference" not in why, why


# A transcript's code claims are verified together (their sandbox jobs run at once): every claim
# of the tables above, in one batch, gets the verdict it gets alone, in order.
def test_one_batch_gives_each_claim_its_own_verdict():
    from tests.verify._helpers import claim
    from tractor.verify import verify_claims

    rows = [("3a", json.dumps(b), expected) for b, expected in BLANKS] + \
           [("3b", edits, expected) for edits, expected, _ in PATCHES]
    judged = verify_claims([claim(part, "", normalized) if part == "3b" else
                            claim(part, normalized, normalized) for part, normalized, _ in rows], HW09)
    assert [c.verdict for c in judged] == [expected for _, _, expected in rows]
    assert [c.normalized for c in judged] == [normalized for _, normalized, _ in rows]


# No post changes another's verdict. An attacker's claims (the audit hook switched off, then:
# its /tmp filled and locked, every process it sees stopped, a forged passing reply, weights
# zeroed next to a wrong blank) are judged before the victims' claims of another post, in the
# same batch as them, and with a verdict cache a later build judges the victims again: every
# victim gets the verdict it gets on its own, and nothing the attacker caused is cached.
ATTACK_FORWARD = (
    "def forward(self, Q, K, V, mask=None):\n"
    "    import os, signal, sys\n"
    "    guard = sys.modules['sandbox_guard']\n"
    "    guard._refuse.__code__ = (lambda reason: None).__code__\n"
    "    guard.VIOLATIONS.clear()\n"
    "    try:\n"
    "        for i in range(100):\n"
    "            open(f'fill{i}', 'wb').write(b'x' * 2**20 * 8)\n"
    "    except OSError:\n"
    "        pass\n"
    "    try:\n"
    "        os.chmod('.', 0)\n"
    "    except OSError:\n"
    "        pass\n"
    "    for pid in [int(p) for p in os.listdir('/proc') if p.isdigit() and int(p) != os.getpid()]:\n"
    "        try:\n"
    "            os.kill(pid, signal.SIGSTOP)\n"
    "        except OSError:\n"
    "            pass\n"
    "    raise ValueError('attack done')")
ATTACKER_POST = [("3b", code(W_O, ATTACK_FORWARD)), ("3b", code(W_O, _forger("os._exit(0)"))),
                 ("3a", json.dumps({**REFERENCE, "c": ZEROED, "h": "W_v"}))]
VICTIM_POST = [("3a", json.dumps(REFERENCE)), ("3a", json.dumps({**REFERENCE, "h": "W_v"})),
               ("3b", code(W_O, SPLIT, COMBINE)), ("3b", code(W_O))]


def _judge(rows, cache=None):
    from tests.verify._helpers import claim
    from tractor.verify import verify_claims

    claims = [claim(part, "", text) if part == "3b" else claim(part, text, text) for part, text in rows]
    return [(c.verdict, c.detail) for c in verify_claims(claims, HW09, cache)]


@pytest.mark.parametrize("cached", [False, True])
def test_no_post_changes_another_posts_verdict(tmp_path, cached):
    from tractor.verify import VerdictCache

    alone = _judge(VICTIM_POST)
    assert [v for v, _ in alone] == ["correct", "incorrect", "correct", "incorrect"]
    cache = (lambda: VerdictCache(tmp_path / "verdicts.sqlite")) if cached else (lambda: None)
    attacked = _judge(ATTACKER_POST, cache())
    assert "attack done" in attacked[0][1]  # the attack ran to its end
    assert [v for v, _ in attacked] != ["correct"] * 3
    assert _judge(VICTIM_POST, cache()) == alone  # the post after
    assert _judge(ATTACKER_POST + VICTIM_POST, cache())[3:] == alone  # the same batch
    assert _judge(VICTIM_POST, cache()) == alone  # a later build


@pytest.fixture()
def without_bubblewrap(monkeypatch, tmp_path):
    """A PATH without bwrap, no opt-in to weaker isolation, and a shared sandbox made afresh
    (the one earlier tests started is stopped): the host as one without bubblewrap sees it."""
    from tractor.verify import sandboxes

    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("TRACTOR_SANDBOX_ISOLATION", raising=False)
    sandboxes.shared_sandbox().close()
    sandboxes.shared_sandbox.cache_clear()
    yield
    sandboxes.shared_sandbox.cache_clear()


# Fail closed: on a machine without bubblewrap (here: a PATH without it) code claims are not run:
# unverified, with the reason as a fact and in words, and never cached (a machine with a sandbox
# judges them again).
def test_no_sandbox_leaves_code_claims_unverified(without_bubblewrap, tmp_path):
    from tests.verify._helpers import claim
    from tractor.verify import VerdictCache, verify_claims
    from tractor.verify.sandboxes import NO_SANDBOX

    claims = [claim(part, "", text) if part == "3b" else claim(part, text, text) for part, text in VICTIM_POST]
    judged = [(c.verdict, c.fact_map, c.detail) for c in
              verify_claims(claims, HW09, VerdictCache(tmp_path / "verdicts.sqlite"))]
    assert [v for v, _, _ in judged] == ["unverified"] * 4, judged
    assert all(f.get("not_run") == "no sandbox" and d.startswith(f"{NO_SANDBOX}: code claims are not run (")
               for _, f, d in judged), judged
    assert len(VerdictCache(tmp_path / "verdicts.sqlite")) == 0


# What leaves the sandbox is bounded and scrubbed: a 12 MB exception message naming a student
# comes back as a few hundred characters with the e-mail replaced by its pseudonym.
@pytest.mark.parametrize("where", [
    "raise ValueError('jane.doe@berkeley.edu ' + 'x' * 12_000_000)\ndef main(p):\n    pass",
    "def main(p):\n    raise ValueError('jane.doe@berkeley.edu ' + 'x' * 12_000_000)",
    "def main(p):\n    raise OSError(13, 'jane.doe@berkeley.edu ' + 'x' * 12_000_000)",
    "def main(p):\n    import os\n    os._exit(int(open('/etc/hostname').read() or 0))",
])
def test_details_from_the_sandbox_are_bounded_and_scrubbed(where):
    from tractor.verify.sandboxes import run_claimed

    value, outcome = run_claimed(where, "main", {})
    assert value is None and outcome.verdict in ("incorrect", "error")
    assert len(outcome.detail) < 400 and "jane.doe" not in outcome.detail
    assert "berkeley" not in outcome.detail


def test_harness_failures_are_bounded_and_scrubbed():
    edits = code(W_O, "def forward(self, Q, K, V, mask=None):\n"
                      "    raise ValueError('jane.doe@berkeley.edu ' + 'x' * 12_000_000)")
    got, why = verdict("3b", "", edits)
    assert got == "incorrect" and "ValueError: student-" in why and "jane.doe" not in why and len(why) < 700


# How a sandbox result becomes the check's outcome: the claim's own exception is incorrect;
# limits, walls and the sandbox's own failures are error (never cached); a server that died or
# went silent is retried once on a fresh one, and only then is the job's result used.
class _Scripted:
    def __init__(self, *errors):
        self.errors, self.calls = list(errors), 0

    def run(self, source, entry="main", payload=None, limits=None):
        from tractor.sandbox.runner import SandboxResult

        self.calls += 1
        error = self.errors.pop(0)
        return SandboxResult(True, 42) if error is None else SandboxResult(False, None, error)


@pytest.mark.parametrize("errors, verdict_, calls", [
    (["exception: ValueError: bad shape"], "incorrect", 1),
    (["scratch space exhausted: OSError errno 28"], "error", 1),
    (["forbidden by the sandbox: PermissionError: [Errno 1] Operation not permitted"], "error", 1),
    (["timeout after 20 s"], "error", 1),
    (["sandbox worker died during the job (exit status -9); a fresh worker serves the next job", None],
     None, 2),
    (["timeout after 20 s (the sandbox worker stopped answering); a fresh worker serves the next job", None],
     None, 2),
    (["sandbox internal error: OSError('cannot fork')", "sandbox internal error: OSError('cannot fork')"],
     "error", 2),
])
def test_sandbox_results_to_outcomes(monkeypatch, errors, verdict_, calls):
    from tractor.verify import sandboxes

    scripted = _Scripted(*errors)
    monkeypatch.setattr(sandboxes, "shared_sandbox", lambda: scripted)
    value, outcome = sandboxes.run_claimed("", "main", {})
    assert scripted.calls == calls
    assert (value, outcome) == (42, None) if verdict_ is None else outcome.verdict == verdict_


# The build says so: one real post built on a machine without bubblewrap has its code claims
# unverified with the reason, its other claims judged as usual, and the summary names the cause.
def test_build_without_a_sandbox_says_so(without_bubblewrap, tmp_path):
    import shutil

    from tractor.executor.caches import verdict_cache
    from tractor.pipeline import BuildConfig, build_dataset

    verdict_cache.cache_clear()  # the process's verdicts from builds that had a sandbox
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(Path(__file__).resolve().parents[2] / "corpus" / "000_c66c20e44076dd47.txt", corpus)
    summary = build_dataset(BuildConfig(corpus=corpus, out=tmp_path / "dataset", jobs=1, cache_dir=None))
    import pandas

    claims = pandas.read_parquet(tmp_path / "dataset" / "claims")
    code = claims[claims.kind.isin(["code_blanks", "code_patch"])]
    assert len(code) and set(code.verdict) == {"unverified"}
    assert code.detail.str.startswith("no sandbox on this machine").all()
    assert set(claims[~claims.index.isin(code.index)].verdict) & {"correct", "incorrect"}
    assert summary.sandbox == "no sandbox on this machine: code claims left unverified"
