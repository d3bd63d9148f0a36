"""Benchmark meshlint against the YAML parse floor on generated trees.

    python benchmarks/run.py                      # 1,000 and 5,000 services (several minutes)
    python benchmarks/run.py --services 200 --repeat 1   # a quick smoke run

For each size it generates a seeded tree (benchmarks/generate.py) and times, in separate
processes on the same tree: the parse floor (every document loaded with PyYAML's C loader, no
analysis), meshlint cold in one process (empty cache, all rules), meshlint cold with parallel
workers, meshlint warm (nothing changed), and meshlint after one file changed. It prints wall
times (best of --repeat rounds), their ratio to the floor, peak memory, and whether each target
holds.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

FLOOR = """
import os, sys, yaml
for root, dirs, files in os.walk(sys.argv[1]):
    dirs.sort()
    for name in sorted(files):
        if name.endswith((".yaml", ".yml", ".json")):
            with open(os.path.join(root, name), "rb") as handle:
                for _ in yaml.load_all(handle.read(), Loader=yaml.CSafeLoader):
                    pass
"""

# (name, ratio to the floor that must not be exceeded)
TARGETS = {"cold": 1.5, "cold-jobs": 1.0, "warm": 0.25, "one-changed": 0.35}
MEMORY_LIMIT_MIB = 400


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one child process."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"failed: {' '.join(argv)}")
    return elapsed, usage.ru_maxrss / 1024


def bench(services: int, repeat: int, jobs: int, workdir: Path) -> dict[str, tuple[float, float]]:
    """Best time and peak memory of each run. The runs go in rounds (floor, cold, cold with
    jobs, warm, one changed; ``repeat`` rounds), so a machine that gets busier or quieter
    during the benchmark shifts every ratio alike instead of the runs measured last."""
    tree = generate(workdir / f"tree-{services}", services)
    cache = workdir / f"cache-{services}"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    meshlint = [sys.executable, "-m", "meshlint", str(tree), "--format", "json", "--exit-zero"]
    cached = [*meshlint, "--cache-dir", str(cache)]
    changed = sorted(tree.rglob("virtualservice.yaml"))[0]
    original = changed.read_text()
    runs = {
        "floor": [sys.executable, "-c", FLOOR, str(tree)],
        "cold": [*cached, "--jobs", "1"],
        "cold-jobs": [*cached, "--jobs", str(jobs)],
        "warm": [*cached, "--jobs", str(jobs)],  # after cold-jobs filled the cache
        "one-changed": [*cached, "--jobs", str(jobs)],
    }
    measured: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    try:
        for round_number in range(repeat):
            for name, argv in runs.items():
                if name in ("cold", "cold-jobs"):
                    shutil.rmtree(cache, ignore_errors=True)
                if name == "one-changed":
                    changed.write_text(
                        original.replace("timeout: 3s", f"timeout: {round_number + 4}s")
                    )
                measured[name].append(measure(argv, env))
            changed.write_text(original)
    finally:
        changed.write_text(original)
    return {
        name: (min(r[0] for r in rows), max(r[1] for r in rows)) for name, rows in measured.items()
    }


def report(services: int, results: dict[str, tuple[float, float]]) -> list[str]:
    floor = results["floor"][0]
    failures = []
    print(f"\n{services} services")
    print(f"  {'run':<12} {'seconds':>8} {'x floor':>8} {'peak MiB':>9}  target")
    for name, (seconds, peak) in results.items():
        ratio = seconds / floor
        limit = TARGETS.get(name)
        verdict = ""
        if limit is not None:
            ok = ratio <= limit
            verdict = f"<= {limit}x {'ok' if ok else 'MISSED'}"
            if not ok:
                failures.append(f"{services}: {name} {ratio:.2f}x > {limit}x")
        print(f"  {name:<12} {seconds:8.2f} {ratio:8.2f} {peak:9.0f}  {verdict}")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path, help="generate trees here and keep them")
    args = parser.parse_args()
    # Byte-compile meshlint first, as installing it does: where PYTHONDONTWRITEBYTECODE is
    # set, modules edited since their bytecode was written are otherwise compiled again in
    # every measured run (the __pycache__ folders are ignored by git).
    compileall.compile_dir(ROOT / "meshlint", quiet=1)
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="meshlint-bench-"))
    failures: list[str] = []
    all_results = {}
    try:
        for services in args.services:
            all_results[services] = bench(services, args.repeat, args.jobs, workdir)
            failures += report(services, all_results[services])
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    sizes = sorted(all_results)
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        growth = all_results[large]["cold"][0] / all_results[small]["cold"][0]
        allowed = 1.1 * large / small
        print(
            f"\ncold growth {small} -> {large} services: {growth:.2f}x (target <= {allowed:.1f}x)"
        )
        if growth > allowed:
            failures.append(f"growth {growth:.2f}x > {allowed:.1f}x")
        peak = max(r[1] for r in all_results[large].values())
        print(f"peak memory at {large} services: {peak:.0f} MiB (target <= {MEMORY_LIMIT_MIB})")
        if peak > MEMORY_LIMIT_MIB:
            failures.append(f"peak memory {peak:.0f} MiB")
    print("\n" + ("all targets hold" if not failures else "MISSED: " + "; ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
