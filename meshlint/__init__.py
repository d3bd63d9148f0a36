"""meshlint: a linter and policy checker for Istio service-mesh configuration."""

__version__ = "0.1.0"
