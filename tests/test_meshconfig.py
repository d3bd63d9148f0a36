"""The mesh config: where it is read from, in what order, and Istio's defaults."""

import io

from meshlint.cli.main import main
from meshlint.config.settings import Settings
from meshlint.facts.graph import build_mesh
from meshlint.input.loader import load_text
from meshlint.input.resources import extract_resources

CONFIG_MAP = """\
apiVersion: v1
kind: ConfigMap
metadata: {{name: {name}, namespace: istio-system}}
data:
  mesh: |
{mesh}
"""


def mesh_of(*texts: str, settings: Settings = Settings()):
    sources = [load_text(f"f{i}.yaml", text) for i, text in enumerate(texts)]
    return build_mesh(extract_resources(sources).resources, sources, settings).mesh_config


def config_map(mesh: str, name: str = "istio") -> str:
    body = "\n".join("    " + line for line in mesh.splitlines())
    return CONFIG_MAP.format(name=name, mesh=body)


def test_istio_defaults_without_a_mesh_config():
    config = mesh_of("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n")
    assert not config.found
    assert config.root_namespace == "istio-system"
    assert config.trust_domain == "cluster.local"
    assert config.enable_auto_mtls is True
    assert config.outbound_traffic_policy == "ALLOW_ANY"
    assert dict(config.default_providers) == {}
    assert set(config.extension_providers) == {"prometheus", "stackdriver", "envoy"}
    assert config.default_service_export_to == ("*",)
    assert "Istio's defaults" in config.describe()


def test_configmap_fields_override_defaults_and_providers_merge_by_name():
    mesh = """\
rootNamespace: mesh-root
trustDomain: prod.example.com
trustDomainAliases: [old.example.com]
enableAutoMtls: false
outboundTrafficPolicy: {mode: REGISTRY_ONLY}
defaultProviders: {accessLogging: [envoy], tracing: otel}
defaultServiceExportTo: ["."]
extensionProviders:
- name: otel
  opentelemetry: {service: otel.obs.svc.cluster.local, port: 4317}
- name: envoy
  envoyOtelAls: {service: als.obs.svc.cluster.local, port: 4317}
"""
    config = mesh_of(config_map(mesh))
    assert config.source == "ConfigMap istio-system/istio"
    assert config.root_namespace == "mesh-root"
    assert config.trust_domain == "prod.example.com"
    assert config.trust_domain_aliases == ("old.example.com",)
    assert config.enable_auto_mtls is False
    assert config.outbound_traffic_policy == "REGISTRY_ONLY"
    assert config.default_providers["accessLogging"] == ("envoy",)
    assert config.default_providers["tracing"] == ("otel",)
    assert config.default_service_export_to == (".",)
    assert config.default_destination_rule_export_to == ("*",)
    assert config.extension_providers["otel"] == "opentelemetry"
    assert config.extension_providers["envoy"] == "envoyOtelAls"
    assert config.extension_providers["prometheus"] == "prometheus"


def test_plain_istio_configmap_wins_over_revisions_and_other_istio_configmaps():
    injector = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio-sidecar-injector}\n"
    injector += "data: {config: 'policy: enabled'}\n"
    canary = config_map("rootNamespace: canary-root", name="istio-canary")
    plain = config_map("rootNamespace: plain-root")
    assert mesh_of(injector, canary, plain).root_namespace == "plain-root"
    assert mesh_of(injector, canary).root_namespace == "canary-root"


def test_istio_operator_mesh_config():
    operator = """\
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: {name: cp, namespace: istio-system}
spec:
  meshConfig: {enableAutoMtls: false, rootNamespace: ops}
"""
    config = mesh_of(operator)
    assert config.source == "IstioOperator istio-system/cp"
    assert (config.enable_auto_mtls, config.root_namespace) == (False, "ops")
    # The ConfigMap istiod actually reads wins over the operator that generates it.
    assert mesh_of(operator, config_map("rootNamespace: cm")).root_namespace == "cm"


def test_mesh_config_file_wins_in_each_of_its_forms(tmp_path):
    in_files = config_map("rootNamespace: from-files")
    forms = {
        "plain.yaml": "rootNamespace: from-file\n",
        "cm.yaml": config_map("rootNamespace: from-file"),
        "iop.yaml": "kind: IstioOperator\nspec:\n  meshConfig: {rootNamespace: from-file}\n",
    }
    for name, text in forms.items():
        path = tmp_path / name
        path.write_text(text)
        config = mesh_of(in_files, settings=Settings(mesh_config_file=str(path)))
        assert config.root_namespace == "from-file", name
        assert config.source == f"--mesh-config {path}"


def test_unreadable_or_odd_configs_fall_back_without_raising(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_bytes(b"\xff\xfe not text")
    odd = config_map("- just\n- a list")
    config = mesh_of(odd, settings=Settings(mesh_config_file=str(broken)))
    assert not config.found
    typed = mesh_of(config_map("enableAutoMtls: 'no'\nrootNamespace: 42\ntrustDomain: [x]"))
    assert typed.found
    assert (typed.enable_auto_mtls, typed.root_namespace, typed.trust_domain) == (
        True,
        "istio-system",
        "cluster.local",
    )


def test_cli_mesh_config_option(tmp_path):
    mesh = tmp_path / "mesh.yaml"
    mesh.write_text("rootNamespace: mesh-root\n")
    manifest = tmp_path / "sidecar.yaml"
    manifest.write_text(
        "apiVersion: networking.istio.io/v1\nkind: Sidecar\n"
        "metadata: {name: default, namespace: mesh-root}\n"
        "spec:\n  workloadSelector: {labels: {app: x}}\n"
    )
    argv = [str(manifest), "--select", "sidecar-root-selector", "--format", "json"]
    out = io.StringIO()
    assert main(argv, stdout=out, stderr=io.StringIO()) == 0
    assert main([*argv, "--mesh-config", str(mesh)], stdout=out, stderr=io.StringIO()) == 1
    assert f"--mesh-config {mesh}" in out.getvalue()
    err = io.StringIO()
    assert main([*argv, "--mesh-config", str(tmp_path / "nope.yaml")], io.StringIO(), err) == 2
    assert "no such file" in err.getvalue()


def test_cli_known_namespaces_and_workloads(tmp_path):
    manifest = tmp_path / "policy.yaml"
    manifest.write_text(
        "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\n"
        "metadata: {name: p, namespace: shop}\n"
        "spec:\n  selector: {matchLabels: {app: cart, tier: web}}\n"
        "  rules: [{from: [{source: {namespaces: [team-a]}}]}]\n"
    )
    base = [str(manifest), "--select", "authz-selector-no-workload,authz-source-namespace-unknown"]
    assert main(base, io.StringIO(), io.StringIO()) == 1
    known = [*base, "--known-workload", "shop/app=cart,tier=web", "--known-namespace", "team-*"]
    assert main(known, io.StringIO(), io.StringIO()) == 0


WRONG_TYPES = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    extensionProviders: [{name: [x]}, {name: ls, lightstep: {}}, 3]
    defaultProviders: {accessLogging: 5}
    outboundTrafficPolicy: ALLOW
---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: t, namespace: shop}
spec:
  selector: {matchLabels: [a]}
  tracing: [{providers: [{name: [ls]}, {name: {x: 1}}, 7]}, 3]
  accessLogging: {providers: x}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: s, namespace: shop}
spec:
  workloadSelector: {labels: x}
  egress: [{hosts: [3, "nope", "a/"]}, 4]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: p, namespace: shop}
spec:
  selector: x
  rules: [{from: [{source: {namespaces: x, principals: [1, "a/b"]}}], to: {operation: 1}}, 5]
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec: {mtls: {mode: [STRICT]}, portLevelMtls: [1]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: d, namespace: shop}
spec: {host: ["*.local"], trafficPolicy: {tls: DISABLE, portLevelSettings: {}}}
"""


def test_rules_skip_wrong_types_quietly():
    from meshlint.engine.analyse import analyse_sources
    from meshlint.engine.run import Run
    from meshlint.rules import select_rules

    prefixes = ("sidecar-", "telemetry-", "authz-", "mtls-", "jwks-")
    rules = tuple(r for r in select_rules() if r.name.startswith(prefixes))
    report = analyse_sources([load_text("wrong.yaml", WRONG_TYPES)], Run(rules=rules))
    assert report.internal_errors == 0, report.tracebacks


def test_several_sources_pick_the_default_revision_and_name_the_choice():
    """istiod of revision <rev> reads ConfigMap istio-<rev> (istio for the default revision),
    which the install renders from the IstioOperator's spec.meshConfig."""
    canary_cm = config_map("rootNamespace: canary-cm", name="istio-canary")
    default_iop = (
        "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\n"
        "metadata: {namespace: istio-system}\nspec:\n  meshConfig: {rootNamespace: iop}\n"
    )
    canary_iop = default_iop.replace("spec:\n", "spec:\n  revision: canary\n").replace(
        "iop}", "canary-iop}"
    )
    config = mesh_of(canary_cm, canary_iop, default_iop)
    assert config.root_namespace == "iop"  # the default revision's operator
    assert "the default revision's" in config.describe()
    assert "ConfigMap istio-system/istio-canary" in config.describe()
    config = mesh_of(canary_iop, canary_cm)
    assert config.root_namespace == "canary-cm"  # a revision's ConfigMap before its operator
    assert config.describe().startswith("ConfigMap istio-system/istio-canary (revision 'canary'")
    assert mesh_of(canary_cm).describe() == "ConfigMap istio-system/istio-canary"
