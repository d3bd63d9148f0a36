"""The one memo mechanism of the facts layer: ``@fact``.

A fact is a function of a mesh (and hashable arguments: resources, names, flags) whose
answer does not change during a run. Decorated with ``@fact`` it is computed the first time
any rule asks and kept in the mesh it was asked about, so every rule gets the same answer at
the cost of one computation (Istio's analyzers share ``analyzers/util``; ruff's rules share
one ``SemanticModel``). Resources and workloads hash by identity, so they key facts as they
are. Callers must not change what a fact returns: lists and sets are shared.

Other caches have their own, narrower places: the ``Mesh``'s indexes of its resources are
built with it (``facts/graph.py``), and pure functions of text that do not depend on a mesh
(parsing a duration, compiling a regex, reading a shipped schema) keep a process-wide
``functools.lru_cache`` next to their definition.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

if TYPE_CHECKING:
    from meshlint.facts.graph import Mesh

__all__ = ["fact"]

_MISSING = object()
P = ParamSpec("P")
T = TypeVar("T")


def fact(function: Callable[Concatenate[Mesh, P], T]) -> Callable[Concatenate[Mesh, P], T]:
    """Compute ``function(mesh, *args)`` once per mesh and arguments."""

    @wraps(function)
    def ask(mesh: Mesh, *args: P.args, **kwargs: P.kwargs) -> T:
        answers = mesh.facts.get(function)
        if answers is None:
            answers = mesh.facts[function] = {}
        key = (*args, *sorted(kwargs.items())) if kwargs else args
        answer = answers.get(key, _MISSING)
        if answer is _MISSING:
            answer = answers[key] = function(mesh, *args, **kwargs)
        return answer

    return ask
