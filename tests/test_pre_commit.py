"""The pre-commit hooks, for real: a repository whose `.pre-commit-config.yaml` points at this
checkout (its HEAD), a bad commit refused with the finding shown, and a good one accepted.

pre-commit installs meshlint from the checkout into its own virtualenv (from PyPI), so this
test takes a minute; it installs once for the commit hook and once for `try-repo`.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from manifests import DR_REVIEWS_V1, SERVICE_REVIEWS, VS_REVIEWS_V2

pytest.importorskip("pre_commit", reason="pre-commit is in the test extras")
if shutil.which("git") is None:
    pytest.skip("git is not installed", allow_module_level=True)

ROOT = Path(__file__).resolve().parent.parent

DR_WITH_V2 = DR_REVIEWS_V1 + "  - {name: v2, labels: {version: v2}}\n"


def git(*args: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )


@pytest.mark.slow
def test_commit_hook_refuses_a_bad_commit_and_accepts_a_good_one(tmp_path):
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "store"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_NOSYSTEM": "1",
        "PRE_COMMIT_COLOR": "never",
    }
    for leaked in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE"):
        env.pop(leaked, None)
    repo = tmp_path / "repo"
    (repo / "mesh").mkdir(parents=True)
    (repo / "mesh" / "vs.yaml").write_text(VS_REVIEWS_V2)
    (repo / "mesh" / "svc.yaml").write_text(SERVICE_REVIEWS)
    (repo / "mesh" / "dr.yaml").write_text(DR_WITH_V2)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {ROOT}\n  rev: {head}\n  hooks:\n  - id: meshlint\n"
    )
    assert git("init", "-q", "-b", "main", ".", cwd=repo, env=env).returncode == 0
    git("add", ".", cwd=repo, env=env)
    assert git("commit", "-q", "-m", "manifests", cwd=repo, env=env).returncode == 0
    pre_commit = [sys.executable, "-m", "pre_commit"]
    subprocess.run([*pre_commit, "install"], cwd=repo, env=env, check=True, capture_output=True)

    # Only the DestinationRule changes: it drops the subset the VirtualService routes to.
    (repo / "mesh" / "dr.yaml").write_text(DR_REVIEWS_V1)
    git("add", "mesh/dr.yaml", cwd=repo, env=env)
    refused = git("commit", "-m", "drop v2", cwd=repo, env=env)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "mesh/vs.yaml:8:44 error ML102 dangling-subset" in output, output

    # try-repo, with the hook that reads every manifest
    tried = subprocess.run(
        [*pre_commit, "try-repo", str(ROOT), "meshlint-all", "--ref", head],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = tried.stdout + tried.stderr
    assert tried.returncode == 1, output
    assert "ML102 dangling-subset" in output, output

    # Fixed: the VirtualService moves to v1 too.
    (repo / "mesh" / "vs.yaml").write_text(VS_REVIEWS_V2.replace("subset: v2", "subset: v1"))
    git("add", "mesh", cwd=repo, env=env)
    accepted = git("commit", "-m", "drop v2, route to v1", cwd=repo, env=env)
    output = accepted.stdout + accepted.stderr
    assert accepted.returncode == 0, output
    assert "meshlint" in output and "Passed" in output, output
