"""ML1xx: references between resources (hosts, subsets, gateways, selectors)."""
