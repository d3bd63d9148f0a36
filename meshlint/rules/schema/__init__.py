"""ML5xx: schema validation and the structural checks of Istio's validating webhook."""
