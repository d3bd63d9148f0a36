"""YAML forbids duplicate keys, but kubectl silently keeps the last one, so half of what
the author wrote is dropped without a word. The finding points at the second key.

## Bad

```yaml
apiVersion: v1
kind: Service
metadata:
  name: reviews
  name: ratings
```

## Good

```yaml
apiVersion: v1
kind: Service
metadata:
  name: reviews
```
"""

from meshlint.findings import Severity
from meshlint.rules.base import Rule
from meshlint.rules.input import problems_of

RULE = Rule(
    code="ML004",
    name="duplicate-key",
    severity=Severity.ERROR,
    summary="A mapping has the same key twice.",
)

check = problems_of(RULE)
