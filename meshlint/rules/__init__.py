"""The rule registry: every rule meshlint has, in code order.

To add a rule, write its module (metadata, docstring with ``## Bad`` and ``## Good``
examples, ``check``), add it to ``_MODULES`` and add its golden cases in ``rules/``.
"""

from __future__ import annotations

from collections.abc import Iterable

from meshlint.rules.base import Rule, from_module
from meshlint.rules.envoyfilter import (
    envoyfilter_proxy_version_relative,
    envoyfilter_relative_operation,
    envoyfilter_replace_unsupported,
    envoyfilter_route_add,
    envoyfilter_route_remove,
    external_control_plane_ip,
    external_control_plane_url,
    gateway_api_crd_version,
    injector_webhook_overlap,
)
from meshlint.rules.input import (
    decode_error,
    duplicate_key,
    duplicate_resource,
    helm_template,
    invalid_document,
    invalid_metadata,
    kustomize_list_replaced,
    not_rendered,
    render_failed,
    unknown_kind,
    unreadable_file,
    yaml_limit,
    yaml_syntax,
    yaml_tag,
)
from meshlint.rules.meta import (
    internal_error,
    unused_suppression,
)
from meshlint.rules.metadata import (
    annotation_alpha,
    annotation_deprecated,
    annotation_invalid_value,
    annotation_misplaced,
    annotation_unknown,
    deprecated_field,
    negative_status_condition,
)
from meshlint.rules.references import (
    authn_selector_no_workload,
    authz_host_unknown,
    authz_principal_unknown,
    authz_selector_no_workload,
    authz_source_namespace_unknown,
    dangling_gateway,
    dangling_host,
    dangling_subset,
    destination_port_not_found,
    destination_rule_host_not_found,
    export_to_unknown_namespace,
    gateway_host_mismatch,
    gateway_internal_reference,
    gateway_legacy_reference,
    gateway_port_not_exposed,
    gateway_secret_invalid,
    gateway_secret_missing,
    gateway_selector_no_workload,
    jwt_claim_route_without_authn,
    route_destination_missing,
    sidecar_ambient_ineffective,
    sidecar_egress_host_unknown,
    sidecar_multiple_defaults,
    sidecar_root_selector,
    sidecar_selector_conflict,
    sidecar_selector_no_workload,
    subset_selects_no_pods,
)
from meshlint.rules.schema import (
    authorization_policy_invalid,
    duplicate_gateway_port_name,
    duplicate_subset_name,
    duplicate_virtual_service_host,
    gateway_server_invalid,
    http_route_action_conflict,
    invalid_delegate,
    invalid_duration,
    invalid_export_to,
    invalid_host,
    invalid_regex,
    jwt_rule_invalid,
    mesh_wildcard_host,
    partial_wildcard_host,
    percentage_out_of_range,
    port_out_of_range,
    schema_constraint,
    schema_duplicate_item,
    schema_enum,
    schema_length,
    schema_pattern,
    schema_range,
    schema_required,
    schema_rule_not_evaluated,
    schema_type,
    schema_unknown_field,
    schema_validation_rule,
    service_entry_invalid,
    virtual_service_without_routes,
    workload_entry_invalid,
)
from meshlint.rules.security import (
    authz_identity_without_mtls,
    authz_invalid_method,
    jwks_fetch_unrestricted,
    mtls_client_without_server,
    mtls_mutual_to_disabled,
    mtls_plaintext_to_strict,
    mtls_settings_overridden,
    mtls_strict_without_client_tls,
    peer_authentication_conflict,
)
from meshlint.rules.telemetry import (
    telemetry_lightstep_provider,
    telemetry_multiple_defaults,
    telemetry_provider_undefined,
    telemetry_selector_conflict,
    telemetry_selector_no_workload,
    trace_sampling_production,
)
from meshlint.rules.traffic import (
    conflicting_gateways,
    conflicting_mesh_hosts,
    destination_port_required,
    duplicate_destination_rule,
    duplicate_gateway_certificate,
    ineffective_match,
    ingress_route_bypasses_subsets,
    port_tls_origination_without_ca,
    repeated_route_destination,
    service_entry_addresses_required,
    service_entry_protocol_conflict,
    subset_without_labels,
    tls_origination_without_ca,
    unreachable_route,
    weight_sum,
)
from meshlint.rules.workloads import (
    application_uid,
    external_name_port_name,
    gateway_api_pod_selector,
    image_auto_not_injected,
    injection_conflicting_labels,
    injection_disabled,
    injection_enabled_by_default,
    injection_missing,
    pod_image_auto,
    pod_missing_proxy,
    proxy_image_mismatch,
    service_app_protocol,
    service_entry_duplicate_port,
    service_port_name,
    service_port_not_on_workload,
    workload_mixed_dataplane,
    workload_port_protocol_conflict,
    workload_target_port_conflict,
)

__all__ = ["RULES", "Rule", "find_rule", "select_rules"]

_MODULES = (
    # ML0xx: reading the input
    yaml_syntax,
    helm_template,
    decode_error,
    duplicate_key,
    yaml_tag,
    yaml_limit,
    unreadable_file,
    invalid_metadata,
    invalid_document,
    unknown_kind,
    duplicate_resource,
    render_failed,
    not_rendered,
    kustomize_list_replaced,
    # ML1xx: references between resources
    dangling_host,
    dangling_subset,
    dangling_gateway,
    gateway_legacy_reference,
    # ML15x-16x: sidecar and security references
    sidecar_selector_no_workload,
    sidecar_egress_host_unknown,
    sidecar_selector_conflict,
    sidecar_multiple_defaults,
    sidecar_ambient_ineffective,
    sidecar_root_selector,
    authz_source_namespace_unknown,
    authz_selector_no_workload,
    authz_host_unknown,
    authz_principal_unknown,
    authn_selector_no_workload,
    # ML2xx: traffic
    weight_sum,
    # ML110-ML149, ML210-ML249: networking references and traffic
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
    telemetry_selector_no_workload,
    telemetry_selector_conflict,
    telemetry_multiple_defaults,
    telemetry_provider_undefined,
    telemetry_lightstep_provider,
    # ML4xx: data plane membership
    injection_missing,
    injection_disabled,
    injection_conflicting_labels,
    # ML5xx: schema validation
    schema_unknown_field,
    schema_type,
    schema_enum,
    schema_required,
    schema_range,
    schema_pattern,
    schema_length,
    schema_constraint,
    schema_validation_rule,
    schema_duplicate_item,
    schema_rule_not_evaluated,
    # ML7xx: security and mTLS
    authz_invalid_method,
    authz_identity_without_mtls,
    jwks_fetch_unrestricted,
    peer_authentication_conflict,
    mtls_strict_without_client_tls,
    mtls_client_without_server,
    mtls_plaintext_to_strict,
    mtls_mutual_to_disabled,
    mtls_settings_overridden,
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
    gateway_server_invalid,
    service_entry_invalid,
    workload_entry_invalid,
    authorization_policy_invalid,
    jwt_rule_invalid,
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


def _matches(rule: Rule, token: str) -> bool:
    token = token.strip()
    upper = token.upper()
    return upper == "ALL" or token == rule.name or rule.code.startswith(upper)


def select_rules(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> tuple[Rule, ...]:
    """Rules chosen by code, code prefix (``ML1``), name or ``ALL``; unknown tokens raise."""
    select, ignore = list(select), list(ignore)
    for token in (*select, *ignore):
        if not any(_matches(rule, token) for rule in RULES):
            raise ValueError(f"unknown rule {token!r} (see `meshlint rules`)")
    chosen = [r for r in RULES if not select or any(_matches(r, t) for t in select)]
    return tuple(r for r in chosen if not any(_matches(r, t) for t in ignore))
