"""JSON Schemas of Kubernetes custom resources: the shipped Istio ones, the user's own, the
converter that makes them from CRDs, and the validation that turns schema errors into
precise problems."""
