"""The generated rule pages, the rule index and the site's rule navigation match the registry,
the settings table of docs/configuration.md matches the declared options; the generator
writes, checks and cleans them up; the documented commands run."""

import io
import re
import shlex
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from meshlint.cli.main import main
from meshlint.config.file import OPTIONS
from meshlint.outputs import rule_docs as docs
from meshlint.outputs import settings_docs
from meshlint.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
FIX = "run `python -m meshlint.outputs.rule_docs` and commit the result"
SECTIONS = ("What it does", "Example", "Use instead", "Fix safety", "Options", "References")


def test_committed_rule_pages_and_nav_are_up_to_date():
    stale = [str(path.relative_to(ROOT)) for path in docs.stale(ROOT)]
    assert not stale, f"stale {stale}: {FIX}"


def test_configuration_settings_table_matches_the_declared_options():
    page = (ROOT / settings_docs.CONFIG_DOC).read_text(encoding="utf-8")
    assert settings_docs.update_page(page) == page, FIX
    for option in OPTIONS:
        assert f"| `{option.key}` |" in page
        if option.flag:
            assert f"`{option.flag}" in page


def test_settings_table_is_written_between_the_markers_only():
    page = f"# Configuration\n\nby hand\n{settings_docs.START}\nold\n{settings_docs.END}\nmore\n"
    updated = settings_docs.update_page(page)
    assert "\nold\n" not in updated
    assert updated.startswith("# Configuration\n\nby hand\n")
    assert updated.endswith(f"{settings_docs.END}\nmore\n")
    assert "| `known-hosts` | `--known-host GLOB` | list of strings | - |" in updated
    assert "| `render` | `--no-render` | boolean | `true` |" in updated
    with pytest.raises(ValueError, match="markers"):
        settings_docs.update_page("# Configuration\n")


def test_every_rule_has_a_page_in_ruffs_shape():
    pages = docs.generate_pages()
    assert set(pages) == {"index.md", *(f"{rule.name}.md" for rule in RULES)}
    for rule in RULES:
        page = pages[f"{rule.name}.md"]
        assert page.count(f"# {rule.code} {rule.name}\n") == 1
        assert f"Default severity: {rule.severity}" in page
        headings = re.findall(r"^## (.*)$", page, re.M)
        assert [h for h in headings if h in SECTIONS] == list(SECTIONS), rule.name
        assert "## Example\n\n```yaml" in page
        assert "## Use instead\n\n```yaml" in page
        references = page.split("\n## References\n", 1)[1]
        for ref in rule.refs:
            assert ref in references
        for option in rule.options:
            assert f"| `{option.name}` |" in page


def test_docstring_sections_are_known():
    """A rule docstring's sections are the examples, the differences from Istio and Kiali,
    and references: one spelling each, so every page reads alike."""
    allowed = {"Bad", "Good", docs.DIFFERENCES, "References", docs.FIX}
    for rule in RULES:
        _intro, sections = docs.docstring_sections(rule.doc)
        assert set(sections) <= allowed, (rule.name, set(sections) - allowed)


def test_differences_and_references_sections_are_rendered_in_place():
    rule = next(r for r in RULES if r.name == "weight-sum")
    doc = (
        f"{rule.doc}\n\n## {docs.DIFFERENCES}\n\nIstio does this; meshlint that.\n\n"
        "## References\n\n- `validateHTTPRouteDestinations`\n"
    )
    page = docs.rule_page(replace(rule, doc=doc))
    headings = re.findall(r"^## (.*)$", page, re.M)
    assert headings.index("Use instead") < headings.index(docs.DIFFERENCES)
    assert headings.index(docs.DIFFERENCES) < headings.index("Fix safety")
    assert headings.count("References") == 1
    references = page.split("\n## References\n", 1)[1]
    assert "KIA1104" in references and "`validateHTTPRouteDestinations`" in references
    index = docs.generate_pages((replace(rule, doc=doc),))["index.md"]
    assert "(weight-sum.md#differences-from-istio-and-kiali)" in index


def test_rule_index_lists_every_rule_by_family():
    index = docs.generate_pages()["index.md"]
    for rule in RULES:
        assert f"| {rule.code} | [{rule.name}]({rule.name}.md) | {rule.severity} |" in index
        prefix, title, _ = docs.family(rule)
        family_section = index.split(f"\n## {title} ({prefix})\n", 1)[1].split("\n## ", 1)[0]
        assert f"[{rule.name}]({rule.name}.md)" in family_section


def test_refs_link_to_istio_and_kiali_docs():
    assert (
        docs.ref_url("IST0101") == "https://istio.io/latest/docs/reference/config/analysis/ist0101/"
    )
    assert docs.ref_url("KIA1107").startswith("https://kiali.io/docs/features/validations")


def test_generator_writes_checks_and_removes_pages(tmp_path, capsys):
    (tmp_path / "mkdocs.yml").write_text(
        f"nav:\n  - Rules:\n      {docs.NAV_START}\n      - old.md\n      {docs.NAV_END}\n"
        "  - tail.md\n"
    )
    out = tmp_path / "docs" / "rules"
    out.mkdir(parents=True)
    (out / "retired-rule.md").write_text(f"{docs.HEADER}\n\n# ML999 retired-rule\n")
    (out / "handwritten.md").write_text("# notes kept by hand\n")
    (tmp_path / settings_docs.CONFIG_DOC).write_text(
        f"# Configuration\n\nby hand\n{settings_docs.START}\nOLD TABLE\n{settings_docs.END}\n"
    )
    assert docs.main(["--root", str(tmp_path), "--check"]) == 1
    assert docs.main(["--root", str(tmp_path)]) == 0
    assert docs.main(["--root", str(tmp_path), "--check"]) == 0
    assert not (out / "retired-rule.md").exists()
    assert (out / "handwritten.md").exists()
    assert (out / "weight-sum.md").read_text() == docs.generate_pages()["weight-sum.md"]
    site = (tmp_path / "mkdocs.yml").read_text()
    assert "old.md" not in site
    assert site.endswith(f"      {docs.NAV_END}\n  - tail.md\n")
    assert "        - ML102 dangling-subset: rules/dangling-subset.md\n" in site
    configuration = (tmp_path / settings_docs.CONFIG_DOC).read_text()
    assert "OLD TABLE" not in configuration
    assert configuration.startswith("# Configuration\n\nby hand\n")
    assert configuration == settings_docs.update_page(configuration)
    shutil.rmtree(out)
    assert docs.main(["--root", str(tmp_path), "--check"]) == 1
    capsys.readouterr()


def test_explain_prints_the_rule_page():
    stdout = io.StringIO()
    assert main(["explain", "ML102"], stdout, io.StringIO()) == 0
    assert stdout.getvalue() == docs.rule_page(next(r for r in RULES if r.code == "ML102"))


def documented_commands() -> list[str]:
    """The meshlint command lines of the README's CI recipe and the output formats page."""
    commands = []
    for page, heading in (
        ("README.md", "## CI integration"),
        ("docs/outputs.md", "## Output formats"),
    ):
        text = (ROOT / page).read_text(encoding="utf-8")
        section = text.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]
        for block in re.findall(r"```(?:bash|yaml)\n(.*?)```", section, re.S):
            lines = [line.strip().removeprefix("run:").strip() for line in block.splitlines()]
            commands += [line for line in lines if line.startswith("meshlint ")]
    return commands


def test_docs_show_the_output_and_ci_commands():
    assert len(documented_commands()) == 2


@pytest.mark.parametrize("command", documented_commands())
def test_documented_commands_run(command, tmp_path, monkeypatch):
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "vs.yaml").write_text(RULES[0].examples["good"])
    monkeypatch.chdir(tmp_path)
    stderr = io.StringIO()
    assert main(shlex.split(command)[1:], io.StringIO(), stderr) in (0, 1), stderr.getvalue()
