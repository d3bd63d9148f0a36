"""A rule raised an exception on a resource: a bug in meshlint, not in the manifests.

The run goes on without that rule's result for that resource, the failure is reported here
with the rule and resource named, and meshlint exits with status 2 so CI notices. Run with
`--debug` to see the traceback, and please report it with the manifest that triggers it.

## Bad

```yaml
# (no manifest causes this on purpose: it marks a meshlint bug)
```

## Good

```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {istio-injection: enabled}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule

RULE = Rule(
    code="ML900",
    name="internal-error",
    severity=Severity.ERROR,
    summary="A rule failed with an exception (a meshlint bug); reported by the engine.",
    examples_run=False,
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    """Nothing to look for: the engine reports these when another rule raises."""
    return iter(())
