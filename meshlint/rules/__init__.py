"""The rule registry: every rule meshlint has, in code order.

To add a rule, write its module (metadata, docstring with ``## Bad`` and ``## Good``
examples, ``check``), add it to ``_MODULES`` and add its golden cases in ``rules/``.
"""

from __future__ import annotations

from meshlint.rules import (
    dangling_gateway,
    dangling_host,
    dangling_subset,
    decode_error,
    duplicate_gateway_port_name,
    duplicate_key,
    duplicate_subset_name,
    duplicate_virtual_service_host,
    gateway_legacy_reference,
    helm_template,
    http_route_action_conflict,
    injection_conflicting_labels,
    injection_disabled,
    injection_missing,
    internal_error,
    invalid_delegate,
    invalid_duration,
    invalid_export_to,
    invalid_host,
    invalid_regex,
    mesh_wildcard_host,
    partial_wildcard_host,
    percentage_out_of_range,
    port_out_of_range,
    trace_sampling_production,
    unreadable_file,
    unused_suppression,
    virtual_service_without_routes,
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
    # ML3xx: observability and cost
    trace_sampling_production,
    # ML4xx: data plane membership
    injection_missing,
    injection_disabled,
    injection_conflicting_labels,
    # ML52x-ML56x: structural checks of Istio's validating webhook
    invalid_duration,
    port_out_of_range,
    duplicate_subset_name,
    duplicate_virtual_service_host,
    mesh_wildcard_host,
    virtual_service_without_routes,
    http_route_action_conflict,
    invalid_delegate,
    invalid_export_to,
    duplicate_gateway_port_name,
    invalid_host,
    partial_wildcard_host,
    invalid_regex,
    percentage_out_of_range,
    # ML9xx: meshlint itself
    internal_error,
    unused_suppression,
)

RULES: tuple[Rule, ...] = tuple(sorted((from_module(m) for m in _MODULES), key=lambda r: r.code))
_BY_KEY = {key: rule for rule in RULES for key in (rule.code, rule.name)}


def find_rule(name_or_code: str) -> Rule | None:
    return _BY_KEY.get(name_or_code) or _BY_KEY.get(name_or_code.upper())
