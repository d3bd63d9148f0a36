"""Golden cases: ``tests/golden/<rule-name>.yaml`` files of named cases (sqlfluff style).

Each case has ``files`` (name -> manifest text), optional ``settings`` (fields of
``meshlint.config.settings.Settings``; ``schemas_dir`` names a folder of the case's files),
optional ``layout`` (fields of ``meshlint.layout.LayoutOptions``, e.g. ``render: false``),
optional ``requires`` (``kustomize`` or ``helm``: the real renderer the case runs; see
tests/renderers.py) and ``expect``: the findings of that rule as ``"file:line:column"``, or
``"file:line:column severity"`` where the case is about the severity (a rule that reports some
findings as info). An empty ``expect`` is a passing case.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml
from renderers import need_helm, need_kustomize

from meshlint.config.settings import Settings, parse_istio_version
from meshlint.engine.analyse import analyse
from meshlint.engine.run import Run
from meshlint.layout import LayoutOptions
from meshlint.rules import select_rules

ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = ROOT / "tests" / "golden"


@dataclass
class Case:
    rule: str
    name: str
    files: dict[str, str]
    settings: dict
    expect: list[str]
    layout: dict = field(default_factory=dict)
    requires: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.rule}:{self.name}"


def load_cases() -> list[Case]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.load(path.read_text(), Loader=yaml.CSafeLoader)
        for case in data["cases"]:
            cases.append(
                Case(
                    rule=data["rule"],
                    name=case["name"],
                    files=case["files"],
                    settings=case.get("settings") or {},
                    expect=sorted(case.get("expect") or []),
                    layout=case.get("layout") or {},
                    requires=tuple(case.get("requires") or ()),
                )
            )
    return cases


def make_settings(values: dict) -> Settings:
    known = {f.name for f in fields(Settings)}
    converted = {}
    for key, value in values.items():
        key = key.replace("-", "_")
        if key not in known:
            raise KeyError(f"unknown setting {key!r} in a golden case")
        if key == "istio_version":
            value = parse_istio_version(str(value))
        elif isinstance(value, list):
            value = tuple(value)
        converted[key] = value
    return Settings(**converted)


def run_case(case: Case, tmp_path: Path) -> list[str]:
    for name, text in case.files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    for tool in case.requires:
        {"kustomize": need_kustomize, "helm": need_helm}[tool]()
    settings = dict(case.settings)
    if "schemas_dir" in settings:  # a directory among the case's files
        settings["schemas_dir"] = str(tmp_path / settings["schemas_dir"])
    run = Run(
        settings=make_settings(settings),
        rules=select_rules([case.rule]),
        layout=LayoutOptions(**case.layout),
    )
    report = analyse([str(tmp_path)], run)
    prefix = str(tmp_path) + "/"
    with_severity = {e.partition(" ")[0] for e in case.expect if " " in e}
    found = []
    for f in report.findings:
        if f.rule != case.rule:
            continue
        where = f"{f.file.removeprefix(prefix)}:{f.line}:{f.column}"
        found.append(f"{where} {f.severity.name.lower()}" if where in with_severity else where)
    return sorted(found)
