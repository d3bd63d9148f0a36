"""The engine: run the selected rules on each mesh, then decide what is reported."""
