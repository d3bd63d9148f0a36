"""Which trace sampling rate each proxy gets, and which field of which resource sets it.

Istio decides per proxy (``pilot/pkg/model/telemetry.go`` ``Tracing`` and
``pilot/pkg/networking/core/tracing.go`` ``configureTracingFromTelemetry``):

- the Telemetry resources that apply are the root namespace's namespace-wide one, then the
  proxy's namespace-wide one, then the first workload Telemetry whose selector matches
  (``applicableTelemetries``); their ``tracing`` entries are applied in that order, each field
  overriding the one before (``match.mode`` limits an entry to client or server side);
- with no tracing entry and no ``defaultProviders.tracing``, the mesh config's
  ``enableTracing`` decides, and the rate comes from the proxy config (below);
- otherwise a spec without a provider (none named, none by default, or a name the mesh config
  does not define) or with ``disableSpanReporting`` traces nothing; an OpenTelemetry provider
  with its own ``sampling`` samples every request into that sampler; else the rate is the last
  ``randomSamplingPercentage``, or the proxy config's;
- the proxy config's rate (``proxyConfigSamplingValue``) is ``defaultConfig.tracing.sampling``
  from the mesh config, overridden per pod by the ``proxy.istio.io/config`` annotation; 0 means
  unset, over 100 becomes 1; unset, it is istiod's ``PILOT_TRACE_SAMPLING`` (default 1, out of
  0-100 becomes 1).

Where the analysed files do not hold the mesh config, providers are unknown and assumed to be
there: a Telemetry that sets a rate is taken to trace.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from meshlint.facts.graph import Mesh, Workload
from meshlint.facts.memo import fact
from meshlint.facts.selectors import workloads_selected
from meshlint.input.embedded import parse_embedded
from meshlint.input.resources import K, Resource, string_map

__all__ = ["Place", "SamplingSource", "effective_sampling", "percent"]

PROXY_CONFIG = "proxy.istio.io/config"
PILOT_ENV = "PILOT_TRACE_SAMPLING"
# Provider types configureFromProviderConfig builds a tracer for.
TRACING_PROVIDERS = frozenset({"zipkin", "datadog", "skywalking", "opentelemetry"})
_CUSTOM_SAMPLER = "sampler"


@dataclass(frozen=True, eq=False)
class SamplingSource:
    """A field that sets a sampling rate: where it is, what Istio reads from it."""

    resource: Resource | None  # None: the --mesh-config file (not among the analysed files)
    path: tuple[object, ...]  # to the field, or to the string that embeds it
    inner: tuple[object, ...] | None  # inside the embedded YAML string, if any
    value: float  # as Istio applies it
    where: str  # for messages
    mesh_wide: bool


@dataclass(frozen=True, eq=False)
class Place:
    """Proxies of one namespace that get the same Telemetry: a workload of the files, the pods a
    workload Telemetry selects when the files hold none of them, or (``workload`` and
    ``telemetry`` None) the namespace's pods when the files show none."""

    namespace: str
    workload: Workload | None = None
    telemetry: Resource | None = None


def percent(value: object) -> float | None:
    """A number as protobuf JSON reads a double: numbers, and numbers written as strings."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _dig(node: object, path: tuple[object, ...]) -> object:
    for step in path:
        if isinstance(node, dict) and isinstance(step, str):
            node = node.get(step)
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
        else:
            return None
    return node


def _proxy_rate(value: float | None) -> float | None:
    """proxyConfigSamplingValue: 0 is unset, over 100 becomes 1."""
    if value is None or value == 0:
        return None
    return 1.0 if value > 100 else value


def _pilot_source(mesh: Mesh) -> SamplingSource | None:
    """PILOT_TRACE_SAMPLING: the istiod Deployment's env (the last entry wins), else an
    IstioOperator's values (``pilot.traceSampling`` is written after ``pilot.env``)."""
    found: list[SamplingSource] = []
    for deployment in mesh.of_type(K.DEPLOYMENT):
        if deployment.name != "istiod" and not deployment.name.startswith("istiod-"):
            continue
        containers = _dig(deployment.body, ("spec", "template", "spec", "containers"))
        for c, container in enumerate(containers if isinstance(containers, list) else ()):
            env = container.get("env") if isinstance(container, dict) else None
            for e, entry in enumerate(env if isinstance(env, list) else ()):
                if isinstance(entry, dict) and entry.get("name") == PILOT_ENV:
                    path = ("spec", "template", "spec", "containers", c, "env", e, "value")
                    found.append(_pilot(deployment, path, f"istiod's {PILOT_ENV}"))
        if found:
            return found[-1]
    for operator in mesh.of_type(K.ISTIO_OPERATOR):
        pilot = ("spec", "values", "pilot")
        if _dig(operator.body, (*pilot, "traceSampling")):
            return _pilot(operator, (*pilot, "traceSampling"), "values.pilot.traceSampling")
        if _dig(operator.body, (*pilot, "env", PILOT_ENV)) is not None:
            return _pilot(operator, (*pilot, "env", PILOT_ENV), f"values.pilot.env.{PILOT_ENV}")
    return None


def _pilot(resource: Resource, path: tuple[object, ...], where: str) -> SamplingSource:
    value = percent(_dig(resource.body, path))
    value = 1.0 if value is None or not 0 <= value <= 100 else value
    return SamplingSource(resource, path, None, value, where, True)


def _mesh_source(mesh: Mesh) -> SamplingSource | None:
    """defaultConfig.tracing.sampling of the mesh config."""
    config = mesh.mesh_config
    inner = ("defaultConfig", "tracing", "sampling")
    value = _proxy_rate(percent(_dig(config.raw, inner)))
    if value is None:
        return None
    where = "mesh config defaultConfig.tracing.sampling"
    resource = config.resource
    if resource is not None and resource.type == K.CONFIG_MAP:
        return SamplingSource(resource, ("data", "mesh"), inner, value, where, True)
    if resource is not None:
        return SamplingSource(resource, ("spec", "meshConfig", *inner), None, value, where, True)
    return SamplingSource(None, (), inner, value, where, True)


def _annotation_source(workload: Workload) -> SamplingSource | None:
    text = workload.annotations.get(PROXY_CONFIG)
    if not isinstance(text, str):
        return None
    path = (*workload.path, "metadata", "annotations", PROXY_CONFIG)
    embedded = parse_embedded(workload.resource, path, text)
    inner = ("tracing", "sampling")
    value = _proxy_rate(percent(_dig(embedded.value, inner))) if embedded else None
    if value is None:
        return None
    where = f"the {PROXY_CONFIG} annotation"
    return SamplingSource(workload.resource, path, inner, value, where, False)


class _Resolver:
    """Everything per run the per-proxy answer needs, worked out once."""

    def __init__(self, mesh: Mesh) -> None:
        self.mesh = mesh
        config = mesh.mesh_config
        self.root = mesh.root_namespace
        self.known = config.found  # providers are known only from a mesh config in the files
        self.enabled = config.raw.get("enableTracing") is not False
        self.fallback = _mesh_source(mesh) or _pilot_source(mesh)
        self.samplers = set()
        entries = config.raw.get("extensionProviders")
        for entry in entries if isinstance(entries, list) else ():
            otel = entry.get("opentelemetry") if isinstance(entry, dict) else None
            if isinstance(otel, dict) and otel.get("sampling") and isinstance(entry["name"], str):
                self.samplers.add(entry["name"].lower())
        defaults = config.default_providers.get("tracing", ())
        self.default = (
            self.provider(defaults[0] if defaults else None) if defaults or not self.known else None
        )
        self.has_default = bool(defaults)
        self.by_namespace: dict[str, list[Resource]] = {}
        for telemetry in mesh.of_type(K.TELEMETRY):
            self.by_namespace.setdefault(telemetry.namespace or "", []).append(telemetry)

    def provider(self, name: object) -> str | None:
        """fetchProvider (names compare case-insensitively): "ok", a custom sampler, or None
        (undefined, or a type that does not trace)."""
        if not self.known:
            return "ok"
        if not isinstance(name, str):
            return None
        for defined, kind in self.mesh.mesh_config.extension_providers.items():
            if defined.lower() == name.lower():
                if kind not in TRACING_PROVIDERS:
                    return None
                return _CUSTOM_SAMPLER if defined.lower() in self.samplers else "ok"
        return None

    def namespace_wide(self, namespace: str) -> Resource | None:
        for telemetry in self.by_namespace.get(namespace, ()):
            if not _selector(telemetry) and not _targets(telemetry):
                return telemetry
        return None

    def targeted(self, namespace: str) -> list[Resource]:
        """Telemetries of ``namespace`` with a selector or targetRefs."""
        return [t for t in self.by_namespace.get(namespace, ()) if _selector(t) or _targets(t)]

    def _owners(self, targeted: list[Resource], namespace: str) -> dict[int, Resource]:
        """The first workload Telemetry (in file order) selecting each workload, by the
        workload's id: through the mesh's cached selections, each selector once, so that
        many Telemetries or workloads sharing a selector cost no more than one."""
        owner: dict[int, Resource] = {}
        seen: set[frozenset] = set()
        for telemetry in targeted:
            selector = _selector(telemetry)
            key = frozenset(selector.items())
            if not selector or key in seen:
                continue
            seen.add(key)
            for workload in workloads_selected(self.mesh, selector, namespace):
                owner.setdefault(id(workload), telemetry)
        return owner

    def places(self) -> Iterator[tuple[Place, list[Resource]]]:
        """Every place of the mesh with the Telemetries that apply there, in order."""
        mesh = self.mesh
        for namespace in sorted(mesh.namespace_names | mesh.resource_namespaces):
            chain = [self.namespace_wide(self.root)] if self.root else []
            if namespace != self.root:
                chain.append(self.namespace_wide(namespace))
            chain = [t for t in chain if t is not None]
            targeted = self.targeted(namespace)
            workloads = mesh.workloads_in(namespace)
            owner = self._owners(targeted, namespace)
            matched = {id(t) for t in owner.values()}
            for workload in workloads:
                own = owner.get(id(workload))
                yield Place(namespace, workload), chain + ([own] if own else [])
            for telemetry in targeted:
                if id(telemetry) not in matched:
                    yield Place(namespace, telemetry=telemetry), [*chain, telemetry]
            if not workloads:
                yield Place(namespace), chain

    def sources(self, place: Place, chain: list[Resource]) -> list[SamplingSource]:
        """The sources that set the rate of the place's client and server sides (none where
        nothing is traced)."""
        proxy = (_annotation_source(place.workload) if place.workload else None) or self.fallback
        specs = {"CLIENT": _Spec(self.default), "SERVER": _Spec(self.default)}
        entries = 0
        for telemetry in chain:
            tracing = telemetry.spec.get("tracing")
            for index, entry in enumerate(tracing if isinstance(tracing, list) else ()):
                if not isinstance(entry, dict):
                    continue
                entries += 1
                mode = _dig(entry, ("match", "mode"))
                chosen = [specs[mode]] if mode in specs else specs.values()
                for spec in chosen:
                    spec.apply(self, telemetry, index, entry)
        if not entries and not self.has_default:
            return [proxy] if self.enabled and proxy is not None else []
        found = []
        for spec in specs.values():
            if spec.disabled or spec.provider != "ok":
                continue
            source = spec.rate or proxy
            if source is not None and source not in found:
                found.append(source)
        return found


@dataclass(eq=False)
class _Spec:
    provider: str | None
    disabled: bool = False
    rate: SamplingSource | None = None

    def apply(self, resolver: _Resolver, telemetry: Resource, index: int, entry: dict) -> None:
        providers = entry.get("providers")
        if isinstance(providers, list) and providers:
            first = providers[0]
            name = first.get("name") if isinstance(first, dict) else None
            self.provider = resolver.provider(name)
        if isinstance(entry.get("disableSpanReporting"), bool):
            self.disabled = entry["disableSpanReporting"]
        value = entry.get("randomSamplingPercentage")
        value = None if isinstance(value, (bool, str)) else percent(value)
        if value is not None and 0 <= value <= 100:  # validation refuses the rest
            path = ("spec", "tracing", index, "randomSamplingPercentage")
            where = "Telemetry randomSamplingPercentage"
            mesh_wide = telemetry.namespace == resolver.root and not _selector(telemetry)
            self.rate = SamplingSource(telemetry, path, None, value, where, mesh_wide)


def _targets(telemetry: Resource) -> bool:
    """Does the Telemetry name policy targets (``targetRefs``, or the older ``targetRef``)?"""
    return bool(telemetry.spec.get("targetRefs") or telemetry.spec.get("targetRef"))


def _selector(telemetry: Resource) -> dict[str, str]:
    return string_map(_dig(telemetry.spec, ("selector", "matchLabels")))


@fact
def effective_sampling(mesh: Mesh) -> list[tuple[Place, SamplingSource]]:
    """Each place of the mesh with each source whose rate takes effect there."""
    resolver = _Resolver(mesh)
    return [
        (place, source)
        for place, chain in resolver.places()
        for source in resolver.sources(place, chain)
    ]
