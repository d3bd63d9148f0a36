"""The mesh config (Istio's ``MeshConfig``): where it is read from, and Istio's defaults.

Several rules depend on mesh-wide settings: the root namespace makes a policy mesh-wide,
auto-mTLS decides whether a STRICT PeerAuthentication needs a DestinationRule, Telemetry
names providers that the mesh config defines. The config is looked for, in this order:

1. the file given with ``--mesh-config`` (plain MeshConfig YAML, an ``istio`` ConfigMap or
   an IstioOperator);
2. the analysed files' candidates, the default revision's first, as istiod reads them.
   istiod (``pilot/pkg/bootstrap/mesh.go`` ``initMeshConfiguration``, later
   ``getConfigurationSources``) reads the file ``/etc/istio/config/mesh`` if it exists, else
   the ConfigMap ``getMeshConfigMapName(REVISION)`` in its own namespace through the API
   (``kubemesh.NewConfigMapSource``, key ``mesh``): ``istio`` for the revision ``""`` or
   ``default``, ``istio-<rev>`` otherwise. The istio-discovery chart renders that ConfigMap
   (``templates/configmap.yaml``: ``istio{{- if not (eq .Values.revision "") }}-{{
   .Values.revision }}{{- end }}``, the chart's defaults ``mergeOverwrite`` ``values.meshConfig``),
   mounts it at ``/etc/istio/config`` and sets ``REVISION`` to the revision or ``default``
   (``templates/deployment.yaml``). An IstioOperator is never read by istiod: its
   ``spec.meshConfig`` is install input that becomes ``values.meshConfig`` of that ConfigMap.
   So: the ``istio`` ConfigMap, else an IstioOperator without ``spec.revision`` (or with
   ``default``), else the revisioned ``istio-<rev>`` ConfigMaps and IstioOperators by revision
   name (the ConfigMap before the operator of one revision). Each revision's istiod has its own
   config; which one a workload gets depends on its injection, so the default revision's
   stands for the mesh. Not modelled: the namespace (istiod reads only its own; meshlint, not
   knowing where istiod runs, takes the name in any namespace) and ``SHARED_MESH_CONFIG`` (a
   second, user ConfigMap the file or revision ConfigMap is merged over).

With several candidates, ``source`` names the one chosen and how many others were passed over,
so a finding that relies on the config says which one it read.

What the config leaves out takes Istio's defaults, merged as istiod merges them: fields
replace the defaults, except ``extensionProviders``, which are added to Istio's built-in
``prometheus``, ``stackdriver`` and ``envoy`` providers by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from meshlint.config.settings import Settings
from meshlint.input.resources import K, Resource
from meshlint.input.yamlpos import ParseProblem, parse_documents

__all__ = ["BUILTIN_PROVIDERS", "MeshConfig", "parse_mesh_text", "read_mesh_config"]

# Istio's built-in extension providers: name -> provider type.
BUILTIN_PROVIDERS: Mapping[str, str] = {
    "prometheus": "prometheus",
    "stackdriver": "stackdriver",
    "envoy": "envoyFileAccessLog",
}
_EXPORT_FIELDS = (
    "defaultServiceExportTo",
    "defaultVirtualServiceExportTo",
    "defaultDestinationRuleExportTo",
)


@dataclass(frozen=True)
class MeshConfig:
    """The effective mesh config of a run; ``source`` says where it came from (None: only
    Istio's defaults, no mesh config was found)."""

    root_namespace: str = "istio-system"
    trust_domain: str = "cluster.local"
    trust_domain_aliases: tuple[str, ...] = ()
    enable_auto_mtls: bool = True
    outbound_traffic_policy: str = "ALLOW_ANY"
    # "metrics", "tracing", "accessLogging" -> provider names
    default_providers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # provider name -> provider type ("envoyOtelAls", "zipkin", "lightstep", ...)
    extension_providers: Mapping[str, str] = field(default_factory=lambda: dict(BUILTIN_PROVIDERS))
    default_service_export_to: tuple[str, ...] = ("*",)
    default_virtual_service_export_to: tuple[str, ...] = ("*",)
    default_destination_rule_export_to: tuple[str, ...] = ("*",)
    source: str | None = None
    resource: Resource | None = None  # the ConfigMap or IstioOperator it came from
    raw: Mapping[str, object] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return self.source is not None

    def describe(self) -> str:
        """For messages: where the values come from."""
        return self.source or "Istio's defaults (no mesh config in the analysed files)"


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str) and v)
    return ()


def _provider_type(entry: Mapping[str, object]) -> str:
    for key in entry:
        if key != "name":
            return key
    return ""


def build_mesh_config(
    raw: Mapping[str, object],
    settings: Settings,
    source: str | None = None,
    resource: Resource | None = None,
) -> MeshConfig:
    """Istio's defaults with ``raw`` (a parsed MeshConfig mapping) applied on top."""
    root = raw.get("rootNamespace")
    trust = raw.get("trustDomain")
    auto = raw.get("enableAutoMtls")
    policy = raw.get("outboundTrafficPolicy")
    mode = policy.get("mode") if isinstance(policy, dict) else None
    defaults = raw.get("defaultProviders")
    default_providers = (
        {k: _strings(v) for k, v in defaults.items() if isinstance(k, str)}
        if isinstance(defaults, dict)
        else {}
    )
    providers = dict(BUILTIN_PROVIDERS)
    extensions = raw.get("extensionProviders")
    if isinstance(extensions, list):
        for entry in extensions:
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                providers[entry["name"]] = _provider_type(entry)
    exports = {}
    for name in _EXPORT_FIELDS:
        value = _strings(raw.get(name))
        exports[name] = value or ("*",)
    return MeshConfig(
        root_namespace=root if isinstance(root, str) and root else settings.root_namespace,
        trust_domain=trust if isinstance(trust, str) and trust else "cluster.local",
        trust_domain_aliases=_strings(raw.get("trustDomainAliases")),
        enable_auto_mtls=auto if isinstance(auto, bool) else True,
        outbound_traffic_policy=mode if isinstance(mode, str) and mode else "ALLOW_ANY",
        default_providers=default_providers,
        extension_providers=providers,
        default_service_export_to=exports["defaultServiceExportTo"],
        default_virtual_service_export_to=exports["defaultVirtualServiceExportTo"],
        default_destination_rule_export_to=exports["defaultDestinationRuleExportTo"],
        source=source,
        resource=resource,
        raw=raw,
    )


def parse_mesh_text(text: str) -> dict | None:
    """The first YAML document of ``text`` as a mapping (C loader), or None."""
    problems: list[ParseProblem] = []
    for value, _, _ in parse_documents(text, problems):
        return value if isinstance(value, dict) else None
    return None


def _from_document(document: Mapping[str, object]) -> dict | None:
    """A mesh config from a ConfigMap, an IstioOperator, or a plain MeshConfig mapping."""
    kind = document.get("kind")
    if kind == "ConfigMap":
        data = document.get("data")
        text = data.get("mesh") if isinstance(data, dict) else None
        return parse_mesh_text(text) if isinstance(text, str) else None
    if kind == "IstioOperator":
        spec = document.get("spec")
        mesh = spec.get("meshConfig") if isinstance(spec, dict) else None
        return mesh if isinstance(mesh, dict) else None
    return dict(document)


def _candidates(resources: Iterable[Resource]) -> list[tuple[tuple[int, str, int], Resource]]:
    """Every ConfigMap ``istio``/``istio-<rev>`` with a ``mesh`` key and every IstioOperator,
    with the key that orders them (see the module docstring)."""
    found = []
    for resource in resources:
        if resource.type == K.CONFIG_MAP:
            data = resource.body.get("data")
            if not (isinstance(data, dict) and isinstance(data.get("mesh"), str)):
                continue
            if resource.name == "istio":
                found.append(((0, "", 0), resource))
            elif resource.name.startswith("istio-"):
                found.append(((2, resource.name[len("istio-") :], 0), resource))
        elif resource.type == K.ISTIO_OPERATOR:
            spec = resource.body.get("spec")
            revision = spec.get("revision") if isinstance(spec, dict) else None
            if not isinstance(revision, str) or revision in ("", "default"):
                found.append(((1, "", 0), resource))
            else:
                found.append(((2, revision, 1), resource))
    return sorted(found, key=lambda item: (item[0], item[1].display))


def read_mesh_config(resources: list[Resource], settings: Settings) -> MeshConfig:
    """The effective mesh config for a run (see the module docstring for the order)."""
    path = settings.mesh_config_file
    if path:
        try:
            with open(path, encoding="utf-8") as handle:
                document = parse_mesh_text(handle.read())
        except (OSError, UnicodeDecodeError):
            document = None
        raw = _from_document(document) if document is not None else None
        if raw is not None:
            return build_mesh_config(raw, settings, f"--mesh-config {path}")
    usable = [
        (key, resource, raw)
        for key, resource in _candidates(resources)
        if (raw := _from_document(resource.body)) is not None
    ]
    if not usable:
        return build_mesh_config({}, settings)
    (rank, revision, _), chosen, raw = usable[0]
    source = chosen.display
    if len(usable) > 1:
        why = "the default revision's" if rank < 2 else f"revision {revision!r}, first by name"
        others = ", ".join(resource.display for _, resource, _ in usable[1:4])
        more = f" and {len(usable) - 4} more" if len(usable) > 4 else ""
        source += f" ({why}; not {others}{more})"
    return build_mesh_config(raw, settings, source, chosen)
