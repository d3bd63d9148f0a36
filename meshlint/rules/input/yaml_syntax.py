"""A file that is not valid YAML cannot be applied at all, and every resource after the
error is invisible to the rest of the analysis. The finding points at the place the parser
stopped; the documents before it are still analysed.

## Bad

```yaml
apiVersion: v1
kind: Service
metadata:
  name: reviews
   namespace: shop
```

## Good

```yaml
apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: shop
```
"""

from meshlint.findings import Severity
from meshlint.rules.base import Rule
from meshlint.rules.input.reading import problems_of

RULE = Rule(
    code="ML001",
    name="yaml-syntax",
    severity=Severity.ERROR,
    summary="A file is not valid YAML.",
)

check = problems_of(RULE)
