"""ML0xx: reading the input (YAML, documents, kinds, duplicates, renders)."""
