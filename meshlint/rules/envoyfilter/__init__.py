"""ML8xx: EnvoyFilters, injector webhooks and the control plane's own resources."""
