"""kustomize: find the kustomizations among a run's files, decide which to render, render them
offline and say where each rendered document came from.

A kustomization is read here only to learn which local files it reads, which other local
kustomizations it uses and what it would fetch or run; kustomize itself does the rendering.
Anything remote (kustomize would ``git clone`` or download it), ``helmCharts`` (needs
``--enable-helm``) and plugins or KRM functions (would run the repository's code) are refused
before kustomize is called; the largest local kustomizations beneath are rendered instead.

Pure: files in, records out. Nothing here knows of rules, meshes or findings.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shlex
import shutil
import tempfile
import threading
from collections import OrderedDict, deque
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import yaml

from meshlint.render import DEFAULT_TIMEOUT, Render, RenderCache, run_renderer, spelled
from meshlint.render._kustomization import KUSTOMIZATION_NAMES, Kustomization, read_all

__all__ = [
    "KUSTOMIZATION_NAMES",
    "Closure",
    "Kustomization",
    "closure",
    "find_kustomizations",
    "leaves",
    "origin",
    "render",
    "render_many",
    "render_plan",
    "renderer_command",
    "strip_build_annotations",
    "transformers",
]

ORIGIN = "config.kubernetes.io/origin"
TRANSFORMATIONS = "alpha.config.kubernetes.io/transformations"
# Bump when the wrapper or anything else that shapes a render changes: old entries then miss.
_CACHE_FORMAT = "v1"
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def find_kustomizations(files: Iterable[str]) -> dict[str, Kustomization]:
    """The kustomizations among ``files`` (those named like ``KUSTOMIZATION_NAMES``), keyed by
    directory, plus every local kustomization they use that was not among them, so that each
    closure is complete."""
    return read_all([f for f in files if os.path.basename(f) in KUSTOMIZATION_NAMES])


def leaves(ks: Mapping[str, Kustomization]) -> list[str]:
    """The directories no other kustomization in ``ks`` uses: what a user would build."""
    used = {u for k in ks.values() for u in k.uses if u != k.directory}
    return sorted(d for d in ks if d not in used)


@dataclass(frozen=True, slots=True)
class Closure:
    """Everything one kustomization reaches, through the kustomizations it uses."""

    directory: str
    directories: tuple[str, ...]  # every kustomization directory reached, itself included
    files: tuple[str, ...]  # their kustomization files and every input file they read
    remote: tuple[tuple[str, str], ...]  # (kustomization file, entry) for each remote entry
    problems: tuple[tuple[str, str], ...]  # (kustomization file, message), refusals included
    refused: tuple[tuple[str, str], ...]  # the problems that keep kustomize from being called

    @property
    def renderable(self) -> bool:
        """Fully local and nothing refused: kustomize may be called on it."""
        return not self.remote and not self.refused


_memo_lock = threading.Lock()
_memos: OrderedDict[int, tuple[Mapping[str, Kustomization], dict[str, Closure]]] = OrderedDict()


def _memo(ks: Mapping[str, Kustomization]) -> dict[str, Closure]:
    """The closures computed so far for this very mapping (which must not change after)."""
    with _memo_lock:
        held = _memos.get(id(ks))
        if held is not None and held[0] is ks:
            _memos.move_to_end(id(ks))
            return held[1]
        closures: dict[str, Closure] = {}
        _memos[id(ks)] = (ks, closures)
        while len(_memos) > 8:
            _memos.popitem(last=False)
        return closures


def closure(directory: str, ks: Mapping[str, Kustomization]) -> Closure:
    """The transitive closure of ``directory``: linear in what it reaches, memoised per ``ks``,
    and safe on cycles (kustomize refuses them; they are reported as a problem here)."""
    memo = _memo(ks)
    if directory not in memo:
        _compute(directory, ks, memo)
    return memo[directory]


def _children(directory: str, ks: Mapping[str, Kustomization]) -> list[str]:
    k = ks.get(directory)
    return [u for u in k.uses if u in ks] if k is not None else []


def _compute(start: str, ks: Mapping[str, Kustomization], memo: dict[str, Closure]) -> None:
    """Tarjan's strongly connected components, iteratively: every member of a cycle gets the
    same closure, and each component is finished after the components it uses."""
    number: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    work = [(start, iter(_children(start, ks)))]
    number[start] = low[start] = 0
    stack.append(start)
    on_stack.add(start)
    while work:
        node, children = work[-1]
        for child in children:
            if child in memo:
                continue
            if child not in number:
                number[child] = low[child] = len(number)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(_children(child, ks))))
                break
            if child in on_stack:
                low[node] = min(low[node], number[child])
        else:
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == number[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                _finish(sorted(members), ks, memo)


def _finish(members: list[str], ks: Mapping[str, Kustomization], memo: dict[str, Closure]) -> None:
    directories, files = set(members), set()
    remote, problems, refused = set(), set(), set()
    for member in members:
        k = ks.get(member)
        if k is None:
            problems.add((member, "not a kustomization that was found"))
            continue
        files.add(k.file)
        files.update(k.inputs)
        remote.update((k.file, entry) for entry in k.remote)
        problems.update((k.file, message) for message in k.problems)
        refused.update((k.file, message) for message in k.refused)
        for used in k.uses:
            if used not in ks:
                problems.add((k.file, f"uses {used}, which was not read"))
            elif used not in directories:
                below = memo[used]
                directories.update(below.directories)
                files.update(below.files)
                remote.update(below.remote)
                problems.update(below.problems)
                refused.update(below.refused)
    cyclic = len(members) > 1 or members[0] in _children(members[0], ks)
    if cyclic:
        ring = " -> ".join([*members, members[0]])
        problems.update((ks[m].file, f"kustomizations use each other: {ring}") for m in members)
    parts = (
        tuple(sorted(directories)),
        tuple(sorted(files)),
        tuple(sorted(remote)),
        tuple(sorted(problems)),
        tuple(sorted(refused)),
    )
    for member in members:
        memo[member] = Closure(member, *parts)


def render_plan(leaf: str, ks: Mapping[str, Kustomization]) -> tuple[list[str], list[str]]:
    """``(directories to render, what was left out and why)``. The leaf itself when it can be
    rendered offline; otherwise the largest renderable kustomizations beneath it, found by
    walking ``uses`` down from the leaf until closures are clean. A Component is never
    rendered alone: kustomize builds it only inside the kustomization that lists it."""
    candidates: list[str] = []
    left_out: list[str] = []
    seen: set[str] = set()
    queue = deque([leaf])
    while queue:
        directory = queue.popleft()
        if directory in seen:
            continue
        seen.add(directory)
        k = ks.get(directory)
        if k is None:
            left_out.append(f"{directory}: not a kustomization that was found")
            continue
        whole = closure(directory, ks)
        if whole.renderable and not k.component:
            candidates.append(directory)
            continue
        if k.component:
            why = "" if directory == leaf else ", and the one using it cannot be rendered offline"
            left_out.append(
                f"{k.file}: a Component is rendered only by a kustomization using it{why}"
            )
        reasons = [f"remote {entry} (would be fetched)" for entry in k.remote] + list(k.refused)
        if reasons:
            left_out.append(f"{k.file}: not rendered: " + "; ".join(reasons))
        elif not whole.renderable and not k.component:
            blocked = [u for u in k.uses if u in ks and not closure(u, ks).renderable]
            left_out.append(f"{k.file}: not rendered: uses {', '.join(blocked)}, not renderable")
        queue.extend(sorted(k.uses))
    # A kustomization inside another chosen one is rendered with it: never twice.
    candidates.sort(key=lambda d: (-len(closure(d, ks).directories), d))
    chosen: list[str] = []
    covered: set[str] = set()
    for directory in candidates:
        if directory not in covered:
            chosen.append(directory)
            covered.update(closure(directory, ks).directories)
    return sorted(chosen), left_out


def renderer_command(setting: str | None = None) -> list[str] | None:
    """The command that renders a directory given as its last argument: the setting when given,
    else ``kustomize build``, else ``kubectl kustomize``; None when neither is on PATH."""
    if setting and setting.strip():
        return shlex.split(setting)
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    return None


@functools.lru_cache(maxsize=16)
def _renderer_version(program: str) -> str:
    """The renderer's version, once per process (part of the cache key); "unknown" if it
    cannot say."""
    argv = [program, "version"]
    if os.path.basename(program).startswith("kubectl"):
        argv.append("--client")
    out, _ = run_renderer(argv, timeout=20)
    return out.strip() if out and out.strip() else "unknown"


_KLOG = re.compile(r'^[EWIF]\d{4} [\d:.]+\s+\d+ [\w.]+:\d+\] "command failed" err=')


def _clean_message(message: str) -> str:
    """kubectl wraps kustomize's message in a klog line (``E1202 ... run.go:72] "command
    failed" err="..."``, or ``err=<`` and tab-indented lines up to `` >``); keep the message."""
    lines = message.splitlines()
    for number, line in enumerate(lines):
        found = _KLOG.match(line)
        if not found:
            continue
        rest = line[found.end() :]
        if rest.startswith('"'):
            try:
                return json.loads(rest)
            except ValueError:
                return rest.strip('"')
        if rest.strip() == "<":
            body = []
            for more in lines[number + 1 :]:
                if more.strip() == ">":
                    break
                body.append(more.removeprefix("\t"))
            return "\n".join(body).strip()
        return rest
    kept = [line for line in lines if not line.startswith("# Warning:")]
    return "\n".join(kept).strip().removeprefix("Error: ") or message


def _without_wrapper(message: str, entry: str) -> str:
    """Drop the outer layer of kustomize's message, which is about the wrapper (``accumulating
    resources from '../../leaf': ... must resolve to a file': recursed accumulation of path
    ...: ``), so it starts with what went wrong in the user's kustomization."""
    layer = re.compile(
        r"accumulating resources: accumulation err='accumulating resources from '"
        + re.escape(entry)
        + r"': '[^']*' must resolve to a file': "
        + r"(?:recursed accumulation of path '[^']*': |couldn't make target for path '[^']*': )?"
    )
    return layer.sub("", message, count=1) or message


def _refusal(whole: Closure, k: Kustomization) -> str | None:
    if k.component:
        return "a Component is rendered only by a kustomization that lists it in `components`"
    reasons = [f"{file}: remote {entry} (kustomize would fetch it)" for file, entry in whole.remote]
    reasons += [f"{file}: {message}" for file, message in whole.refused]
    if reasons:
        return "not rendered (meshlint renders offline and runs no plugins): " + "; ".join(reasons)
    return None


def render(
    directory: str,
    command: list[str],
    ks: Mapping[str, Kustomization],
    timeout: float = DEFAULT_TIMEOUT,
    cache: RenderCache | None = None,
) -> Render:
    """Render one kustomization through a temporary wrapper kustomization that adds the origin
    and transformer annotations (the user's files are never written). Remote entries, helm and
    plugins are refused before the renderer is called."""
    k = ks.get(directory)
    if k is None:
        return Render(directory, None, f"{directory}: not a kustomization that was found")
    whole = closure(directory, ks)
    refusal = _refusal(whole, k)
    if refusal:
        return Render(directory, None, refusal)
    key = None
    if cache is not None:
        parts = [*command, _renderer_version(command[0]), _CACHE_FORMAT]
        # Absolute names: a cached text's origin paths lead back to these very files.
        key = RenderCache.key(parts, [os.path.abspath(f) for f in whole.files])
        hit = cache.get(key)
        if hit is not None:
            return replace(hit, directory=directory)
    # The wrapper's real path, since kustomize resolves symbolic links in its root before it
    # follows the relative entry; the leaf keeps its lexical path so origins keep its spelling.
    wrapper = os.path.realpath(tempfile.mkdtemp(prefix="meshlint-kustomize-"))
    try:
        entry = os.path.relpath(os.path.abspath(directory), wrapper)
        with open(os.path.join(wrapper, "kustomization.yaml"), "w", encoding="utf-8") as out:
            out.write(f"resources:\n- {json.dumps(entry)}\n")
            out.write("buildMetadata: [originAnnotations, transformerAnnotations]\n")
        text, error = run_renderer([*command, wrapper], timeout=timeout)
    finally:
        shutil.rmtree(wrapper, ignore_errors=True)
    if error is not None:
        message = _without_wrapper(_clean_message(error), entry)
        return Render(directory, None, message, base=wrapper)
    result = Render(directory, text, None, base=wrapper)
    if cache is not None and key is not None:
        cache.put(key, result)
    return result


def render_many(
    directories: Iterable[str],
    command: list[str],
    ks: Mapping[str, Kustomization],
    timeout: float = DEFAULT_TIMEOUT,
    cache: RenderCache | None = None,
    jobs: int = 1,
) -> dict[str, Render]:
    """Render several directories, ``jobs`` at a time (each render is a subprocess, so threads
    suffice). Keyed by directory; the order of completion does not matter."""
    wanted = list(dict.fromkeys(directories))
    for directory in wanted:  # closures and the version are computed once, before the threads
        if directory in ks:
            closure(directory, ks)
    if cache is not None and wanted:
        _renderer_version(command[0])
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {d: pool.submit(render, d, command, ks, timeout, cache) for d in wanted}
        return {d: future.result() for d, future in futures.items()}


@functools.lru_cache(maxsize=4096)
def _parse_annotation(text: str) -> object:
    try:
        return yaml.load(text, Loader=_SafeLoader)
    except yaml.YAMLError:
        return None


def _spelled(path: str, base: str) -> str:
    """``path`` (relative to ``base``) as the run spells files: relative to the working
    directory when below it, absolute otherwise."""
    return _spelled_from(path, base, os.getcwd())


@functools.lru_cache(maxsize=4096)
def _spelled_from(path: str, base: str, cwd: str) -> str:
    """``_spelled`` for one working directory: every document of a render names the same
    few files."""
    return spelled(os.path.join(base, path), cwd)


def origin(body: Mapping, render: Render) -> tuple[str | None, str | None]:
    """``(file the document came from, kustomization file that last transformed it)``, from
    the build annotations. A generated document's origin is the kustomization that generated
    it. Either is None when the annotations are missing or unreadable."""
    metadata = body.get("metadata") if isinstance(body, Mapping) else None
    annotations = metadata.get("annotations") if isinstance(metadata, Mapping) else None
    if not isinstance(annotations, Mapping) or not render.base:
        return None, None
    source = last = None
    text = annotations.get(ORIGIN)
    found = _parse_annotation(text) if isinstance(text, str) else None
    if isinstance(found, Mapping) and "repo" not in found:
        path = found.get("path", found.get("configuredIn"))
        if isinstance(path, str) and path:
            source = _spelled(path, render.base)
    text = annotations.get(TRANSFORMATIONS)
    found = _parse_annotation(text) if isinstance(text, str) else None
    if isinstance(found, list):
        for step in reversed(found):  # kustomize lists the innermost kustomization first
            path = step.get("configuredIn") if isinstance(step, Mapping) else None
            if isinstance(path, str) and path:
                last = _spelled(path, render.base)
                break
    return source, last


def transformers(body: Mapping, render: Render) -> list[str]:
    """Every kustomization file that transformed the document (patched it, set its
    namespace...), innermost first, spelled like the input names."""
    metadata = body.get("metadata") if isinstance(body, Mapping) else None
    annotations = metadata.get("annotations") if isinstance(metadata, Mapping) else None
    text = annotations.get(TRANSFORMATIONS) if isinstance(annotations, Mapping) else None
    found = _parse_annotation(text) if isinstance(text, str) and render.base else None
    if not isinstance(found, list):
        return []
    files = []
    for step in found:
        path = step.get("configuredIn") if isinstance(step, Mapping) else None
        if isinstance(path, str) and path:
            files.append(_spelled(path, render.base))
    return list(dict.fromkeys(files))


def strip_build_annotations(body: dict) -> None:
    """Remove the annotations the wrapper asked for, so the document reads as the user wrote
    it; an annotations mapping left empty goes too."""
    metadata = body.get("metadata") if isinstance(body, dict) else None
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    if not isinstance(annotations, dict):
        return
    annotations.pop(ORIGIN, None)
    annotations.pop(TRANSFORMATIONS, None)
    if not annotations:
        del metadata["annotations"]
