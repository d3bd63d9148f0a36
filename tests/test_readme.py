"""The README's set-up commands are the ones CI runs, and the demo command works."""

import io
import re
import shlex
from pathlib import Path

from meshlint.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)\n```", section, re.S)


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
