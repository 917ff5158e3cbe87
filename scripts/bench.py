"""Benchmark tractor on a synthetic corpus and report the figures issue 7 sets targets for.

    python scripts/bench.py --quick                 # 50 and 200 posts (minutes)
    python scripts/bench.py                         # 1,000 posts (about 7 minutes on 2 idle cores)
    python scripts/bench.py --posts 1000 10000      # memory at both sizes (over an hour: see the README)
    python scripts/bench.py --quick --profile 20    # plus a cProfile of a cold build, per step

Each build runs as a child process (``python -m tractor build-dataset``) pinned to at most two
cores, so its wall time and peak memory are its own: peak memory is the largest single process
(``ru_maxrss`` from ``wait4``, which covers every descendant) and the whole process tree's
proportional set size sampled four times a second (psutil). The corpus comes from
:mod:`synth_corpus` (seeded, so runs are comparable). Nothing is special-cased for the bench: it
drives the same command a user runs, with a fresh cache folder for the cold build.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
REPO = SCRIPTS.parent
sys.path[:0] = [str(REPO), str(SCRIPTS)]

from synth_corpus import SAMPLES, synthesize  # noqa: E402

TARGETS = {  # metric -> (comparison, bound) from issue 7
    "cold_posts_per_s": (">=", 20), "warm_fraction": ("<=", 0.05), "sandbox_claims_per_s": (">=", 200),
    "sandbox_vs_naive": (">=", 100), "peak_tree_mb": ("<=", 1024), "startup_s": ("<=", 0.3),
}
SANDBOX_KINDS = ("code_blanks", "code_patch")  # answer kinds whose check runs the claimed code
_NAIVE_RUNNER = """
import contextlib, io, json, sys
job = json.load(sys.stdin)
namespace, captured = {}, io.StringIO()
try:
    with contextlib.redirect_stdout(captured):
        exec(compile(job["source"], "<claim>", "exec"), namespace)
        entry = namespace[job["entry"]]
        value = entry() if job["payload"] is None else entry(job["payload"])
    reply = {"ok": True, "value": value, "error": "", "stdout": captured.getvalue()}
except Exception as exc:
    reply = {"ok": False, "value": None, "error": f"exception: {type(exc).__name__}: {exc}", "stdout": ""}
print(json.dumps(reply))
"""


def bench_env(tmp: Path) -> dict[str, str]:
    """Children get a fixed pseudonym key and caches inside the bench's temporary folder."""
    return {**os.environ, "TRACTOR_PSEUDONYM_KEY": "bench-key-not-secret", "XDG_CACHE_HOME": str(tmp / "xdg"),
            "HF_DATASETS_OFFLINE": "1"}


def _pin_two_cores():
    cpus = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, cpus[:2])


def run_measured(cmd: list[str], env: dict, log: Path) -> dict:
    """Run ``cmd`` to completion on two cores: wall seconds, exit status, peak memory (MB)."""
    import psutil

    start = time.perf_counter()
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, preexec_fn=_pin_two_cores)
    peak_tree, peak_processes = 0, {}
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        processes = _tree_pss(psutil, proc.pid)
        if sum(processes.values()) > peak_tree:
            peak_tree, peak_processes = sum(processes.values()), processes
        time.sleep(0.25)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{log.read_text()[-3000:]}")
    return {"seconds": seconds, "max_process_mb": usage.ru_maxrss / 1024, "peak_tree_mb": peak_tree / 2**20,
            "peak_processes_mb": {k: round(v / 2**20) for k, v in peak_processes.items()}}


def _tree_pss(psutil, pid: int) -> dict[str, int]:
    """Proportional set size (shared pages counted once) of a process and each descendant,
    by "pid command"."""
    sizes = {}
    try:
        procs = [psutil.Process(pid)]
        procs += procs[0].children(recursive=True)
    except psutil.NoSuchProcess:
        return sizes
    for p in procs:
        try:
            sizes[f"{p.pid} {' '.join(p.cmdline())[-60:]}"] = p.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return sizes


def extract_only(corpus: Path, jobs: int) -> dict:
    """The baseline: only the readers (text decoding, PDF text extraction), same pool size."""
    from tractor.pipeline import corpus_files

    files = corpus_files(corpus)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        counts = list(pool.map(_extract_file, files, chunksize=4))
    return {"files": len(files), "documents": sum(counts)}


def _extract_file(path: Path) -> int:
    from tractor.errors import IngestError
    from tractor.ingest import load_bytes

    try:
        return sum(not isinstance(d, IngestError) for d in load_bytes(path.read_bytes(), path.name, path.suffix))
    except IngestError:
        return 0


def _folder_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def bench_size(posts: int, tmp: Path, jobs: int, seed: int, baseline: bool = True) -> dict:
    """Synthesise ``posts`` posts; extraction baseline (unless ``baseline`` is false: it is a
    ratio, measured once per run at the smallest size), cold build, warm rebuild."""
    env, corpus = bench_env(tmp), tmp / f"corpus-{posts}"
    started = time.perf_counter()
    synthesize(corpus, posts, seed=seed)
    print(f"[{posts}] synthesised in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if baseline:
        extraction = run_measured([sys.executable, __file__, "--extract-only", str(corpus), "--jobs", str(jobs)],
                                  env, tmp / f"extract-{posts}.log")
        print(f"[{posts}] extraction only: {extraction['seconds']:.0f} s", file=sys.stderr)
    build = [sys.executable, "-m", "tractor", "build-dataset", str(corpus), "--out", str(tmp / f"out-{posts}"),
             "--jobs", str(jobs), "--cache-dir", str(tmp / f"cache-{posts}")]
    cold = run_measured(build, env, tmp / f"cold-{posts}.log")
    cold_digest = _folder_digest(tmp / f"out-{posts}")
    print(f"[{posts}] cold build: {cold['seconds']:.0f} s", file=sys.stderr)
    warm = run_measured(build, env, tmp / f"warm-{posts}.log")
    print(f"[{posts}] warm build: {warm['seconds']:.0f} s", file=sys.stderr)
    summary = (tmp / f"cold-{posts}.log").read_text(errors="replace").splitlines()
    return {
        "posts": posts, "summary": next((s for s in summary if s.startswith("read ")), ""),
        **({"extract_seconds": extraction["seconds"], "extract_posts_per_s": posts / extraction["seconds"],
            "cold_vs_extraction": extraction["seconds"] / cold["seconds"]} if baseline else {}),
        "cold_seconds": cold["seconds"], "cold_posts_per_s": posts / cold["seconds"],
        "warm_seconds": warm["seconds"], "warm_fraction": warm["seconds"] / cold["seconds"],
        "warm_output_identical": _folder_digest(tmp / f"out-{posts}") == cold_digest,
        "peak_tree_mb": max(cold["peak_tree_mb"], warm["peak_tree_mb"]),
        "max_process_mb": max(cold["max_process_mb"], warm["max_process_mb"]),
        "cold_peak_processes_mb": cold["peak_processes_mb"],
    }


class NaiveSandbox:
    """The baseline the sandbox is measured against: a fresh Python process per job."""

    def run(self, source: str, entry: str = "main", payload=None, limits=None):
        from tractor.sandbox.runner import SandboxLimits, SandboxResult

        limits = limits or SandboxLimits()
        job = json.dumps({"source": source, "entry": entry, "payload": payload})
        try:
            done = subprocess.run([sys.executable, "-I", "-c", _NAIVE_RUNNER], input=job, text=True,
                                  capture_output=True, timeout=limits.wall_seconds)
            return SandboxResult(**json.loads(done.stdout))
        except (subprocess.TimeoutExpired, ValueError) as exc:
            return SandboxResult(False, None, f"naive run failed: {exc}")


def sandbox_claims(samples: Path) -> list[tuple[object, object]]:
    """(claim, homework) for every claim in the samples whose check runs claimed code."""
    from tractor import homeworks
    from tractor.pipeline import BuildConfig, corpus_files, process_file
    from tractor.privacy import Pseudonymizer

    config, scrubber, found = BuildConfig(corpus=samples, out=Path(), verify=False), Pseudonymizer.from_environment(None), []
    for path in corpus_files(samples):
        result = process_file(path, path.relative_to(samples).as_posix(), config, scrubber)
        homework = {t.transcript_id: t.homework for t in result.transcripts}
        for claim in result.claims:
            hw = homework.get(claim.transcript_id)
            part = homeworks.get(hw).key.part(claim.part) if hw in homeworks.names() else None
            if part is not None and part.kind in SANDBOX_KINDS:
                found.append((claim, homeworks.get(hw)))
    return found


def _verify_rate(claims, count: int) -> tuple[float, int, dict]:
    """Claims verified per second (no verdict cache: every check really runs) and the jobs run.

    Claims are verified in per-transcript batches, as the pipeline calls ``verify_claims`` with
    all of a transcript's claims at once (their code checks then share the sandbox's cores);
    the batches are cycled until ``count`` claims were verified."""
    import threading

    from tractor.verify import verify_claims
    from tractor.verify import sandboxes

    batches: dict[str, list] = {}
    for claim, homework in claims:
        batches.setdefault(claim.transcript_id, []).append((claim, homework))
    batches_in_turn = list(batches.values())
    sandbox, jobs, verdicts = sandboxes.shared_sandbox(), [0], {}
    real_run = sandbox.run
    lock = threading.Lock()

    def counted(*args, **kwargs):
        with lock:
            jobs[0] += 1
        return real_run(*args, **kwargs)

    sandbox.run = counted
    try:
        start, done, turn = time.perf_counter(), 0, 0
        while done < count:
            batch = batches_in_turn[turn % len(batches_in_turn)][:count - done]
            turn += 1
            for judged in verify_claims([claim for claim, _ in batch], batch[0][1]):
                verdicts[judged.verdict] = verdicts.get(judged.verdict, 0) + 1
            done += len(batch)
        return count / (time.perf_counter() - start), jobs[0], verdicts
    finally:
        del sandbox.run


def bench_sandbox(claims_count: int, naive_count: int) -> dict:
    """Claims whose check runs code, verified through the fork-server sandbox and through a
    fresh process per job; plus the bare job rate (a trivial function) both ways."""
    from tractor.verify import sandboxes

    os.environ.setdefault("TRACTOR_PSEUDONYM_KEY", "bench-key-not-secret")
    claims = sandbox_claims(SAMPLES)
    sandbox = sandboxes.shared_sandbox()
    start = time.perf_counter()
    sandbox.run("def main():\n    return 0\n")  # starts the fork server: a one-off torch import
    startup = time.perf_counter() - start
    trivial = "def main(payload):\n    return payload['n'] * 2\n"
    start = time.perf_counter()
    for n in range(claims_count):
        sandbox.run(trivial, payload={"n": n})
    trivial_rate = claims_count / (time.perf_counter() - start)
    if claims:  # untimed pass: the checks' own one-off imports (torch in this process)
        from tractor.verify import verify_claims

        for claim, homework in claims:
            verify_claims([claim], homework)
    rate, jobs, verdicts = _verify_rate(claims, claims_count) if claims else (0.0, 0, {})
    naive, real_factory = NaiveSandbox(), sandboxes.shared_sandbox
    start = time.perf_counter()
    for n in range(naive_count):
        naive.run(trivial, payload={"n": n})
    naive_trivial_rate = naive_count / (time.perf_counter() - start)
    sandboxes.shared_sandbox = lambda: naive
    try:
        naive_rate = _verify_rate(claims, naive_count)[0] if claims else 0.0
    finally:
        sandboxes.shared_sandbox = real_factory
    return {
        "isolation": sandbox.isolation, "worker_start_s": startup, "distinct_code_claims": len(claims),
        "sandbox_claims_per_s": rate, "sandbox_jobs_per_claim": jobs / max(claims_count, 1),
        "naive_claims_per_s": naive_rate, "sandbox_vs_naive": rate / naive_rate if naive_rate else 0.0,
        "verdicts": verdicts, "trivial_jobs_per_s": trivial_rate, "naive_trivial_jobs_per_s": naive_trivial_rate,
        "trivial_vs_naive": trivial_rate / naive_trivial_rate,
    }


def bench_startup(env: dict, runs: int = 7) -> dict:
    """``tractor --help`` wall time: median of ``runs`` after one warm-up (disk cache hot)."""
    script = Path(sys.executable).with_name("tractor")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "tractor"]
    times = []
    for i in range(runs + 1):
        start = time.perf_counter()
        subprocess.run([*cmd, "--help"], env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return {"startup_s": statistics.median(times[1:]), "startup_command": " ".join(cmd + ["--help"])}


# Where a cold build's time goes: (file suffix, functions) of each step's entry points.
PROFILE_STEPS = {
    "read (ingest.load_bytes)": ("tractor/ingest/__init__.py", ("load_bytes",)),
    "segment, identify, scrub": ("tractor/pipeline.py", ("to_transcript",)),
    "extract claims": ("tractor/extract/pipeline.py", ("extract_claims",)),
    "verify claims": ("tractor/verify/judge.py", ("verify_claims",)),
    "label": ("tractor/label/__init__.py", ("label_transcript",)),
    "write dataset": ("tractor/dataset/writer.py", ("__enter__", "write", "commit")),
    "all imports (inside the steps too)": ("<frozen importlib._bootstrap>", ("_find_and_load",)),
}


def step_seconds(stats: dict) -> dict[str, float]:
    """Cumulative seconds of each step in ``pstats.Stats(...).stats``."""
    return {name: sum(v[3] for (file, _, func), v in stats.items() if file.endswith(suffix) and func in functions)
            for name, (suffix, functions) in PROFILE_STEPS.items()}


def profile_build(corpus: Path, tmp: Path, posts: int) -> dict:
    """cProfile a one-process cold build of the first ``posts`` posts: seconds per step."""
    import pstats

    from tractor.pipeline import corpus_files

    subset = tmp / f"profile-corpus-{posts}"
    for path in corpus_files(corpus)[:posts]:
        (subset / path.relative_to(corpus)).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, subset / path.relative_to(corpus))
    stats_file = tmp / "build.prof"
    cmd = [sys.executable, "-m", "cProfile", "-o", str(stats_file), "-m", "tractor", "build-dataset", str(subset),
           "--out", str(tmp / "profile-out"), "--jobs", "1", "--cache-dir", str(tmp / "profile-cache")]
    total = run_measured(cmd, bench_env(tmp), tmp / "profile.log")["seconds"]
    return {"posts": posts, "total_s": total, "steps_s": step_seconds(pstats.Stats(str(stats_file)).stats)}


def machine() -> dict:
    import psutil

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"cpu": cpu, "cores_available": len(os.sched_getaffinity(0)), "cores_used": min(2, len(os.sched_getaffinity(0))),
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1), "python": platform.python_version(),
            "os": platform.platform()}


def targets_met(result: dict) -> dict[str, bool]:
    sizes = result["sizes"]
    flat = {"cold_posts_per_s": min(s["cold_posts_per_s"] for s in sizes),
            "warm_fraction": max(s["warm_fraction"] for s in sizes),
            "peak_tree_mb": max(s["peak_tree_mb"] for s in sizes),
            **result["sandbox"], **result["startup"]}
    met = {k: (flat[k] >= bound if op == ">=" else flat[k] <= bound) for k, (op, bound) in TARGETS.items()}
    # "no more memory at the larger corpus": 10% allowance for sampling noise
    met["peak_flat_with_size"] = sizes[-1]["peak_tree_mb"] <= 1.1 * sizes[0]["peak_tree_mb"]
    return met


def format_table(result: dict) -> str:
    rows = [("machine", f"{result['machine']['cpu']}, {result['machine']['cores_used']} cores used, "
                        f"{result['machine']['memory_gb']} GB, Python {result['machine']['python']}")]
    for s in result["sizes"]:
        n = s["posts"]
        rows += [
            (f"[{n}] build", s["summary"]),
            (f"[{n}] cold build", f"{s['cold_seconds']:.1f} s = {s['cold_posts_per_s']:.2f} posts/s  (target >= 20)"),
            *([(f"[{n}] extraction only", f"{s['extract_seconds']:.1f} s = {s['extract_posts_per_s']:.2f} posts/s; "
                                          f"build/extraction throughput = {s['cold_vs_extraction']:.3f}")]
              if "extract_seconds" in s else []),
            (f"[{n}] warm rebuild", f"{s['warm_seconds']:.1f} s = {s['warm_fraction']:.1%} of cold  (target <= 5%); "
                                    f"output identical: {s['warm_output_identical']}"),
            (f"[{n}] peak memory", f"tree PSS {s['peak_tree_mb']:.0f} MB, largest process {s['max_process_mb']:.0f} MB"
                                   "  (target <= 1024 MB, flat with size)"),
        ]
    sb = result["sandbox"]
    rows += [
        ("sandbox", f"isolation {sb['isolation']}, worker start {sb['worker_start_s']:.1f} s"),
        ("sandbox claims/s", f"{sb['sandbox_claims_per_s']:.1f} ({sb['distinct_code_claims']} distinct code claims, "
                             f"{sb['sandbox_jobs_per_claim']:.1f} jobs each; verdicts {sb['verdicts']})  (target >= 200)"),
        ("naive claims/s", f"{sb['naive_claims_per_s']:.2f}; sandbox/naive = {sb['sandbox_vs_naive']:.0f}x  (target >= 100x)"),
        ("bare sandbox jobs/s", f"{sb['trivial_jobs_per_s']:.1f} vs fresh process {sb['naive_trivial_jobs_per_s']:.1f} "
                                f"= {sb['trivial_vs_naive']:.1f}x"),
        *[(f"profile [{result['profile']['posts']}]: {k}", f"{v:.1f} s of {result['profile']['total_s']:.0f} s")
          for k, v in result.get("profile", {}).get("steps_s", {}).items()],
        ("tractor --help", f"{result['startup']['startup_s'] * 1000:.0f} ms  (target <= 300 ms)"),
        ("targets met", ", ".join(f"{k}: {'yes' if v else 'NO'}" for k, v in result["targets_met"].items())),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[1000], help="corpus sizes (default: 1000)")
    parser.add_argument("--quick", action="store_true", help="sizes 50 and 200, fewer sandbox claims")
    parser.add_argument("--jobs", type=int, default=2, help="build worker processes (default: 2)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sandbox-claims", type=int, default=200, help="claims verified through the sandbox")
    parser.add_argument("--naive-claims", type=int, default=5, help="claims verified by a fresh process each")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="also cProfile a cold build of N posts")
    parser.add_argument("--json", default="-", help="where to write the JSON results (default: stdout)")
    parser.add_argument("--extract-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.extract_only:
        print(json.dumps(extract_only(args.extract_only, args.jobs)))
        return
    sizes = [50, 200] if args.quick else sorted(args.posts)
    claims = 60 if args.quick else args.sandbox_claims
    with tempfile.TemporaryDirectory(prefix="tractor-bench-") as name:
        tmp = Path(name)
        result = {"machine": machine(), "seed": args.seed, "jobs": args.jobs,
                  "sizes": [bench_size(n, tmp, args.jobs, args.seed, baseline=n == sizes[0]) for n in sizes],
                  "startup": bench_startup(bench_env(tmp))}
        result["sandbox"] = bench_sandbox(claims, args.naive_claims)
        result["targets_met"] = targets_met(result)
        if args.profile:
            result["profile"] = profile_build(tmp / f"corpus-{sizes[0]}", tmp, args.profile)
    print(format_table(result))
    text = json.dumps(result, indent=2, default=str)
    if args.json == "-":
        print(text)
    else:
        Path(args.json).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
