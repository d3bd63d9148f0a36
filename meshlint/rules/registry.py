"""The rule registry: one table from each code to its rule module and lifecycle group,
the only place a rule is registered (ruff's ``codes.rs``).

To add a rule:

1. write its module in the folder of its code range (``FAMILIES``): a docstring that says why
   the rule matters, with ``## Bad`` and ``## Good`` YAML examples; ``RULE`` (code, name,
   severity, summary, the kinds without which it finds nothing, refs, options); and
   ``check(mesh, options)``, which yields findings;
2. add one line to ``CODES`` below, in code order; a new rule usually starts as ``PREVIEW``
   (it then runs only when selected by its code or name, or with ``--preview``) and becomes
   ``STABLE`` once it has proved itself on real trees;
3. add its golden cases in ``tests/golden/<name>.yaml`` and regenerate the docs
   (``python -m meshlint.outputs.rule_docs``).

The policies of the pack shipped with meshlint (the repository's top-level ``rules/``, one
YAML file each, codes MP...) join the table's rules in ``RULES``; see
``meshlint.rules.policies``. A team's own policies are loaded for a run and passed as
``rules`` to the lookups below.

A rule is retired by marking it ``DEPRECATED`` for a release (it still runs, ``meshlint
rules`` marks it, and selecting it by code or name warns) before its line and module are
removed. ``tests/test_registry.py`` checks the table against the rule folders.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from meshlint.rules.base import Group, Rule, from_module
from meshlint.rules.policies import pack_rules

__all__ = [
    "CODES",
    "DEFAULT_RULES",
    "FAMILIES",
    "RULES",
    "Group",
    "deprecation_warnings",
    "enabled_rules",
    "find_rule",
    "select_rules",
]

PREVIEW, STABLE, DEPRECATED = Group.PREVIEW, Group.STABLE, Group.DEPRECATED

# The folder of ``meshlint/rules`` that holds each code range.
FAMILIES = {
    "ML0": "input",
    "ML1": "references",
    "ML2": "traffic",
    "ML3": "telemetry",
    "ML4": "workloads",
    "ML5": "schema",
    "ML6": "metadata",
    "ML7": "security",
    "ML8": "envoyfilter",
    "ML9": "meta",
}

# code -> (group, module below ``meshlint.rules``), in code order.
CODES: dict[str, tuple[Group, str]] = {
    # ML0xx, rules/input/: reading the files
    "ML001": (STABLE, "input.yaml_syntax"),
    "ML002": (STABLE, "input.helm_template"),
    "ML003": (STABLE, "input.decode_error"),
    "ML004": (STABLE, "input.duplicate_key"),
    "ML005": (STABLE, "input.yaml_tag"),
    "ML006": (STABLE, "input.yaml_limit"),
    "ML007": (STABLE, "input.unreadable_file"),
    "ML008": (STABLE, "input.invalid_metadata"),
    "ML009": (STABLE, "input.invalid_document"),
    "ML010": (STABLE, "input.unknown_kind"),
    "ML011": (STABLE, "input.duplicate_resource"),
    "ML012": (STABLE, "input.render_failed"),
    "ML013": (STABLE, "input.not_rendered"),
    "ML014": (STABLE, "input.kustomize_list_replaced"),
    # ML1xx, rules/references/: references between resources
    "ML101": (STABLE, "references.dangling_host"),
    "ML102": (STABLE, "references.dangling_subset"),
    "ML103": (STABLE, "references.dangling_gateway"),
    "ML104": (STABLE, "references.gateway_legacy_reference"),
    "ML110": (STABLE, "references.destination_port_not_found"),
    "ML111": (STABLE, "references.gateway_host_mismatch"),
    "ML112": (STABLE, "references.gateway_internal_reference"),
    "ML113": (STABLE, "references.gateway_selector_no_workload"),
    "ML114": (STABLE, "references.gateway_port_not_exposed"),
    "ML115": (STABLE, "references.gateway_secret_missing"),
    "ML116": (STABLE, "references.gateway_secret_invalid"),
    "ML117": (STABLE, "references.destination_rule_host_not_found"),
    "ML118": (STABLE, "references.subset_selects_no_pods"),
    "ML119": (STABLE, "references.jwt_claim_route_without_authn"),
    "ML120": (STABLE, "references.export_to_unknown_namespace"),
    "ML121": (STABLE, "references.route_destination_missing"),
    "ML150": (STABLE, "references.sidecar_selector_no_workload"),
    "ML151": (STABLE, "references.sidecar_egress_host_unknown"),
    "ML152": (STABLE, "references.sidecar_selector_conflict"),
    "ML153": (STABLE, "references.sidecar_multiple_defaults"),
    "ML154": (STABLE, "references.sidecar_ambient_ineffective"),
    "ML155": (STABLE, "references.sidecar_root_selector"),
    "ML160": (STABLE, "references.authz_source_namespace_unknown"),
    "ML161": (STABLE, "references.authz_selector_no_workload"),
    "ML162": (STABLE, "references.authz_host_unknown"),
    "ML163": (STABLE, "references.authz_principal_unknown"),
    "ML164": (STABLE, "references.authn_selector_no_workload"),
    # ML2xx, rules/traffic/: traffic routing
    "ML201": (STABLE, "traffic.weight_sum"),
    "ML210": (STABLE, "traffic.destination_port_required"),
    "ML211": (STABLE, "traffic.ingress_route_bypasses_subsets"),
    "ML212": (STABLE, "traffic.conflicting_mesh_hosts"),
    "ML213": (STABLE, "traffic.unreachable_route"),
    "ML214": (STABLE, "traffic.ineffective_match"),
    "ML215": (STABLE, "traffic.conflicting_gateways"),
    "ML216": (STABLE, "traffic.duplicate_gateway_certificate"),
    "ML217": (STABLE, "traffic.tls_origination_without_ca"),
    "ML218": (STABLE, "traffic.port_tls_origination_without_ca"),
    "ML219": (STABLE, "traffic.service_entry_addresses_required"),
    "ML220": (STABLE, "traffic.service_entry_protocol_conflict"),
    "ML221": (STABLE, "traffic.duplicate_destination_rule"),
    "ML222": (STABLE, "traffic.subset_without_labels"),
    "ML223": (STABLE, "traffic.repeated_route_destination"),
    # ML3xx, rules/telemetry/: telemetry and tracing
    "ML301": (STABLE, "telemetry.trace_sampling_production"),
    "ML310": (STABLE, "telemetry.telemetry_selector_no_workload"),
    "ML311": (STABLE, "telemetry.telemetry_selector_conflict"),
    "ML312": (STABLE, "telemetry.telemetry_multiple_defaults"),
    "ML313": (STABLE, "telemetry.telemetry_provider_undefined"),
    "ML314": (STABLE, "telemetry.telemetry_lightstep_provider"),
    # ML4xx, rules/workloads/: workloads and the data plane
    "ML401": (STABLE, "workloads.injection_missing"),
    "ML402": (STABLE, "workloads.injection_disabled"),
    "ML403": (STABLE, "workloads.injection_conflicting_labels"),
    "ML410": (STABLE, "workloads.service_port_name"),
    "ML411": (STABLE, "workloads.service_app_protocol"),
    "ML412": (STABLE, "workloads.external_name_port_name"),
    "ML413": (STABLE, "workloads.service_port_not_on_workload"),
    "ML414": (STABLE, "workloads.workload_port_protocol_conflict"),
    "ML415": (STABLE, "workloads.workload_target_port_conflict"),
    "ML416": (STABLE, "workloads.application_uid"),
    "ML417": (STABLE, "workloads.pod_missing_proxy"),
    "ML418": (STABLE, "workloads.injection_enabled_by_default"),
    "ML419": (STABLE, "workloads.image_auto_not_injected"),
    "ML420": (STABLE, "workloads.pod_image_auto"),
    "ML421": (STABLE, "workloads.proxy_image_mismatch"),
    "ML422": (STABLE, "workloads.workload_mixed_dataplane"),
    "ML423": (STABLE, "workloads.service_entry_duplicate_port"),
    "ML425": (STABLE, "workloads.gateway_api_pod_selector"),
    # ML5xx, rules/schema/: schemas and the validating webhook's structural checks
    "ML501": (STABLE, "schema.schema_unknown_field"),
    "ML502": (STABLE, "schema.schema_type"),
    "ML503": (STABLE, "schema.schema_enum"),
    "ML504": (STABLE, "schema.schema_required"),
    "ML505": (STABLE, "schema.schema_range"),
    "ML506": (STABLE, "schema.schema_pattern"),
    "ML507": (STABLE, "schema.schema_length"),
    "ML508": (STABLE, "schema.schema_constraint"),
    "ML509": (STABLE, "schema.schema_validation_rule"),
    "ML510": (STABLE, "schema.schema_duplicate_item"),
    "ML511": (STABLE, "schema.schema_rule_not_evaluated"),
    "ML520": (STABLE, "schema.invalid_duration"),
    "ML521": (STABLE, "schema.port_out_of_range"),
    "ML522": (STABLE, "schema.duplicate_subset_name"),
    "ML523": (STABLE, "schema.duplicate_virtual_service_host"),
    "ML524": (STABLE, "schema.mesh_wildcard_host"),
    "ML525": (STABLE, "schema.virtual_service_without_routes"),
    "ML526": (STABLE, "schema.http_route_action_conflict"),
    "ML527": (STABLE, "schema.invalid_delegate"),
    "ML528": (STABLE, "schema.invalid_export_to"),
    "ML529": (STABLE, "schema.duplicate_gateway_port_name"),
    "ML530": (STABLE, "schema.invalid_host"),
    "ML531": (STABLE, "schema.partial_wildcard_host"),
    "ML532": (STABLE, "schema.invalid_regex"),
    "ML533": (STABLE, "schema.percentage_out_of_range"),
    "ML534": (STABLE, "schema.gateway_server_invalid"),
    "ML535": (STABLE, "schema.service_entry_invalid"),
    "ML536": (STABLE, "schema.workload_entry_invalid"),
    "ML537": (STABLE, "schema.authorization_policy_invalid"),
    "ML538": (STABLE, "schema.jwt_rule_invalid"),
    # ML6xx, rules/metadata/: annotations, deprecated fields, status
    "ML601": (STABLE, "metadata.annotation_misplaced"),
    "ML602": (STABLE, "metadata.annotation_unknown"),
    "ML603": (STABLE, "metadata.annotation_invalid_value"),
    "ML604": (STABLE, "metadata.annotation_deprecated"),
    "ML605": (STABLE, "metadata.annotation_alpha"),
    "ML606": (STABLE, "metadata.deprecated_field"),
    "ML607": (STABLE, "metadata.negative_status_condition"),
    # ML7xx, rules/security/: authorization, authentication and mTLS
    "ML701": (STABLE, "security.authz_invalid_method"),
    "ML702": (STABLE, "security.authz_identity_without_mtls"),
    "ML703": (STABLE, "security.jwks_fetch_unrestricted"),
    "ML704": (STABLE, "security.peer_authentication_conflict"),
    "ML710": (STABLE, "security.mtls_strict_without_client_tls"),
    "ML711": (STABLE, "security.mtls_client_without_server"),
    "ML712": (STABLE, "security.mtls_plaintext_to_strict"),
    "ML713": (STABLE, "security.mtls_mutual_to_disabled"),
    "ML714": (STABLE, "security.mtls_settings_overridden"),
    "ML720": (STABLE, "security.admission_policy_denied"),
    "ML721": (STABLE, "security.admission_policy_not_evaluated"),
    "ML722": (STABLE, "security.admission_policy_unbound"),
    # ML8xx, rules/envoyfilter/: EnvoyFilter, webhooks and the control plane
    "ML801": (STABLE, "envoyfilter.envoyfilter_relative_operation"),
    "ML802": (STABLE, "envoyfilter.envoyfilter_replace_unsupported"),
    "ML803": (STABLE, "envoyfilter.envoyfilter_route_add"),
    "ML804": (STABLE, "envoyfilter.envoyfilter_route_remove"),
    "ML805": (STABLE, "envoyfilter.envoyfilter_proxy_version_relative"),
    "ML806": (STABLE, "envoyfilter.injector_webhook_overlap"),
    "ML807": (STABLE, "envoyfilter.external_control_plane_url"),
    "ML808": (STABLE, "envoyfilter.external_control_plane_ip"),
    "ML809": (STABLE, "envoyfilter.gateway_api_crd_version"),
    # ML9xx, rules/meta/: meshlint itself
    "ML900": (STABLE, "meta.internal_error"),
    "ML901": (STABLE, "meta.unused_suppression"),
}


def _load(code: str, group: Group, module: str) -> Rule:
    rule = from_module(importlib.import_module(f"meshlint.rules.{module}"), group)
    if rule.code != code:
        raise ImportError(f"CODES lists {module} as {code}, but its RULE says {rule.code}")
    return rule


# Every registered rule, whatever its group, in code order: the table's, then the pack's.
RULES: tuple[Rule, ...] = (
    *(_load(code, *entry) for code, entry in CODES.items()),
    *pack_rules(),
)
_BY_KEY = {key: rule for rule in RULES for key in (rule.code, rule.name)}


def find_rule(name_or_code: str, rules: Iterable[Rule] | None = None) -> Rule | None:
    """The rule of this code or name, among ``rules`` (default: the registered ones)."""
    if rules is None:
        return _BY_KEY.get(name_or_code) or _BY_KEY.get(name_or_code.upper())
    upper = name_or_code.upper()
    return next((r for r in rules if name_or_code == r.name or upper == r.code), None)


def _matches(rule: Rule, token: str) -> bool:
    token = token.strip()
    upper = token.upper()
    return upper == "ALL" or token == rule.name or rule.code.startswith(upper)


def _names(rule: Rule, token: str) -> bool:
    """Is ``token`` the rule's full code or its name (not a prefix, not ``ALL``)?"""
    token = token.strip()
    return token == rule.name or token.upper() == rule.code


def _asks_for(rule: Rule, token: str) -> bool:
    """Does ``token`` name the rule by its code, a prefix of its code or its name (``ALL``
    does not ask for a rule that is off by default)?"""
    token = token.strip()
    upper = token.upper()
    return token == rule.name or (upper != "ALL" and rule.code.startswith(upper))


def select_rules(
    select: Iterable[str] = (), ignore: Iterable[str] = (), rules: Iterable[Rule] | None = None
) -> tuple[Rule, ...]:
    """The rules ``select`` names (all when empty) and ``ignore`` does not, by code, code
    prefix (``ML1``), name or ``ALL``, whatever their group: what a severity or a per-file
    ignore applies to. Unknown tokens raise ``ValueError``."""
    select, ignore = list(select), list(ignore)
    rules = RULES if rules is None else tuple(rules)
    for token in (*select, *ignore):
        if not any(_matches(rule, token) for rule in rules):
            raise ValueError(f"unknown rule {token!r} (see `meshlint rules`)")
    chosen = [r for r in rules if not select or any(_matches(r, t) for t in select)]
    return tuple(r for r in chosen if not any(_matches(r, t) for t in ignore))


def enabled_rules(
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    preview: bool = False,
    rules: Iterable[Rule] | None = None,
) -> tuple[Rule, ...]:
    """The rules a run checks: ``select_rules``, less the preview rules, unless ``preview``
    is on or ``select`` names the rule by its full code or name (a prefix or ``ALL`` does
    not enable a preview rule), and less the rules off by default, unless ``select`` names
    one by its code, a prefix of its code or its name (``select: [ALL, MP004]`` adds one)."""
    select = list(select)
    return tuple(
        rule
        for rule in select_rules(select, ignore, rules)
        if (rule.group is not PREVIEW or preview or any(_names(rule, t) for t in select))
        and (rule.enabled_by_default or any(_asks_for(rule, t) for t in select))
    )


def deprecation_warnings(select: Iterable[str], rules: Iterable[Rule] | None = None) -> list[str]:
    """A warning for each deprecated rule that ``select`` names by its full code or name."""
    select = list(select)
    return [
        f"rule {rule.code} ({rule.name}) is deprecated and will be removed in a future "
        "release; stop selecting it"
        for rule in (RULES if rules is None else rules)
        if rule.group is DEPRECATED and any(_names(rule, t) for t in select)
    ]


# What runs when nothing is selected: every rule but the preview ones and those off by
# default.
DEFAULT_RULES: tuple[Rule, ...] = enabled_rules()
