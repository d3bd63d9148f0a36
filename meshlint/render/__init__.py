"""Renderers: kustomize and Helm turn a directory of sources into the manifests that will be
applied. meshlint runs the real renderer, offline and with a time limit, and analyses what it
prints; it never runs the repository's own code (no plugins, KRM functions or post-renderers)
and never fetches anything.

This package knows nothing of rules or meshes: it finds the directories, renders them and
says where each rendered document came from.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from meshlint.input.cachefiles import write_atomically

__all__ = [
    "CHART_FILE",
    "DEFAULT_TIMEOUT",
    "KUSTOMIZATION_NAMES",
    "Render",
    "RenderCache",
    "offline_environment",
    "run_renderer",
    "spelled",
]

# The files that make a directory a kustomize root, and a Helm chart.
KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
CHART_FILE = "Chart.yaml"

# Seconds one render may take before it is stopped and reported.
DEFAULT_TIMEOUT = 60.0
# Renderer messages are cut to this many characters in a finding.
_MAX_MESSAGE = 2000


@dataclass(frozen=True, slots=True)
class Render:
    """What rendering one directory gave: the rendered YAML, or why there is none."""

    directory: str  # the kustomization or chart directory, as the run spells file names
    text: str | None  # the rendered manifests; None when rendering failed
    error: str | None = None  # the renderer's message, or why it was not run
    # The directory that relative paths in the output (kustomize's origin annotations) are
    # relative to; resolving them is purely lexical, so it need not exist any more.
    base: str = ""


def spelled(path: str, cwd: str | None = None) -> str:
    """A path as the run spells files (``workspace.display_name``): relative to the working
    directory when below it, absolute otherwise, so a renderer's inputs and origins name
    the same files the run read."""
    cwd = cwd or os.getcwd()
    absolute = os.path.normpath(os.path.join(cwd, path))
    relative = os.path.relpath(absolute, cwd)
    if relative == ".." or relative.startswith(".." + os.sep):
        return absolute
    return relative


def offline_environment() -> dict[str, str]:
    """The environment a renderer runs in: the user's, with every proxy pointed at a closed
    local port and git restricted to local files (helm.render also empties Helm's homes), so
    that nothing a manifest names is fetched even if a check before the call missed it."""
    env = dict(os.environ)
    dead = "http://127.0.0.1:9"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        env[name] = dead
    env["all_proxy"] = dead
    env.pop("NO_PROXY", None)
    env.pop("no_proxy", None)
    env["GIT_ALLOW_PROTOCOL"] = "file"
    env["GIT_TERMINAL_PROMPT"] = "0"
    return env


def run_renderer(
    argv: Sequence[str], cwd: str | None = None, timeout: float = DEFAULT_TIMEOUT, env=None
) -> tuple[str | None, str | None]:
    """``(stdout, None)`` when the command succeeded, else ``(None, message)``. Never raises:
    a missing command, a time-out and a failure are all messages."""
    import subprocess  # only runs that render pay for it

    try:
        done = subprocess.run(
            list(argv),
            cwd=cwd,
            env=env if env is not None else offline_environment(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None, f"`{' '.join(argv[:2])}` did not finish within {timeout:g} s"
    except OSError as error:
        return None, f"cannot run `{argv[0]}`: {error.strerror or error}"
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}"
        if len(message) > _MAX_MESSAGE:
            message = message[:_MAX_MESSAGE] + " ..."
        return None, message
    return done.stdout.decode("utf-8", "replace"), None


class RenderCache:
    """Renders kept by the content of every input file, the command and its version, so a
    warm run renders nothing. Lives in the run's cache directory (``renders/``)."""

    def __init__(self, directory: Path | None) -> None:
        self.top = directory
        self.directory = directory / "renders" if directory is not None else None

    @staticmethod
    def key(parts: Iterable[str], files: Iterable[str]) -> str:
        """A key from free-form ``parts`` (command, version, options) and the names and
        bytes of ``files`` (an unreadable file counts as its error)."""
        digest = hashlib.sha256()
        for part in parts:
            digest.update(b"p\0" + part.encode() + b"\0")
        for name in sorted(set(files)):
            digest.update(b"f\0" + name.encode() + b"\0")
            try:
                digest.update(Path(name).read_bytes())
            except OSError as error:
                digest.update(f"unreadable: {error.strerror}".encode())
            digest.update(b"\0")
        return digest.hexdigest()

    def get(self, key: str) -> Render | None:
        if self.directory is None:
            return None
        try:
            data = json.loads((self.directory / f"{key}.json").read_text("utf-8"))
            return Render(**data)
        except (OSError, ValueError, TypeError):
            return None

    def put(self, key: str, render: Render) -> None:
        if self.directory is None or self.top is None or render.text is None:
            return  # failures are not kept: the next run tries again
        payload = json.dumps(
            {"directory": render.directory, "text": render.text, "error": None, "base": render.base}
        ).encode("utf-8")
        write_atomically(self.directory / f"{key}.json", lambda s: s.write(payload), self.top)
