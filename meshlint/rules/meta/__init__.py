"""ML9xx: meshlint about itself: internal errors and unused suppressions."""
