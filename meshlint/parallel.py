"""Work on several cores.

- Rules: ``run_split`` runs every other rule in a forked process, which shares the parsed
  mesh copy-on-write and sends back only findings. Reference counting still copies the pages
  it touches, but since parsing got fast the rules are the larger part of a run, and on two
  cores the split saves about 40% of their time.
- Parsing: sending parsed documents back from a worker costs more than parsing them with the
  fast path, so files are parsed in workers only from three cores up, for large cold runs."""

from __future__ import annotations

import gc
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from meshlint.cache import ParseCache
from meshlint.loader import SourceFile, load_text, read_file
from meshlint.yamlpos import Limits

__all__ = ["MIN_FILES_PER_JOB", "default_jobs", "load_many", "run_split"]

T = TypeVar("T")

MIN_FILES_PER_JOB = 200
MIN_PARSE_JOBS = 3


def run_split(task: Callable[[int], T], count: int) -> list[T]:
    """``[task(i) for i in range(count)]``, the odd ``i`` in a forked child. Results come back
    pickled through a pipe, in order. If the child fails for any reason, this process runs
    its share too: splitting may save time, never results."""
    if count < 2 or not hasattr(os, "fork"):
        return [task(i) for i in range(count)]
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run its share, send it, leave without any exit handlers
        try:
            os.close(read_end)
            payload = pickle.dumps([task(i) for i in range(1, count, 2)], pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
        finally:
            os._exit(0)
    os.close(write_end)
    mine = [task(i) for i in range(0, count, 2)]
    with os.fdopen(read_end, "rb") as pipe:
        received = pipe.read()
    os.waitpid(pid, 0)
    try:
        theirs = pickle.loads(received)
        if not isinstance(theirs, list) or len(theirs) != count // 2:
            raise ValueError("incomplete")
    except Exception:  # the child died or was killed: do its share here
        theirs = [task(i) for i in range(1, count, 2)]
    results = []
    for index in range(count):
        results.append(mine[index // 2] if index % 2 == 0 else theirs[index // 2])
    return results


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
