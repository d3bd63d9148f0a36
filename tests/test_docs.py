"""The generated rule pages and the README's rule table match the registry; the generator
writes, checks and cleans them up."""

import io
import re
import shlex
import shutil
from pathlib import Path

import pytest

from meshlint.cli.main import main
from meshlint.outputs import rule_docs as docs
from meshlint.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
FIX = "run `python -m meshlint.outputs.rule_docs` and commit the result"


def test_committed_rule_pages_are_up_to_date():
    stale = [str(path.relative_to(ROOT)) for path in docs.stale(ROOT) if path.name != "README.md"]
    assert not stale, f"stale rule pages {stale}: {FIX}"


def test_readme_rule_table_matches_the_registry():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index(docs.README_START) + len(docs.README_START)
    table = readme[start : readme.index(docs.README_END)]
    assert table.strip() == docs.rules_table(RULES).strip(), FIX


def test_every_rule_has_a_page_with_its_facts_and_examples():
    pages = docs.generate_pages()
    assert set(pages) == {"index.md", *(f"{rule.name}.md" for rule in RULES)}
    for rule in RULES:
        page = pages[f"{rule.name}.md"]
        assert page.count(f"# {rule.code} {rule.name}\n") == 1
        assert f"Default severity: {rule.severity}" in page
        assert "## Why" in page
        assert "## Bad\n\n```yaml" in page
        assert "## Good\n\n```yaml" in page
        assert "## Options" in page
        for ref in rule.refs:
            assert ref in page
        assert f"[{rule.name}]({rule.name}.md)" in pages["index.md"]


def test_refs_link_to_istio_and_kiali_docs():
    assert (
        docs.ref_url("IST0101") == "https://istio.io/latest/docs/reference/config/analysis/ist0101/"
    )
    assert docs.ref_url("KIA1107").startswith("https://kiali.io/docs/features/validations")


def test_generator_writes_checks_and_removes_pages(tmp_path, capsys):
    (tmp_path / "README.md").write_text(
        f"# x\n\n{docs.README_START}\nOLD TABLE\n{docs.README_END}\ntail\n"
    )
    out = tmp_path / "docs" / "rules"
    out.mkdir(parents=True)
    (out / "retired-rule.md").write_text(f"{docs.HEADER}\n\n# ML999 retired-rule\n")
    (out / "handwritten.md").write_text("# notes kept by hand\n")
    assert docs.main(["--root", str(tmp_path), "--check"]) == 1
    assert docs.main(["--root", str(tmp_path)]) == 0
    assert docs.main(["--root", str(tmp_path), "--check"]) == 0
    assert not (out / "retired-rule.md").exists()
    assert (out / "handwritten.md").exists()
    assert (out / "weight-sum.md").read_text() == docs.generate_pages()["weight-sum.md"]
    readme = (tmp_path / "README.md").read_text()
    assert "OLD TABLE" not in readme
    assert readme.endswith(f"{docs.README_END}\ntail\n")
    assert "| ML102 | `dangling-subset` | error | IST0101 KIA1107 |" in readme
    shutil.rmtree(out)
    assert docs.main(["--root", str(tmp_path), "--check"]) == 1
    capsys.readouterr()


def test_explain_prints_the_rule_page():
    stdout = io.StringIO()
    assert main(["explain", "ML102"], stdout, io.StringIO()) == 0
    assert stdout.getvalue() == docs.rule_page(next(r for r in RULES if r.code == "ML102"))


def readme_commands() -> list[str]:
    """The meshlint command lines in the README's output-format and CI examples."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for heading in ("## Output formats", "## CI integration"):
        section = readme.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]
        for block in re.findall(r"```(?:bash|yaml)\n(.*?)```", section, re.S):
            lines = [line.strip().removeprefix("run:").strip() for line in block.splitlines()]
            commands += [line for line in lines if line.startswith("meshlint ")]
    return commands


def test_readme_shows_the_output_and_ci_commands():
    assert len(readme_commands()) == 2


@pytest.mark.parametrize("command", readme_commands())
def test_readme_commands_run(command, tmp_path, monkeypatch):
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "vs.yaml").write_text(RULES[0].examples["good"])
    monkeypatch.chdir(tmp_path)
    stderr = io.StringIO()
    assert main(shlex.split(command)[1:], io.StringIO(), stderr) in (0, 1), stderr.getvalue()
