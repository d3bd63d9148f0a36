"""Kubernetes reads manifests as UTF-8. A UTF-16 file, a Latin-1 file or a binary file with a
`.yaml` name is reported at the first byte that cannot be decoded and is not analysed.
A UTF-8 byte-order mark is accepted.

## Bad

```yaml
# (a file saved as UTF-16 or Latin-1, or a binary file named .yaml)
```

## Good

```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
```
"""

from meshlint.findings import Severity
from meshlint.rules.base import Rule
from meshlint.rules.input.reading import problems_of

RULE = Rule(
    code="ML003",
    name="decode-error",
    severity=Severity.ERROR,
    examples_run=False,
    summary="A file is not UTF-8 text.",
)

check = problems_of(RULE)
