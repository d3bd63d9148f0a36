"""The pipeline's shape (STYLE.md): a stage imports only the stages before it. Checked on the
source, so a shortcut from the loader to the rules, or from a rule to a reporter, fails here."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "meshlint"

# module (or package) -> meshlint modules it must never import, directly or inside a function
FORBIDDEN = {
    "yamlpos": ("loader", "model", "graph", "rules", "engine", "policy", "reporters", "cli"),
    "fastyaml": ("loader", "model", "graph", "rules", "engine", "policy", "reporters", "cli"),
    "cachefiles": ("loader", "model", "graph", "rules", "engine", "policy", "reporters", "cli"),
    "statindex": ("loader", "model", "graph", "rules", "engine", "policy", "reporters", "cli"),
    "parallel": ("loader", "model", "graph", "rules", "engine", "policy", "reporters", "cli"),
    "render": ("loader", "model", "graph", "rules", "engine", "policy", "reporters", "cli"),
    "loader": ("model", "graph", "rules", "engine", "policy", "reporters", "cli"),
    "model": ("graph", "rules", "engine", "policy", "reporters", "cli"),
    "hosts": ("graph", "rules", "engine", "policy", "reporters", "cli"),
    "layout": ("graph", "rules", "engine", "policy", "reporters", "cli", "outputs"),
    "graph": ("rules", "engine", "policy", "reporters", "cli", "outputs"),
    "rules": ("engine", "policy", "reporters", "cli", "outputs", "config", "project"),
    "reporters": ("yamlpos", "loader", "model", "graph", "cli", "config", "project"),
}


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("meshlint"):
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("meshlint"))
    return names


def sources(stage: str) -> list[Path]:
    folder = PACKAGE / stage
    return sorted(folder.rglob("*.py")) if folder.is_dir() else [PACKAGE / f"{stage}.py"]


def test_each_stage_imports_only_earlier_stages():
    broken = []
    for stage, forbidden in FORBIDDEN.items():
        for path in sources(stage):
            for name in imported(path):
                for other in forbidden:
                    target = f"meshlint.{other}"
                    if name == target or name.startswith(target + "."):
                        broken.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert not broken, "\n".join(broken)


def test_the_check_sees_an_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from meshlint.graph import Mesh\ndef f():\n    import meshlint.cli\n")
    assert imported(module) == {"meshlint.graph", "meshlint.cli"}
