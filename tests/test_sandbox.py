"""meshlint never opens a socket, never runs or imports anything named in a manifest, and
writes nothing but its cache: checked with sockets blocked and an audit hook (PEP 578)
watching a whole run over every rule's examples and the hostile corpus, in every output
format."""

from __future__ import annotations

import io
import os
import socket
import sys
from pathlib import Path

import hostile
import pytest

from meshlint.cli.main import main
from meshlint.outputs import FORMATS
from meshlint.rules import RULES

_WATCHING: list[tuple[str, tuple]] | None = None


def _audit(event: str, args: tuple) -> None:
    if _WATCHING is not None:
        _WATCHING.append((event, args))


sys.addaudithook(_audit)  # cannot be removed; costs one check per event outside the window

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
# os.fork is allowed: the cache writes its packs from a forked child (no exec follows it);
# what that child writes lands in the cache directory, checked through the file tree below.
_FORBIDDEN_PREFIXES = (
    "socket.",
    "subprocess.",
    "os.exec",
    "os.spawn",
    "os.posix_spawn",
    "os.system",
    "os.remove",
    "os.rename",
    "os.mkdir",
    "os.rmdir",
    "os.chmod",
    "os.truncate",
    "shutil.",
    "ctypes.",
    "pickle.",
    "marshal.",
    "urllib.",
    "http.",
    "ftplib.",
    "smtplib.",
    "import",
    "exec",
    "compile",
)


def _writes(event: str, args: tuple) -> bool:
    if event != "open":
        return False
    path, mode, flags = args
    if isinstance(path, int):  # fdopen of a descriptor whose own open event was checked
        return False
    if isinstance(mode, str):
        return any(c in mode for c in "wax+")
    return bool((flags or 0) & _WRITE_FLAGS)


def _inside(args: tuple, directory: Path) -> bool:
    """Whether every path among an event's arguments lies in ``directory``."""
    paths = [os.fspath(a) for a in args if isinstance(a, (str, os.PathLike))]
    paths = [p for p in paths if os.sep in p]
    return bool(paths) and all(p.startswith(str(directory)) for p in paths)


def _tree(root: Path) -> set[tuple[str, int, float]]:
    return {(str(p), p.lstat().st_size, p.lstat().st_mtime) for p in root.rglob("*") if p.exists()}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    hostile.build(tmp_path / "hostile", big=False)
    examples = tmp_path / "examples"
    examples.mkdir()
    for rule in RULES:
        for kind, text in rule.examples.items():
            (examples / f"{rule.name}-{kind}.yaml").write_text(text)
    return tmp_path


def test_no_network_no_execution_no_writes(corpus, monkeypatch):
    global _WATCHING
    argv = [str(corpus / "hostile"), str(corpus / "examples")]
    for name in FORMATS:  # warm up: lazy imports happen here, outside the watched window
        main([*argv, "--format", name], io.StringIO(), io.StringIO())

    def blocked(*args, **kwargs):
        raise AssertionError("meshlint tried to use the network")

    monkeypatch.setattr(socket, "socket", blocked)
    monkeypatch.setattr(socket, "create_connection", blocked)
    monkeypatch.setattr(socket, "getaddrinfo", blocked)
    before = _tree(corpus)
    cwd_before = set(os.listdir("."))
    cache = corpus / "cache"  # cold: the watched runs fill it
    _WATCHING = []
    try:
        codes = [
            main(
                [*argv, "--format", name, "--debug", "--cache-dir", str(cache)],
                io.StringIO(),
                io.StringIO(),
            )
            for name in FORMATS
        ]
        events, _WATCHING = _WATCHING, None
    finally:
        _WATCHING = None
    assert codes == [1] * len(FORMATS)
    others = [(e, a) for e, a in events if not _inside(a, cache)]
    forbidden = [(e, a) for e, a in others if e.startswith(_FORBIDDEN_PREFIXES)]
    assert not forbidden, forbidden[:5]
    writes = [a for e, a in others if _writes(e, a)]
    assert not writes, writes[:5]
    assert any(e == "open" for e, _ in others)  # the hook did watch the run
    assert any(path.is_file() for path in cache.rglob("*"))  # and the cache was written
    assert {p for p in _tree(corpus) if not p[0].startswith(str(cache))} == before
    assert set(os.listdir(".")) == cwd_before
