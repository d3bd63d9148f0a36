"""Which requests a policy's ``matchConstraints`` and a binding's ``matchResources`` match.

Each analysed manifest stands for a CREATE request of its resource (k8s.io/apiserver
``admission/plugin/policy/matching`` is the model):

- a resource rule matches when its API group, version, resource (``deployments``, ``*``,
  ``*/*``, ``deployments/*``), operation (``CREATE`` or ``*``), scope and resource names do;
  an ``excludeResourceRules`` rule that matches excludes the request;
- ``matchPolicy: Equivalent`` (the default) also matches a version the rule does not list,
  as the API server converts the object to a version it does (a v1alpha3 VirtualService
  matches a rule for v1); ``Exact`` does not;
- ``namespaceSelector`` is read against the labels of the namespace: those of the files'
  Namespace, plus ``kubernetes.io/metadata.name``, which the API server puts on every
  namespace. A cluster-scoped resource always matches it, except a Namespace, which is
  matched by its own labels;
- ``objectSelector`` is read against the object's labels.

The resource of a kind comes from ``meshlint/data/resources.json`` (Kubernetes' kinds, the
Gateway API's and Istio's CRDs), then from a CustomResourceDefinition among the files, then
from Kubernetes' own guess (``UnsafeGuessKindToResource``: lower case, plus ``s``, ``es``
after an ``s``, ``ies`` for a final ``y``).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from meshlint.facts.memo import fact
from meshlint.facts.selectors import label_selector_matches
from meshlint.input.resources import CLUSTER_SCOPED, Kind, Resource
from meshlint.schemas.admission.policies import MatchResources, ResourceRule

if TYPE_CHECKING:
    from meshlint.facts.graph import Mesh

__all__ = ["matches", "namespace_labels", "resource_of"]

DATA = Path(__file__).resolve().parent.parent.parent / "data" / "resources.json"
NAME_LABEL = "kubernetes.io/metadata.name"
CRD = Kind("apiextensions.k8s.io", "CustomResourceDefinition")


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str, bool]]:
    return {
        key: (plural, namespaced)
        for key, (plural, namespaced) in json.loads(DATA.read_text()).items()
    }


@fact
def _file_crds(mesh: Mesh) -> dict[str, tuple[str, bool]]:
    found = {}
    for crd in mesh.of_type(CRD):
        spec = crd.spec
        names = spec.get("names") if isinstance(spec.get("names"), dict) else {}
        if isinstance(spec.get("group"), str) and names.get("kind") and names.get("plural"):
            found[f"{spec['group']}/{names['kind']}"] = (
                str(names["plural"]),
                spec.get("scope", "Namespaced") == "Namespaced",
            )
    return found


def _guess(kind: str) -> str:
    singular = kind.lower()
    if singular.endswith("s"):
        return singular + "es"
    if singular.endswith("y"):
        return singular[:-1] + "ies"
    return singular + "s"


def resource_of(mesh: Mesh, resource: Resource) -> tuple[str, bool]:
    """``(plural, namespaced)`` of a resource's kind."""
    key = f"{resource.group}/{resource.kind}"
    known = _table().get(key) or _file_crds(mesh).get(key)
    if known is not None:
        return known
    namespaced = resource.namespace is not None and resource.kind not in CLUSTER_SCOPED
    return _guess(resource.kind), namespaced


def namespace_labels(mesh: Mesh, namespace: str) -> dict[str, str]:
    """The labels the API server would see on ``namespace``."""
    return {**(mesh.namespace_labels(namespace) or {}), NAME_LABEL: namespace}


def _rule_matches(
    rule: ResourceRule, resource: Resource, plural: str, namespaced: bool, exact: bool
) -> bool:
    if not ("*" in rule.operations or "CREATE" in rule.operations):
        return False
    if not ("*" in rule.groups or resource.group in rule.groups):
        return False
    if exact and not ("*" in rule.versions or resource.version in rule.versions):
        return False
    if (rule.scope == "Cluster" and namespaced) or (rule.scope == "Namespaced" and not namespaced):
        return False
    if rule.names and resource.name not in rule.names:
        return False
    for entry in rule.resources:
        name, _, sub = entry.partition("/")
        if (name == "*" or name == plural) and (sub in ("", "*")):
            return True
    return False


def matches(mesh: Mesh, match: MatchResources, resource: Resource) -> bool:
    """Does ``match`` select the CREATE request of ``resource``?"""
    plural, namespaced = resource_of(mesh, resource)
    exact = match.policy == "Exact"
    if match.rules is not None and not any(
        _rule_matches(rule, resource, plural, namespaced, exact) for rule in match.rules
    ):
        return False
    if any(_rule_matches(rule, resource, plural, namespaced, False) for rule in match.excluded):
        return False
    if not label_selector_matches(match.object_selector, resource.labels):
        return False
    if resource.type == Kind("", "Namespace"):
        labels = {**resource.labels, NAME_LABEL: resource.name}
    elif namespaced and resource.namespace is not None:
        labels = namespace_labels(mesh, resource.namespace)
    else:
        return True
    return label_selector_matches(match.namespace_selector, labels)
