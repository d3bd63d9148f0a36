"""YAML forbids duplicate keys, but kubectl silently keeps the last one, so half of what
the author wrote is dropped without a word. The finding points at the second key.

Two manifests joined without a `---` line between them (`cat a.yaml b.yaml`) read as one
mapping that repeats `apiVersion`, `kind` and more: that is one finding, where the second
manifest starts, saying that the separator is probably missing.

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
from meshlint.rules.input.reading import problems_of

RULE = Rule(
    code="ML004",
    name="duplicate-key",
    severity=Severity.ERROR,
    summary="A mapping has the same key twice.",
)

check = problems_of(RULE)
