"""Reading: files and standard input to documents with positions, and the caches that skip work."""
