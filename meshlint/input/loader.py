"""Load stage: paths and standard input in, ``SourceFile`` records out.

A source file holds its text (for excerpts), its parsed documents, and the problems met while
reading it. Plain files are read by the fast path (``fastyaml``) without positions; the
first finding that needs a position has the file parsed again by ``yamlpos``
(``SourceFile.with_positions``). Nothing here knows about rules or Istio.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from meshlint.input import fastyaml
from meshlint.input.problems import ParseProblem, ProblemKind
from meshlint.input.yamlpos import Limits, parse_documents

if TYPE_CHECKING:
    from meshlint.input.cache import ParseCache
    from meshlint.input.statindex import StatIndex

__all__ = [
    "MANIFEST_SUFFIXES",
    "Document",
    "Progress",
    "SourceFile",
    "discover",
    "load_files",
    "load_paths",
    "load_text",
]

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"
# Called after each file with (files done, files in total); the caller decides how to show it.
Progress = Callable[[int, int], None]
_SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".meshlint_cache", "__pycache__"})
# Go template actions as Helm writes them, comments (`{{/* */}}`, `{{- /* */ -}}`) and
# variable declarations included; `{{ $labels }}` in alert text is left alone.
_HELM_ACTION = re.compile(
    r"\{\{-?\s*(?:\.Values|\.Release|\.Chart|\.Capabilities|\.Files|include\b|template\b|"
    r"if\b|else\b|end\b|range\b|with\b|define\b|toYaml\b|tpl\b|printf\b|required\b|\.\w|"
    r"/\*|\$\w*\s*:=)"
)


# The fast path took the text within the run's limits (and ryaml nests at most 128 levels);
# parsing it again for positions must not refuse what the run accepted.
_REPARSE_LIMITS = Limits(
    max_nodes_per_document=10**9, max_documents_per_file=10**9, max_file_size=2**62
)


@dataclass(slots=True)
class Document:
    """One YAML document: its value and where it starts (0-based; -1 when the file was read
    without positions)."""

    value: object
    index: int
    line: int
    column: int


@dataclass(slots=True)
class SourceFile:
    """A file (or standard input) as read: text, documents and reading problems."""

    path: str
    text: str = ""
    documents: list[Document] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    # The documents with positions, when ``documents`` came from the fast path without them.
    _positioned: list[Document] | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def with_positions(self) -> list[Document]:
        """The documents with positions (``PosDict`` values and start lines): ``documents``
        themselves, or for a file read without positions the same documents parsed again by
        ``yamlpos``, once. The fast path only takes text that both parsers read alike."""
        if not self.documents or self.documents[0].line >= 0:
            return self.documents
        if self._positioned is None:
            self._positioned = [
                Document(value, index, line, column)
                for index, (value, line, column) in enumerate(
                    parse_documents(self.text, [], _REPARSE_LIMITS)
                )
            ]
        return self._positioned


def discover(paths: Iterable[str]) -> Iterator[str]:
    """Expand directories into the manifest files below them, in a stable order."""
    for raw in paths:
        if raw == STDIN:
            yield raw
            continue
        if os.path.isdir(raw):
            yield from _walk(raw)
        else:
            yield raw


def _walk(root: str) -> Iterator[str]:
    seen: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        try:
            stat = os.stat(dirpath)
        except OSError:
            continue
        identity = (stat.st_dev, stat.st_ino)
        if identity in seen:  # a symlink loop: walk each real directory once
            dirnames[:] = []
            continue
        seen.add(identity)
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        for name in sorted(filenames):
            if name.endswith(MANIFEST_SUFFIXES) or name == "Kustomization":
                yield os.path.join(dirpath, name)


def load_paths(
    paths: Iterable[str],
    limits: Limits = Limits(),
    progress: Progress | None = None,
    cache: ParseCache | None = None,
) -> list[SourceFile]:
    """Read and parse every file below ``paths`` (see ``load_files``)."""
    return load_files(list(discover(paths)), limits, progress, cache)


def load_files(
    files: list[str],
    limits: Limits = Limits(),
    progress: Progress | None = None,
    cache: ParseCache | None = None,
    contents: dict[str, Keyed | SourceFile] | None = None,
    write_behind: bool = False,
) -> list[SourceFile]:
    """Read and parse ``files`` (found by ``discover``): from the cache where a file's content
    was seen before, else here. ``contents`` holds files already keyed (path ->
    ``read_keyed``'s answer); it is emptied as files are taken, so their bytes need not all
    stay in memory. A file keyed by the stat index alone is not opened when its parse is
    cached: the cache entry holds its text. With ``write_behind``, new cache entries are
    written in the background: the caller must call ``cache.wait()``."""
    contents = contents or {}
    sources: list[SourceFile | None] = [None] * len(files)
    pending: list[int] = []
    read: dict[int, tuple[str, bytes]] = {}  # index -> (cache key, bytes)
    for index, path in enumerate(files):
        if cache is None or path == STDIN:
            pending.append(index)
            continue
        item = contents.pop(path, None)
        if item is not None and not isinstance(item, SourceFile) and item[1] is None:
            # Known by the stat index, not read: no need to, when its parse is cached.
            entry = cache.get(item[0])
            if entry is not None:
                sources[index] = from_cache(path, entry)
                continue
            item = None
        if item is None:
            item = read_keyed(path, cache, limits)
        if isinstance(item, SourceFile):
            sources[index] = item
            continue
        key, data = item
        entry = cache.get(key)
        if entry is None:
            pending.append(index)
            read[index] = (key, data)
        else:
            sources[index] = from_cache(path, entry)

    # Parsed here, not split among processes: pickling a child's documents back costs what
    # parsing them in parallel saves (measured on two cores).
    parsed = []
    for done, index in enumerate(pending, 1):
        if index in read:
            key, data = read.pop(index)  # let each file's bytes go once parsed
            parsed.append((load_text(files[index], data, limits), key))
        else:
            parsed.append((load_file(files[index], limits), None))
        if progress is not None:
            progress(len(files) - len(pending) + done, len(files))
    for index, (source, key) in zip(pending, parsed, strict=True):
        sources[index] = source
        if cache is not None and key is not None:
            cache.put(key, to_cache(source), source.problems, source.text)
    if cache is not None:
        cache.flush(background=write_behind)
    if progress is not None and not pending:
        progress(len(files), len(files))
    return sources  # type: ignore[return-value]


Keyed = tuple[str, bytes | None]  # (cache key, content; None: known by the stat index, unread)


def read_keyed(
    path: str, cache: ParseCache, limits: Limits = Limits(), index: StatIndex | None = None
) -> Keyed | SourceFile:
    """A file's content with its cache key, or the SourceFile that says why it cannot be
    read: hashed once, whoever asks first (the run's result key or the parse cache). With
    ``index``, a file whose stat signature has not changed since it was last hashed is not
    read at all: its content is None (read it with ``read_file`` when it is needed). Not for
    standard input, which is read once and never cached."""
    info = _regular(path, limits)
    if isinstance(info, SourceFile):
        return info
    if index is not None:
        known = index.key(path, info)
        if known is not None:
            return known, None
    data = _read(path, info, limits)
    if isinstance(data, SourceFile):
        return data
    key = cache.key(data)
    if index is not None:
        index.record(path, info, key)
    return key, data


def read_file(path: str, limits: Limits = Limits()) -> bytes | SourceFile:
    """The file's bytes, or a SourceFile that reports why it cannot be read. What is not a
    regular file or is over the size limit is refused before reading, so a FIFO, a device or
    a 50 MB file neither blocks nor fills memory."""
    if path == STDIN:
        data = sys.stdin.buffer.read(limits.max_file_size + 1)
        return _too_big("<stdin>", None, limits) if len(data) > limits.max_file_size else data
    info = _regular(path, limits)
    return info if isinstance(info, SourceFile) else _read(path, info, limits)


def _regular(path: str, limits: Limits) -> os.stat_result | SourceFile:
    """The stat of a regular file within the size limit, or why it is not one."""
    try:
        info = os.stat(path)
    except OSError as error:
        return _unreadable(path, _os_reason(path, error))
    if not stat.S_ISREG(info.st_mode):
        return _unreadable(path, _not_regular(info.st_mode))
    if info.st_size > limits.max_file_size:
        return _too_big(path, info.st_size, limits)
    return info


def _read(path: str, info: os.stat_result, limits: Limits) -> bytes | SourceFile:
    try:
        with open(path, "rb") as handle:
            # Sized from the stat: asking for the limit would allocate it for every file.
            data = handle.read(info.st_size + 1)
            if len(data) > info.st_size:  # it grew since the stat
                data += handle.read(limits.max_file_size + 1 - len(data))
    except OSError as error:
        return _unreadable(path, _os_reason(path, error))
    if len(data) > limits.max_file_size:  # grew since stat
        return _too_big(path, len(data), limits)
    return data


def _unreadable(path: str, reason: str) -> SourceFile:
    source = SourceFile(path)
    source.problems.append(ParseProblem(ProblemKind.UNREADABLE, 0, 0, f"cannot read: {reason}"))
    return source


def _os_reason(path: str, error: OSError) -> str:
    reason = error.strerror or str(error)
    if os.path.islink(path) and not os.path.exists(path):
        target = os.readlink(path)
        if error.errno == errno.ELOOP:
            return f"symbolic link loop ({path} -> {target})"
        return f"dangling symbolic link to {target!r}"
    return reason


def _not_regular(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "it is a directory"
    if stat.S_ISFIFO(mode):
        return "it is a named pipe (FIFO), not a regular file"
    if stat.S_ISSOCK(mode):
        return "it is a socket, not a regular file"
    return "it is a device, not a regular file"


def _human(size: int) -> str:
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size} bytes"


def _too_big(path: str, size: int | None, limits: Limits) -> SourceFile:
    source = SourceFile(path)
    actual = "" if size is None else f" ({_human(size)})"
    source.problems.append(
        ParseProblem(
            ProblemKind.LIMIT,
            0,
            0,
            f"file is larger than {_human(limits.max_file_size)}{actual}; it is not "
            "analysed (raise --max-file-size)",
        )
    )
    return source


def load_file(path: str, limits: Limits = Limits()) -> SourceFile:
    data = read_file(path, limits)
    if isinstance(data, SourceFile):
        return data
    return load_text("<stdin>" if path == STDIN else path, data, limits)


def to_cache(source: SourceFile) -> list[tuple[object, int, int, int]]:
    return [(d.value, d.index, d.line, d.column) for d in source.documents]


def from_cache(path: str, entry: tuple) -> SourceFile:
    documents, problems, text = entry
    return SourceFile(path, text, [Document(*d) for d in documents], problems)


def load_text(path: str, data: bytes | str, limits: Limits = Limits()) -> SourceFile:
    """Decode and parse one file's content; never raises on bad input."""
    source = SourceFile(path)
    if isinstance(data, bytes):
        text = _decode(data, source)
        if text is None:
            return source
    else:
        text = data
    source.text = text
    fast = fastyaml.load(text, limits)
    if fast is not None:
        source.documents = [Document(value, index, -1, -1) for index, value in enumerate(fast)]
        return source
    problems = source.problems
    documents = source.documents
    for index, (value, line, column) in enumerate(parse_documents(text, problems, limits)):
        documents.append(Document(value, index, line, column))
    if _is_helm_template(text, problems):
        # Unrendered: what parsed is not what will be applied, so nothing is analysed.
        documents.clear()
        helm = _helm_problem(text, problems)
        syntax = (ProblemKind.SYNTAX, ProblemKind.HELM_TEMPLATE)
        problems[:] = [p for p in problems if p.kind not in syntax]
        problems.insert(0, helm)
    return source


def _is_helm_template(text: str, problems: list[ParseProblem]) -> bool:
    """Template actions outside strings: the parser saw ``{{ ... }}`` as a flow mapping
    used as a key, or failed at or after a template action. Actions inside quoted or block
    strings (Go templates kept as data, alert texts) do not count."""
    if any(p.kind is ProblemKind.HELM_TEMPLATE for p in problems):
        return True
    errors = [p for p in problems if p.kind is ProblemKind.SYNTAX]
    if not errors or "{{" not in text:
        return False
    action = _HELM_ACTION.search(text)
    return action is not None and text.count("\n", 0, action.start()) <= errors[0].line


def _helm_problem(text: str, problems: list[ParseProblem]) -> ParseProblem:
    """One finding for the file, at the first template action the parser met (else the
    first one in the text)."""
    seen = [p for p in problems if p.kind is ProblemKind.HELM_TEMPLATE]
    if seen:
        line, column = seen[0].line, seen[0].column
    else:
        action = _HELM_ACTION.search(text) or re.search(r"\{\{", text)
        start = action.start() if action else 0
        line = text.count("\n", 0, start)
        column = start - (text.rfind("\n", 0, start) + 1)
    return ParseProblem(
        ProblemKind.HELM_TEMPLATE,
        line,
        column,
        "this is an unrendered Helm template; render it first: "
        "`helm template RELEASE CHART | meshlint -`",
    )


def _decode(data: bytes, source: SourceFile) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    else:
        wide = _wide_encoding(data)
        if wide:
            source.problems.append(
                ParseProblem(
                    ProblemKind.DECODE,
                    0,
                    0,
                    f"file is {wide}; Kubernetes manifests are UTF-8. Convert it "
                    f"(`iconv -f {wide} -t UTF-8`).",
                )
            )
            return None
    if b"\x00" in data[:8192]:
        source.problems.append(
            ParseProblem(ProblemKind.DECODE, 0, 0, "binary file (NUL bytes), not a YAML manifest")
        )
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start)
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1)
        source.problems.append(
            ParseProblem(
                ProblemKind.DECODE,
                line,
                column,
                f"not valid UTF-8 (byte 0x{data[error.start]:02x}); save the file as UTF-8",
            )
        )
        return None


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32, by byte-order mark or by the NUL bytes that ASCII text in them has
    at every second (or fourth) byte."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    head = data[:64]
    if len(head) < 8 or b"\x00" not in head:
        return None
    if not any(head[0::4] + head[1::4] + head[2::4]) or not any(
        head[1::4] + head[2::4] + head[3::4]
    ):
        return "UTF-32"
    if not any(head[0::2]) or not any(head[1::2]):
        return "UTF-16"
    return None
