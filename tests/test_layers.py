"""The pipeline's shape (STYLE.md): a stage imports only the stages before it. Checked on the
source, so a shortcut from the loader to the rules, or from a rule to a reporter, fails here.

The stages in pipeline order; each may import only stages listed before it (and itself).
``config.options`` (how a setting is declared) and ``config.settings`` (what a run decides)
come before the facts that read them, and so does ``config.file`` (reading
``.meshlint.yaml``): the engine checks the keys that name rules."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "meshlint"

STAGES = (
    "input",
    "findings",
    "istio",
    "render",
    "layout",
    "config.options",
    "config.settings",
    "config.file",
    "facts",
    "schemas",
    "rules",
    "engine",
    "outputs",
    "fix",
    "cli",
)


def stage_of(module: str) -> str | None:
    """The stage a dotted ``meshlint...`` module name belongs to (None for the package root)."""
    parts = module.split(".")[1:]
    if not parts:
        return None
    if parts[0] == "config" and len(parts) > 1 and parts[1] != "__init__":
        return f"config.{parts[1]}"
    return parts[0]


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("meshlint"):
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("meshlint"))
    return names


def test_every_module_belongs_to_a_stage():
    loose = [
        p.relative_to(PACKAGE)
        for p in PACKAGE.rglob("*.py")
        if stage_of("meshlint." + ".".join(p.relative_to(PACKAGE).with_suffix("").parts))
        not in (*STAGES, "__init__", "__main__", "config")
    ]
    assert not loose, loose


def test_each_stage_imports_only_earlier_stages():
    broken = []
    for path in PACKAGE.rglob("*.py"):
        own = stage_of("meshlint." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts))
        if own not in STAGES:
            continue
        allowed = set(STAGES[: STAGES.index(own) + 1])
        for name in imported(path):
            target = stage_of(name)
            if target is not None and target not in allowed:
                broken.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert not broken, "\n".join(broken)


def test_the_check_sees_an_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from meshlint.facts.graph import Mesh\ndef f():\n    import meshlint.cli\n")
    assert imported(module) == {"meshlint.facts.graph", "meshlint.cli"}
    assert stage_of("meshlint.config.file") == "config.file"
