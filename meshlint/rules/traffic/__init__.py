"""ML2xx: traffic: weights, routes, gateways, DestinationRules, ServiceEntries."""
