"""ML6xx: annotations, labels, deprecated fields and status conditions."""
