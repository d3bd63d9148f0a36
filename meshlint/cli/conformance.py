"""Score meshlint against Istio's own analyzer test suite (``istioctl analyze`` conformance).

The suite (``cases.json`` plus ``testdata/``) is Istio's analyzer test table as data: each
case runs one Istio analyzer on a few files and lists the messages it expects (IST code and
resource). This module runs meshlint on the same files, reproducing Istio's test harness (a
synthetic ``istio-system/istio-ingressgateway`` Service and a Pod labelled
``istio: ingressgateway``; the case's mesh config as the ``istio`` ConfigMap), and scores:

- recall: expected messages reproduced by a finding whose ``refs`` hold that code, on the
  same resource (kind, namespace, name; a null namespace in the case means the YAML had none);
- extra: findings whose ``refs`` hold a code of the case's analyzer, on a resource the case
  does not expect with that code.

Some IST codes are emitted by several analyzers (IST0101 "referenced resource not found" by
nine of them). A rule that carries such a code is attributed to the analyzers that check the
same thing through ``RULE_ANALYZERS``; an unlisted rule counts for every analyzer of its codes.

Run it as ``python -m meshlint.cli.conformance [SUITE_DIR]``.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from meshlint.config.settings import Settings
from meshlint.engine.analyse import analyse_sources
from meshlint.engine.run import Run
from meshlint.findings import Finding
from meshlint.input.loader import SourceFile, load_file, load_text

__all__ = ["DEFAULT_SUITE", "Score", "run_suite", "show", "write_report"]

DEFAULT_SUITE = Path(__file__).resolve().parents[3] / "shared/conformance/istio"

# Rules whose IST code is shared by several analyzers, and the analyzers they stand for.
RULE_ANALYZERS: dict[str, tuple[str, ...]] = {
    "dangling-host": ("virtualservice.DestinationHostAnalyzer",),
    "destination-port-not-found": ("virtualservice.DestinationHostAnalyzer",),
    "dangling-subset": ("virtualservice.DestinationRuleAnalyzer",),
    "dangling-gateway": ("virtualservice.GatewayAnalyzer",),
    "gateway-selector-no-workload": (
        "gateway.IngressGatewayPortAnalyzer",
        "gateway.SecretAnalyzer",
    ),
    "gateway-secret-missing": ("gateway.SecretAnalyzer",),
    "injection-missing": ("injection.Analyzer",),
    "injection-conflicting-labels": ("injection.Analyzer",),
    "injection-disabled": ("injection.Analyzer",),
}

# What Istio's harness adds to every case (pkg/config/analysis/local/defaults.go).
HARNESS_YAML = """\
apiVersion: v1
kind: Pod
metadata:
  name: istio-ingressgateway-dummypod
  namespace: istio-system
  labels: {istio: ingressgateway}
spec:
  containers: [{name: istio-proxy}]
---
apiVersion: v1
kind: Service
metadata:
  name: istio-ingressgateway
  namespace: istio-system
spec:
  selector: {istio: ingressgateway}
  ports:
  - {name: http2, port: 80, protocol: TCP, targetPort: 80}
  - {name: https, port: 443, protocol: TCP, targetPort: 443}
  - {name: tcp, port: 31400, protocol: TCP, targetPort: 31400}
  - {name: tls, port: 15443, protocol: TCP, targetPort: 15443}
"""

Key = tuple[str, str, str | None, str]  # (code, kind, namespace, name)


@dataclass
class CaseResult:
    name: str
    analyzer: str
    expected: Counter[Key]
    reproduced: Counter[Key]
    extra: list[tuple[Key, Finding]]

    @property
    def missed(self) -> Counter[Key]:
        return self.expected - self.reproduced


@dataclass
class Score:
    cases: list[CaseResult] = field(default_factory=list)

    def by_code(self) -> dict[str, tuple[int, int, int]]:
        """code -> (expected, reproduced, extra)."""
        table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for case in self.cases:
            for key, count in case.expected.items():
                table[key[0]][0] += count
            for key, count in case.reproduced.items():
                table[key[0]][1] += count
            for key, _ in case.extra:
                table[key[0]][2] += 1
        return {code: tuple(values) for code, values in sorted(table.items())}

    @property
    def expected(self) -> int:
        return sum(sum(c.expected.values()) for c in self.cases)

    @property
    def reproduced(self) -> int:
        return sum(sum(c.reproduced.values()) for c in self.cases)

    @property
    def extra(self) -> int:
        return sum(len(c.extra) for c in self.cases)

    @property
    def recall(self) -> float:
        return self.reproduced / self.expected if self.expected else 1.0

    @property
    def extra_ratio(self) -> float:
        return self.extra / self.expected if self.expected else 0.0


def analyzer_codes(cases: Iterable[dict]) -> dict[str, frozenset[str]]:
    """The IST codes each analyzer emits somewhere in the suite."""
    codes: dict[str, set[str]] = defaultdict(set)
    for case in cases:
        codes[case["analyzer"]].update(e["code"] for e in case["expected"])
    return {name: frozenset(found) for name, found in codes.items()}


def _sources(suite: Path, case: dict) -> list[SourceFile]:
    testdata = suite / "testdata"
    sources = [load_file(str(testdata / name)) for name in case["input_files"]]
    sources.append(load_text("<istio-harness>", HARNESS_YAML))
    mesh = case.get("mesh_config_file")
    networks = case.get("mesh_networks_file")
    if mesh or networks:
        data = {}
        if mesh:
            data["mesh"] = (testdata / mesh).read_text()
        if networks:
            data["meshNetworks"] = (testdata / networks).read_text()
        config_map = {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "istio", "namespace": "istio-system"},
            "data": data,
        }
        sources.append(load_text("<istio-mesh-config>", json.dumps(config_map)))
    return sources


def _speaks_for(finding: Finding, analyzer: str, codes: dict[str, frozenset[str]]) -> set[str]:
    """The codes of ``analyzer`` that ``finding`` stands for."""
    mine = set(finding.refs) & codes.get(analyzer, frozenset())
    if not mine:
        return set()
    owners = RULE_ANALYZERS.get(finding.rule)
    if owners is not None and analyzer not in owners:
        # The rule checks something else; keep only codes no other analyzer shares.
        shared = {c for c in mine if any(c in v for a, v in codes.items() if a != analyzer)}
        mine -= shared
    return mine


def _keys(finding: Finding, code: str, default_ns: str) -> list[Key]:
    resource = finding.resource
    if resource is None:
        return []
    keys: list[Key] = [(code, resource.kind, resource.namespace, resource.name)]
    if resource.namespace in (None, default_ns):
        keys.append((code, resource.kind, None, resource.name))
    return keys


def score_case(suite: Path, case: dict, codes: dict[str, frozenset[str]]) -> CaseResult:
    settings = Settings(whole_cluster=True)  # Istio's cases hold the whole cluster
    report = analyse_sources(_sources(suite, case), Run(settings=settings))
    expected: Counter[Key] = Counter(
        (e["code"], e["kind"], e["namespace"], e["name"]) for e in case["expected"]
    )
    found: Counter[Key] = Counter()
    extra: list[tuple[Key, Finding]] = []
    for finding in report.findings:
        for code in sorted(_speaks_for(finding, case["analyzer"], codes)):
            keys = _keys(finding, code, settings.default_namespace)
            hit = next((k for k in keys if k in expected), None)
            if hit is None:
                if keys:
                    extra.append((keys[0], finding))
            else:
                found[hit] += 1
    reproduced = Counter({k: min(n, found[k]) for k, n in expected.items() if found[k]})
    return CaseResult(case["name"], case["analyzer"], expected, reproduced, extra)


def run_suite(suite: Path = DEFAULT_SUITE) -> Score:
    data = json.loads((suite / "cases.json").read_text())
    codes = analyzer_codes(data["cases"])
    return Score([score_case(suite, case, codes) for case in data["cases"]])


def show(key: Key) -> str:
    code, kind, namespace, name = key
    return f"{code} {kind} {namespace + '/' if namespace else ''}{name}"


def write_report(score: Score, out: TextIO, details: bool = True) -> None:
    out.write(f"{'code':<8} {'expected':>8} {'reproduced':>10} {'recall':>7} {'extra':>6}\n")
    for code, (expected, reproduced, extra) in score.by_code().items():
        recall = f"{reproduced / expected:.0%}" if expected else "-"
        out.write(f"{code:<8} {expected:>8} {reproduced:>10} {recall:>7} {extra:>6}\n")
    out.write(
        f"{'total':<8} {score.expected:>8} {score.reproduced:>10} {score.recall:>7.1%} "
        f"{score.extra:>6}  (extra = {score.extra_ratio:.1%} of expected)\n"
    )
    if not details:
        return
    for case in score.cases:
        for key, count in sorted(case.missed.items(), key=lambda item: show(item[0])):
            out.write(f"missed  [{case.name}] {show(key)}{f' x{count}' if count > 1 else ''}\n")
        for key, finding in case.extra:
            out.write(f"extra   [{case.name}] {show(key)} ({finding.rule}: {finding.message})\n")


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    quiet = "--quiet" in args
    paths = [a for a in args if a != "--quiet"]
    suite = Path(paths[0]) if paths else DEFAULT_SUITE
    if not (suite / "cases.json").is_file():
        out.write(f"no conformance suite at {suite} (expected cases.json and testdata/)\n")
        return 2
    write_report(run_suite(suite), out, details=not quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
