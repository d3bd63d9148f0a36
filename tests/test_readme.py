"""The README's set-up commands are the ones CI runs, the demo command works, and its report,
config and pre-commit examples are real."""

import io
import re
import shlex
from pathlib import Path

import yaml

from meshlint.cli.main import main
from meshlint.config.file import load_config

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def section(heading: str) -> str:
    return README.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]


def quick_start_commands() -> list[str]:
    return re.findall(r"```bash\n(.*?)\n```", section("## Quick start"), re.S)


def test_exactly_two_setup_commands():
    assert len(quick_start_commands()) == 2


def test_ci_runs_the_readme_test_command():
    test_command = quick_start_commands()[1]
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert any(line.startswith(test_command) for line in lines)


def test_demo_command_runs_on_the_examples(monkeypatch):
    install, _, demo = quick_start_commands()[0].partition(" && ")
    assert install == "python3 -m pip install ."
    argv = shlex.split(demo)
    assert argv[0] == "meshlint"
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    assert main(argv[1:], stdout=out, stderr=io.StringIO()) == 0
    assert "dangling-host" in out.getvalue()


def test_report_excerpt_is_what_meshlint_prints(monkeypatch, tmp_path):
    text = section("## What a report looks like")
    command = re.search(r"`(meshlint [^`]*)` prints", text)[1]
    excerpt = re.search(r"```text\n(.*?)```", text, re.S)[1]
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    argv = [*shlex.split(command)[1:], "--no-color", "--cache-dir", str(tmp_path)]
    assert main(argv, stdout=out, stderr=io.StringIO()) == 1
    printed = out.getvalue().splitlines()
    # the findings, each with its source line; the summary's counts depend on the repository
    shown = [line for line in excerpt.splitlines() if line and not line.startswith("Found ")]
    assert len(shown) >= 3
    assert [line for line in shown if line not in printed] == []


def test_minimal_config_is_valid(tmp_path):
    example = re.search(r"```yaml\n(# \.meshlint\.yaml\n.*?)```", section("## Configuration"), re.S)
    path = tmp_path / ".meshlint.yaml"
    path.write_text(example[1])
    config = load_config(path)
    assert config.get("fail-on") == "error"
    assert config.get("severity") == {"weight-sum": "warning"}


def test_pre_commit_recipe_names_the_hook():
    recipe = re.search(
        r"```yaml\n(# \.pre-commit-config\.yaml\n.*?)```", section("## pre-commit"), re.S
    )
    hooks = yaml.safe_load(recipe[1])["repos"][0]["hooks"]
    assert hooks[0]["id"] == "meshlint"
    declared = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] in {hook["id"] for hook in declared}
