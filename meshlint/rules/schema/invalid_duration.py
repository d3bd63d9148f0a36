"""A duration field holds a value Istio refuses: not a duration at all, under 1ms, or finer
than a millisecond.

Istio reads durations in Go's syntax (`1s`, `1.5s`, `100ms`, `3m`, `1h30m`). The CRDs' CEL
rule refuses anything under 1ms, and the validating webhook also refuses values that are not a
whole number of milliseconds, so `kubectl apply` fails on `3 minutes`, `10` (no unit),
`0s` or `1500us`, one field at a time. Checked everywhere the CRDs declare a duration:
VirtualService timeouts, retries, fault delays and CORS `maxAge` (whole seconds only),
DestinationRule and Sidecar connection pools, outlier detection and warmup,
RequestAuthentication JWKS fetch timeouts and Telemetry reporting intervals. A TCP
`idleTimeout` of `0s` is accepted: it turns the timeout off.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: shop
spec:
  hosts: [reviews]
  http:
  - timeout: 3 minutes
    route:
    - destination: {host: reviews}
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: shop
spec:
  hosts: [reviews]
  http:
  - timeout: 3m
    retries: {attempts: 3, perTryTimeout: 0.5s}
    route:
    - destination: {host: reviews}
```

## Fix

A duration written in a unit or spelling Istio does not read, with one reading that it does,
is rewritten in Go's syntax: `3min` and `3 minutes` become `180s`, `1.5 S` becomes `1.5s`
(safe: the same length of time). A bare number (`10`) becomes seconds (`10s`): unsafe, as the
unit is a guess. Values under 1ms or finer than Istio reads are not fixed: rounding them
changes the timeout.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from meshlint.facts.fieldwalk import FieldSet
from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, FixSafety, Severity
from meshlint.input.resources import K, Kind
from meshlint.istio.durations import (
    NS_PER_MS,
    DurationError,
    format_ms,
    parse_duration,
    suggest_duration,
)
from meshlint.rules.base import Edit, Rule, fix_for, report

RULE = Rule(
    code="ML520",
    name="invalid-duration",
    severity=Severity.ERROR,
    summary="A duration Istio refuses: unreadable, under 1ms, or not whole milliseconds.",
    kinds=("VirtualService", "DestinationRule", "Sidecar", "RequestAuthentication", "Telemetry"),
    refs=("IST0106",),
    fix=FixSafety.MIXED,
)

AT_LEAST_MS = 1  # the CRD's CEL rule: duration(self) >= duration('1ms')
WHOLE_MS = 2  # the webhook: only durations to millisecond precision
ZERO_OFF = 4  # 0s is accepted and switches the feature off
WHOLE_S = 8  # CORS maxAge: seconds precision
_MS = AT_LEAST_MS | WHOLE_MS

_POOL = {
    "http.idleTimeout": _MS,
    "http.http2KeepAlive.interval": AT_LEAST_MS,
    "http.http2KeepAlive.timeout": AT_LEAST_MS,
    "tcp.connectTimeout": _MS,
    "tcp.maxConnectionDuration": _MS,
    "tcp.idleTimeout": WHOLE_MS | ZERO_OFF,
    "tcp.tcpKeepalive.time": _MS,
    "tcp.tcpKeepalive.interval": _MS,
}
_POLICY = {
    **{f"connectionPool.{field}": flags for field, flags in _POOL.items()},
    "outlierDetection.baseEjectionTime": _MS,
    "outlierDetection.interval": _MS,
    "loadBalancer.warmup.duration": _MS,
    "loadBalancer.warmupDurationSecs": AT_LEAST_MS,
}


def _under(prefixes: tuple[str, ...], fields: dict[str, int]) -> dict[str, int]:
    return {f"{prefix}.{field}": flags for prefix in prefixes for field, flags in fields.items()}


FIELDS: dict[Kind, dict[str, int]] = {
    K.VIRTUAL_SERVICE: {
        "spec.http[].timeout": _MS,
        "spec.http[].retries.perTryTimeout": _MS,
        "spec.http[].retries.backoff": _MS,
        "spec.http[].fault.delay.fixedDelay": _MS,
        "spec.http[].fault.delay.exponentialDelay": _MS,
        "spec.http[].corsPolicy.maxAge": _MS | WHOLE_S,
    },
    K.DESTINATION_RULE: _under(
        (
            "spec.trafficPolicy",
            "spec.trafficPolicy.portLevelSettings[]",
            "spec.subsets[].trafficPolicy",
            "spec.subsets[].trafficPolicy.portLevelSettings[]",
        ),
        _POLICY,
    ),
    K.SIDECAR: _under(("spec.inboundConnectionPool", "spec.ingress[].connectionPool"), _POOL),
    K.REQUEST_AUTHENTICATION: {"spec.jwtRules[].timeout": _MS},
    K.TELEMETRY: {"spec.metrics[].reportingInterval": AT_LEAST_MS},
}


@lru_cache(maxsize=4096)
def duration_problem(text: str, flags: int) -> str | None:
    """What is wrong with ``text`` for a field with ``flags``, fix included, or None."""
    try:
        nanoseconds = parse_duration(text)
    except DurationError as error:
        hint = suggest_duration(text)
        if hint and duration_problem(hint.split()[0], flags):
            hint = None  # the near miss would still be refused (e.g. "0.5 ms")
        fix = f"use {hint}" if hint else "write it like 500ms, 1.5s, 3m or 1h"
        return f"{text!r} is not a duration Istio can read ({error}); {fix}"
    if nanoseconds == 0 and flags & ZERO_OFF:
        return None
    if nanoseconds < NS_PER_MS and (flags & (AT_LEAST_MS | WHOLE_MS)):
        return (
            f"{text!r} is less than 1ms, and Istio requires at least 1ms; use 1ms or more, "
            "or remove the field to keep the default"
        )
    if flags & WHOLE_S and nanoseconds % 1_000_000_000:
        seconds = max(1, (nanoseconds + 500_000_000) // 1_000_000_000)
        return (
            f"{text!r} is not whole seconds, and maxAge is only accurate to seconds; use {seconds}s"
        )
    if flags & WHOLE_MS and nanoseconds % NS_PER_MS:
        milliseconds = max(1, (nanoseconds + NS_PER_MS // 2) // NS_PER_MS)
        return (
            f"{text!r} is not a whole number of milliseconds, and Istio only supports "
            f"millisecond precision; use {format_ms(milliseconds)}"
        )
    return None


_COMPILED = {kind: FieldSet(fields) for kind, fields in FIELDS.items()}


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for kind, fields in _COMPILED.items():
        for resource in mesh.of_type(kind):
            for flags, path, value in fields.find(resource.body):
                if not isinstance(value, str):
                    continue  # a number or a map here is the schema rules' business
                problem = duration_problem(value, flags)
                if problem:
                    repair = None
                    found = duration_fix(value, flags)
                    if found is not None:
                        new, safe = found
                        edit = Edit("set", path, new)
                        repair = fix_for(resource, f"write {new}", edit, safe=safe)
                    yield report(RULE, resource, path, f"{path[-1]} {problem}", fix=repair)


@lru_cache(maxsize=4096)
def duration_fix(text: str, flags: int) -> tuple[str, bool] | None:
    """``(duration, safe)``: the one reading of an unreadable ``text`` that Istio accepts;
    a bare number read as seconds is not safe."""
    try:
        parse_duration(text)
        return None  # readable: a value out of range is not rewritten
    except DurationError:
        pass
    hint = suggest_duration(text)
    if not hint:
        return None
    new = hint.split()[0]
    if duration_problem(new, flags):
        return None
    bare = re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", text.strip()) is not None
    return new, not bare
