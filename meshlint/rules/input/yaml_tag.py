"""Tags such as `!Ref` or `!!python/object` belong to other tools. meshlint never constructs
tagged values (that would run code); it reads the plain value and reports the tag, since the
API server would reject or misread it.

## Bad

```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  region: !Ref Region
```

## Good

```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  region: eu-west-1
```
"""

from meshlint.findings import Severity
from meshlint.rules.base import Rule
from meshlint.rules.input.reading import problems_of

RULE = Rule(
    code="ML005",
    name="yaml-tag",
    severity=Severity.WARNING,
    summary="A value carries a YAML tag that is not a Kubernetes type.",
)

check = problems_of(RULE)
