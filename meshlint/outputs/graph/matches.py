"""Short texts for a route's match conditions and action, as the graph labels them:
``uri prefix /api and headers end-user exact jason``, ``redirect to https://x/y``."""

from __future__ import annotations

from meshlint.facts.routes import RouteRule

__all__ = ["describe_action", "describe_match"]

_STRING_MATCH = ("exact", "prefix", "regex")


def _string_match(value: object) -> str:
    if isinstance(value, dict):
        for operator in _STRING_MATCH:
            if operator in value:
                return f"{operator} {value[operator]}"
        return "present" if not value else _scalar(value)
    return _scalar(value)


def _scalar(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(_scalar(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_scalar(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def describe_match(match: dict) -> str:
    """One match condition (its fields are ANDed); ``any request`` when it sets nothing."""
    parts = []
    for key, value in match.items():
        if key == "name":
            continue
        if key in ("uri", "scheme", "method", "authority"):
            parts.append(f"{key} {_string_match(value)}")
        elif key in ("headers", "queryParams", "withoutHeaders") and isinstance(value, dict):
            parts += [f"{key[:-1]} {name} {_string_match(v)}" for name, v in value.items()]
        else:
            parts.append(f"{key} {_scalar(value)}")
    return " and ".join(parts) or "any request"


def describe_action(rule: RouteRule) -> str:
    """What the rule does with the requests it matches."""
    body = rule.body
    if rule.section == "http":
        redirect = body.get("redirect")
        if isinstance(redirect, dict):
            target = f"{redirect.get('authority', '')}{redirect.get('uri', '')}"
            code = redirect.get("redirectCode")
            return f"redirect to {target or 'the same URL'}" + (f" ({code})" if code else "")
        response = body.get("directResponse")
        if isinstance(response, dict):
            return f"direct response {response.get('status')}"
        delegate = body.get("delegate")
        if isinstance(delegate, dict):
            namespace = delegate.get("namespace")
            where = f"{namespace}/" if isinstance(namespace, str) else ""
            return f"delegate to {where}{delegate.get('name')}"
    return "route" if rule.route_list else "none"
