#!/usr/bin/env python3
"""Write the table of resource names (plurals) and scopes that admission matching needs.

A ValidatingAdmissionPolicy matches requests by resource (``deployments``, ``virtualservices``),
not by kind, so meshlint maps each analysed manifest's kind to its resource as the API server's
discovery would. The Kubernetes kinds are listed here (their names never change); the Istio
kinds are read from Istio's ``crd-all.gen.yaml`` (``<repo>/../shared/istio``, or the folder
given as the first argument), and the result is written to ``meshlint/data/resources.json``:
``{"group/Kind": ["plural", namespaced]}`` (the core group is the empty string).

    python3 scripts/gen_resources.py [SHARED_ISTIO_DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "meshlint" / "data" / "resources.json"
DEFAULT_SOURCE = ROOT.parent / "shared" / "istio"

# (group, kind, plural, namespaced) of the built-in kinds and of the Gateway API, whose
# resources Kubernetes' and the Gateway API's discovery serve under these names.
BUILTIN = [
    ("", "Pod", "pods", True),
    ("", "Service", "services", True),
    ("", "ConfigMap", "configmaps", True),
    ("", "Secret", "secrets", True),
    ("", "ServiceAccount", "serviceaccounts", True),
    ("", "Endpoints", "endpoints", True),
    ("", "PersistentVolumeClaim", "persistentvolumeclaims", True),
    ("", "ReplicationController", "replicationcontrollers", True),
    ("", "LimitRange", "limitranges", True),
    ("", "ResourceQuota", "resourcequotas", True),
    ("", "Event", "events", True),
    ("", "PodTemplate", "podtemplates", True),
    ("", "Namespace", "namespaces", False),
    ("", "Node", "nodes", False),
    ("", "PersistentVolume", "persistentvolumes", False),
    ("apps", "Deployment", "deployments", True),
    ("apps", "StatefulSet", "statefulsets", True),
    ("apps", "DaemonSet", "daemonsets", True),
    ("apps", "ReplicaSet", "replicasets", True),
    ("apps", "ControllerRevision", "controllerrevisions", True),
    ("batch", "Job", "jobs", True),
    ("batch", "CronJob", "cronjobs", True),
    ("autoscaling", "HorizontalPodAutoscaler", "horizontalpodautoscalers", True),
    ("policy", "PodDisruptionBudget", "poddisruptionbudgets", True),
    ("networking.k8s.io", "Ingress", "ingresses", True),
    ("networking.k8s.io", "NetworkPolicy", "networkpolicies", True),
    ("networking.k8s.io", "IngressClass", "ingressclasses", False),
    ("discovery.k8s.io", "EndpointSlice", "endpointslices", True),
    ("coordination.k8s.io", "Lease", "leases", True),
    ("rbac.authorization.k8s.io", "Role", "roles", True),
    ("rbac.authorization.k8s.io", "RoleBinding", "rolebindings", True),
    ("rbac.authorization.k8s.io", "ClusterRole", "clusterroles", False),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding", "clusterrolebindings", False),
    (
        "admissionregistration.k8s.io",
        "ValidatingWebhookConfiguration",
        "validatingwebhookconfigurations",
        False,
    ),
    (
        "admissionregistration.k8s.io",
        "MutatingWebhookConfiguration",
        "mutatingwebhookconfigurations",
        False,
    ),
    (
        "admissionregistration.k8s.io",
        "ValidatingAdmissionPolicy",
        "validatingadmissionpolicies",
        False,
    ),
    (
        "admissionregistration.k8s.io",
        "ValidatingAdmissionPolicyBinding",
        "validatingadmissionpolicybindings",
        False,
    ),
    ("apiextensions.k8s.io", "CustomResourceDefinition", "customresourcedefinitions", False),
    ("apiregistration.k8s.io", "APIService", "apiservices", False),
    ("storage.k8s.io", "StorageClass", "storageclasses", False),
    ("storage.k8s.io", "CSIDriver", "csidrivers", False),
    ("storage.k8s.io", "VolumeAttachment", "volumeattachments", False),
    ("scheduling.k8s.io", "PriorityClass", "priorityclasses", False),
    ("node.k8s.io", "RuntimeClass", "runtimeclasses", False),
    ("certificates.k8s.io", "CertificateSigningRequest", "certificatesigningrequests", False),
    ("gateway.networking.k8s.io", "Gateway", "gateways", True),
    ("gateway.networking.k8s.io", "GatewayClass", "gatewayclasses", False),
    ("gateway.networking.k8s.io", "HTTPRoute", "httproutes", True),
    ("gateway.networking.k8s.io", "GRPCRoute", "grpcroutes", True),
    ("gateway.networking.k8s.io", "TCPRoute", "tcproutes", True),
    ("gateway.networking.k8s.io", "TLSRoute", "tlsroutes", True),
    ("gateway.networking.k8s.io", "UDPRoute", "udproutes", True),
    ("gateway.networking.k8s.io", "ReferenceGrant", "referencegrants", True),
    ("gateway.networking.k8s.io", "BackendTLSPolicy", "backendtlspolicies", True),
]


def generate(source: Path) -> dict[str, list]:
    table: dict[str, list] = {
        f"{group}/{kind}": [plural, namespaced] for group, kind, plural, namespaced in BUILTIN
    }
    with open(source / "crd-all.gen.yaml") as handle:
        for crd in yaml.safe_load_all(handle):
            if not isinstance(crd, dict) or crd.get("kind") != "CustomResourceDefinition":
                continue
            spec = crd["spec"]
            names = spec["names"]
            table[f"{spec['group']}/{names['kind']}"] = [
                names["plural"],
                spec.get("scope", "Namespaced") == "Namespaced",
            ]
    return dict(sorted(table.items()))


def render(table: dict[str, list]) -> str:
    lines = [f"  {json.dumps(key)}: {json.dumps(value)}" for key, value in table.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    OUTPUT.write_text(render(generate(source)))
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
