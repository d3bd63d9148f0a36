"""The cluster's own admission policies, offline: ValidatingAdmissionPolicies and their
bindings found among the analysed files, evaluated against the other manifests as the API
server would evaluate them on a create.

- ``policies.py``: the policies and bindings as typed records, their expressions compiled
  once per process in the CEL engine's ``admission`` environment;
- ``matching.py``: which requests a policy and a binding match (resource rules, namespace and
  object selectors, exclusions, match policy), with the kinds' resource names from
  ``meshlint/data/resources.json`` (``scripts/gen_resources.py``);
- ``evaluate.py``: params, match conditions, variables, validations, messages and the
  failure policy, giving typed outcomes (``Violation``, ``NotEvaluated``) that the rules
  of ``rules/security/admission_*`` report.
"""

from meshlint.schemas.admission.evaluate import (
    NotEvaluated,
    Violation,
    admission_outcomes,
)
from meshlint.schemas.admission.policies import (
    Binding,
    Policy,
    admission_bindings,
    admission_policies,
    unbound,
)

__all__ = [
    "Binding",
    "NotEvaluated",
    "Policy",
    "Violation",
    "admission_bindings",
    "admission_outcomes",
    "admission_policies",
    "unbound",
]
