"""Parse many new files on several cores. Sending parsed documents back from a worker costs
about as much as parsing them, so it pays only from three cores up and for large cold runs;
on two cores (measured: no gain) meshlint parses in one process. Running the rules in forked
processes did not pay either: reference counting copies the shared heap page by page."""

from __future__ import annotations

import gc
import os
from pathlib import Path

from meshlint.cache import ParseCache
from meshlint.loader import SourceFile, load_text, read_file
from meshlint.yamlpos import Limits

__all__ = ["MIN_FILES_PER_JOB", "default_jobs", "load_many"]

MIN_FILES_PER_JOB = 200
MIN_PARSE_JOBS = 3


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _load_chunk(
    args: tuple[list[str], Limits, str | None],
) -> list[tuple[SourceFile, str | None]]:
    """Parse files in a worker; with a cache, also the key of the bytes actually parsed (a
    file may change between the lead's read and this one)."""
    paths, limits, cache_dir = args
    gc.disable()  # a short-lived worker building many small objects
    cache = ParseCache(Path(cache_dir), limits) if cache_dir else None
    results = []
    for path in paths:
        data = read_file(path, limits)
        if isinstance(data, SourceFile):
            results.append((data, None))
        else:
            key = cache.key(data) if cache is not None else None
            results.append((load_text(path, data, limits), key))
    return results


def load_many(
    paths: list[str], limits: Limits, cache: ParseCache | None, jobs: int
) -> list[tuple[SourceFile, str | None]] | None:
    """Parse ``paths`` with ``jobs`` workers; None when that would not pay off."""
    if jobs < MIN_PARSE_JOBS or len(paths) < 2 * MIN_FILES_PER_JOB or "-" in paths:
        return None
    try:
        import multiprocessing  # imported here: most runs never start workers
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform
        return None
    chunks = min(jobs * 4, len(paths) // (MIN_FILES_PER_JOB // 4) or 1)
    size = -(-len(paths) // chunks)
    work = [
        (paths[i : i + size], limits, str(cache.root.parent) if cache else None)
        for i in range(0, len(paths), size)
    ]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        return [source for chunk in pool.map(_load_chunk, work) for source in chunk]
