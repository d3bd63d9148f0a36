"""The rule registry: every rule meshlint has, in code order.

To add a rule, write its module (metadata, docstring with ``## Bad`` and ``## Good``
examples, ``check``), add it to ``_MODULES`` and add its golden cases in ``rules/``.
"""

from __future__ import annotations

from meshlint.rules import (
    conflicting_gateways,
    conflicting_mesh_hosts,
    dangling_gateway,
    dangling_host,
    dangling_subset,
    decode_error,
    destination_port_not_found,
    destination_port_required,
    destination_rule_host_not_found,
    duplicate_destination_rule,
    duplicate_gateway_certificate,
    duplicate_key,
    export_to_unknown_namespace,
    gateway_host_mismatch,
    gateway_internal_reference,
    gateway_legacy_reference,
    gateway_port_not_exposed,
    gateway_secret_invalid,
    gateway_secret_missing,
    gateway_selector_no_workload,
    helm_template,
    ineffective_match,
    ingress_route_bypasses_subsets,
    injection_conflicting_labels,
    injection_disabled,
    injection_missing,
    internal_error,
    jwt_claim_route_without_authn,
    port_tls_origination_without_ca,
    repeated_route_destination,
    route_destination_missing,
    service_entry_addresses_required,
    service_entry_protocol_conflict,
    subset_selects_no_pods,
    subset_without_labels,
    tls_origination_without_ca,
    trace_sampling_production,
    unreachable_route,
    unreadable_file,
    weight_sum,
    yaml_limit,
    yaml_syntax,
    yaml_tag,
)
from meshlint.rules.base import Rule, from_module

__all__ = ["RULES", "Rule", "find_rule"]

_MODULES = (
    # ML0xx: reading the input
    yaml_syntax,
    helm_template,
    decode_error,
    duplicate_key,
    yaml_tag,
    yaml_limit,
    unreadable_file,
    # ML1xx: references between resources
    dangling_host,
    dangling_subset,
    dangling_gateway,
    gateway_legacy_reference,
    # ML2xx: traffic
    weight_sum,
    # networking references (ML110-ML149) and traffic (ML210-ML249)
    destination_port_not_found,
    gateway_host_mismatch,
    gateway_internal_reference,
    gateway_selector_no_workload,
    gateway_port_not_exposed,
    gateway_secret_missing,
    gateway_secret_invalid,
    destination_port_required,
    ingress_route_bypasses_subsets,
    conflicting_mesh_hosts,
    unreachable_route,
    ineffective_match,
    conflicting_gateways,
    duplicate_gateway_certificate,
    destination_rule_host_not_found,
    subset_selects_no_pods,
    tls_origination_without_ca,
    port_tls_origination_without_ca,
    service_entry_addresses_required,
    service_entry_protocol_conflict,
    jwt_claim_route_without_authn,
    duplicate_destination_rule,
    subset_without_labels,
    repeated_route_destination,
    export_to_unknown_namespace,
    route_destination_missing,
    # ML3xx: observability and cost
    trace_sampling_production,
    # ML4xx: data plane membership
    injection_missing,
    injection_disabled,
    injection_conflicting_labels,
    # ML9xx: meshlint itself
    internal_error,
)

RULES: tuple[Rule, ...] = tuple(sorted((from_module(m) for m in _MODULES), key=lambda r: r.code))
_BY_KEY = {key: rule for rule in RULES for key in (rule.code, rule.name)}


def find_rule(name_or_code: str) -> Rule | None:
    return _BY_KEY.get(name_or_code) or _BY_KEY.get(name_or_code.upper())
