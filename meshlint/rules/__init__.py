"""The rule registry: every rule meshlint has, in code order.

To add a rule, write its module (metadata, docstring with ``## Bad`` and ``## Good``
examples, ``check``), add it to ``_MODULES`` and add its golden cases in ``rules/``.
"""

from __future__ import annotations

from meshlint.rules import (
    annotation_alpha,
    annotation_deprecated,
    annotation_invalid_value,
    annotation_misplaced,
    annotation_unknown,
    application_uid,
    dangling_gateway,
    dangling_host,
    dangling_subset,
    decode_error,
    deprecated_field,
    duplicate_gateway_port_name,
    duplicate_key,
    duplicate_subset_name,
    duplicate_virtual_service_host,
    envoyfilter_proxy_version_relative,
    envoyfilter_relative_operation,
    envoyfilter_replace_unsupported,
    envoyfilter_route_add,
    envoyfilter_route_remove,
    external_control_plane_ip,
    external_control_plane_url,
    external_name_port_name,
    gateway_api_crd_version,
    gateway_api_pod_selector,
    gateway_legacy_reference,
    helm_template,
    http_route_action_conflict,
    image_auto_not_injected,
    injection_conflicting_labels,
    injection_disabled,
    injection_enabled_by_default,
    injection_missing,
    injector_webhook_overlap,
    internal_error,
    invalid_delegate,
    invalid_duration,
    invalid_export_to,
    invalid_host,
    invalid_regex,
    mesh_wildcard_host,
    negative_status_condition,
    partial_wildcard_host,
    percentage_out_of_range,
    pod_image_auto,
    pod_missing_proxy,
    port_out_of_range,
    proxy_image_mismatch,
    service_app_protocol,
    service_entry_duplicate_port,
    service_port_name,
    service_port_not_on_workload,
    trace_sampling_production,
    unreadable_file,
    unused_suppression,
    virtual_service_without_routes,
    weight_sum,
    workload_mixed_dataplane,
    workload_port_protocol_conflict,
    workload_target_port_conflict,
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
    service_port_name,
    service_app_protocol,
    external_name_port_name,
    service_port_not_on_workload,
    workload_port_protocol_conflict,
    workload_target_port_conflict,
    application_uid,
    pod_missing_proxy,
    injection_enabled_by_default,
    image_auto_not_injected,
    pod_image_auto,
    proxy_image_mismatch,
    workload_mixed_dataplane,
    service_entry_duplicate_port,
    gateway_api_pod_selector,
    # ML6xx: annotations, labels, deprecation, metadata, status
    annotation_misplaced,
    annotation_unknown,
    annotation_invalid_value,
    annotation_deprecated,
    annotation_alpha,
    deprecated_field,
    negative_status_condition,
    # ML8xx: EnvoyFilter, webhooks, control plane
    envoyfilter_relative_operation,
    envoyfilter_replace_unsupported,
    envoyfilter_route_add,
    envoyfilter_route_remove,
    envoyfilter_proxy_version_relative,
    injector_webhook_overlap,
    external_control_plane_url,
    external_control_plane_ip,
    gateway_api_crd_version,
    # ML9xx: meshlint itself
    internal_error,
    unused_suppression,
)

RULES: tuple[Rule, ...] = tuple(sorted((from_module(m) for m in _MODULES), key=lambda r: r.code))
_BY_KEY = {key: rule for rule in RULES for key in (rule.code, rule.name)}


def find_rule(name_or_code: str) -> Rule | None:
    return _BY_KEY.get(name_or_code) or _BY_KEY.get(name_or_code.upper())
