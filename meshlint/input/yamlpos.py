"""YAML documents with positions: PyYAML's C composer, then one pass that builds plain
Python values and records where every key, value and list item stands.

``parse_documents`` is the entry point, and this module the parser's public face (it also
exports the names below). Its parts: ``limits`` (the bounds, and the walk that enforces them
before composing), ``yamlbuild`` (node tree to values), ``positions`` (``PosDict``,
``PosList`` and ``locate``) and ``problems`` (what is reported, by kind).
"""

from __future__ import annotations

from collections.abc import Iterator

import yaml

from meshlint.input.goyaml import mask_flow_colons
from meshlint.input.limits import (
    Limits,
    is_nesting_refusal,
    may_exceed,
    prescan,
    too_deep,
    too_deep_for_libyaml,
    too_many_nodes,
)
from meshlint.input.positions import PosDict, PosList, locate, locate_key
from meshlint.input.problems import ParseProblem, ProblemKind, ProblemLog
from meshlint.input.yamlbuild import Builder, Loader, RestoringBuilder, TooDeep, TooLarge

__all__ = [
    "Limits",
    "ParseProblem",
    "PosDict",
    "PosList",
    "locate",
    "locate_key",
    "parse_documents",
]


def _syntax_message(error: yaml.MarkedYAMLError, text: str) -> str:
    message = " ".join(part for part in (error.context, error.problem) if part) or "invalid YAML"
    mark = error.problem_mark
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        message += " (a tab: YAML indentation must use spaces)"
    return message


def _reader_position(error: yaml.reader.ReaderError, text: str) -> tuple[int, int]:
    """ReaderError gives a character offset; turn it into (line, column)."""
    offset = min(max(getattr(error, "position", 0) or 0, 0), len(text))
    line = text.count("\n", 0, offset)
    return line, offset - (text.rfind("\n", 0, offset) + 1)


def parse_documents(
    text: str, problems: list[ParseProblem], limits: Limits = Limits()
) -> Iterator[tuple[object, int, int]]:
    """Yield ``(value, line, column)`` for each document of ``text`` (0-based positions).

    Problems (syntax errors, tags, duplicate keys, limits) are appended to ``problems``; a
    syntax error ends the file, but the documents before it are still yielded.
    """
    found = ProblemLog(problems, limits.max_problems_per_kind)
    try:
        yield from _documents(text, found, limits)
    finally:
        found.close()


def _documents(
    text: str, problems: ProblemLog, limits: Limits
) -> Iterator[tuple[object, int, int]]:
    text, placeholder = mask_flow_colons(text)  # read as Kubernetes reads it
    stop = prescan(text, problems, limits) if may_exceed(text) else None
    try:
        loader = Loader(text)
    except UnicodeEncodeError as error:  # lone surrogates in a str handed to load_text
        problems.add_at(
            ProblemKind.DECODE, 0, 0, f"text cannot be encoded as UTF-8: {error.reason}"
        )
        return
    index = -1
    try:
        while True:
            index += 1
            if index == stop:
                return
            try:
                if not loader.check_node():
                    return
                node = loader.get_node()
            except yaml.MarkedYAMLError as error:
                if is_nesting_refusal(error):  # not expected: may_exceed sends such text
                    problems.add(  # to prescan, which reports meshlint's own limit
                        ProblemKind.LIMIT, error.problem_mark, too_deep_for_libyaml()
                    )
                    return
                problems.add(
                    ProblemKind.SYNTAX,
                    error.problem_mark or error.context_mark,
                    _syntax_message(error, text),
                )
                return
            except yaml.reader.ReaderError as error:
                line, column = _reader_position(error, text)
                problems.add_at(ProblemKind.SYNTAX, line, column, str(error).split("\n")[0])
                return
            except yaml.YAMLError as error:
                problems.add_at(ProblemKind.SYNTAX, 0, 0, str(error))
                return
            except RecursionError:
                problems.add_at(ProblemKind.LIMIT, 0, 0, too_deep(limits))
                return
            if node is None:
                continue
            mark = node.start_mark
            if index >= limits.max_documents_per_file:
                problems.add(
                    ProblemKind.LIMIT,
                    mark,
                    f"more than {limits.max_documents_per_file} documents in one file; "
                    "the rest of the file is not analysed (raise --max-documents)",
                )
                return
            builder = (
                Builder(limits, problems)
                if placeholder is None
                else RestoringBuilder(limits, problems, placeholder)
            )
            try:
                value = builder.build(node)
            except TooLarge:  # reported at the document: the expansion has no one place
                problems.add(ProblemKind.LIMIT, mark, too_many_nodes(limits))
                continue
            except TooDeep as error:
                problems.add(ProblemKind.LIMIT, error.mark, too_deep(limits, "this document is"))
                continue
            except RecursionError:
                problems.add(ProblemKind.LIMIT, mark, too_deep(limits, "this document is"))
                continue
            yield value, mark.line, mark.column
    finally:
        loader.dispose()
