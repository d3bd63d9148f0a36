"""ML3xx: observability and cost: trace sampling, Telemetry resources."""
