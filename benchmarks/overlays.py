"""Benchmark the cost of rendering: a kustomize base (generated services) with N overlays.

    python benchmarks/overlays.py [--services 200] [--overlays 10] [--repeat 3]

Times, in separate processes on the same tree: the renderer alone (`kubectl kustomize` or
`kustomize build` of every overlay, one after the other: the floor of any tool that renders),
meshlint cold (empty cache) with --jobs 1 and --jobs 2, meshlint warm (every render cached),
and meshlint --no-render (nothing rendered: the overlays are reported as not rendered).
Best wall time of --repeat rounds.
"""

from __future__ import annotations

import argparse
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
sys.path.insert(0, str(ROOT))

from generate import generate  # noqa: E402

from meshlint.render.kustomize import renderer_command  # noqa: E402


def build(tree: Path, services: int, overlays: int) -> list[Path]:
    """A base of ``services`` generated services and ``overlays`` overlays that label them."""
    base = tree / "base"
    generate(base, services)
    files = sorted(p.relative_to(base).as_posix() for p in base.rglob("*.yaml"))
    (base / "kustomization.yaml").write_text(
        "resources:\n" + "".join(f"- {name}\n" for name in files)
    )
    made = []
    for index in range(overlays):
        overlay = tree / "overlays" / f"env{index:02d}"
        overlay.mkdir(parents=True)
        (overlay / "kustomization.yaml").write_text(
            f"resources: [../../base]\nlabels:\n- pairs: {{overlay: env{index:02d}}}\n"
        )
        made.append(overlay)
    (tree / ".git").mkdir()
    return made


def wall(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"failed: {' '.join(argv)}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=200)
    parser.add_argument("--overlays", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    command = renderer_command()
    if command is None:
        raise SystemExit("neither kustomize nor kubectl is on PATH")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    meshlint = [sys.executable, "-m", "meshlint", ".", "--format", "json", "--exit-zero"]
    with tempfile.TemporaryDirectory(prefix="meshlint-overlays-") as scratch:
        tree = Path(scratch) / "tree"
        overlays = build(tree, args.services, args.overlays)
        cache = Path(scratch) / "cache"
        best: dict[str, float] = {}

        def keep(name: str, seconds: float) -> None:
            best[name] = min(best.get(name, seconds), seconds)

        for _ in range(args.repeat):
            keep("renderer", sum(wall([*command, str(o)], tree, env) for o in overlays))
            for jobs in (1, 2):
                shutil.rmtree(cache, ignore_errors=True)
                run = [*meshlint, "--cache-dir", str(cache), "--jobs", str(jobs)]
                keep(f"cold --jobs {jobs}", wall(run, tree, env))
            keep("warm", wall([*meshlint, "--cache-dir", str(cache)], tree, env))
            keep("--no-render", wall([*meshlint, "--no-cache", "--no-render"], tree, env))
    floor = best["renderer"]
    print(f"{args.services} services, {args.overlays} overlays ({' '.join(command)})")
    print("  run              seconds  x renderer")
    for name, seconds in best.items():
        print(f"  {name:<16} {seconds:7.2f}  {seconds / floor:9.2f}")


if __name__ == "__main__":
    main()
