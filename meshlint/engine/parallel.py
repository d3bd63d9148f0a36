"""Work on several cores (``--jobs``): ``run_split`` shares a queue of tasks between this
process and forked children, which see everything built so far copy-on-write and send back
only their results. The rules are split this way (findings are small to send back); on two
cores that saves about a third of their time, although reference counting copies the shared
pages a child touches. Parsing is not split: pickling a child's documents back costs what
parsing them in parallel saves."""

from __future__ import annotations

import os
import pickle
import struct
from collections.abc import Callable
from typing import TypeVar

__all__ = ["default_jobs", "run_split"]

T = TypeVar("T")


# Tasks are handed out through a pipe, one 4-byte token at a time, so a process that drew
# cheap tasks simply draws more. All tokens are written at once, before any process reads, in
# one write no longer than PIPE_BUF (atomic); many tasks share a token.
_TOKEN = struct.Struct("<I")
_MAX_TOKENS = 1024


def run_split(task: Callable[[int], T], count: int, processes: int = 2) -> list[T]:
    """``[task(i) for i in range(count)]``, shared between this process and ``processes - 1``
    forked children, each drawing the next tasks from a common queue when it is free.
    Children send their results back pickled through a pipe; the order is kept. Tasks a child
    did not send back (it died, or was killed) are done here: splitting may save time, never
    results."""
    processes = max(1, min(processes, count))
    if processes == 1 or not hasattr(os, "fork"):
        return [task(i) for i in range(count)]
    size = -(-count // _MAX_TOKENS)
    queue, feed = os.pipe()
    os.write(feed, b"".join(_TOKEN.pack(start) for start in range(0, count, size)))
    os.close(feed)  # the queue ends (reads return nothing) once every token is drawn

    def drain() -> dict[int, T]:
        done: dict[int, T] = {}
        while token := os.read(queue, _TOKEN.size):
            (start,) = _TOKEN.unpack(token)
            for index in range(start, min(start + size, count)):
                done[index] = task(index)
        return done

    children = []
    for _ in range(1, processes):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # a child: draw tasks, send the results, leave without exit handlers
            try:
                os.close(read_end)
                payload = pickle.dumps(drain(), pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(payload)
            finally:
                os._exit(0)
        os.close(write_end)
        children.append((pid, read_end))
    results = drain()
    os.close(queue)
    for pid, read_end in children:
        with os.fdopen(read_end, "rb") as pipe:
            received = pipe.read()
        os.waitpid(pid, 0)
        try:
            theirs = pickle.loads(received)
        except Exception:  # nothing, or not all, came back: its tasks are redone below
            continue
        if isinstance(theirs, dict):
            results.update(theirs)
    return [results[i] if i in results else task(i) for i in range(count)]


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
