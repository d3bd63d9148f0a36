"""ML4xx: the data plane: injection, Service ports, pods and workloads."""
