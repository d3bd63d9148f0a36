"""The facts layer: the mesh and every fact derived from it, each answered once per run."""
