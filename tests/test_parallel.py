"""Rules shared among processes: the same findings in the same order as one process, a
failing rule still contained, a dead child's tasks done here."""

from __future__ import annotations

import os
import select
import sys
from dataclasses import replace
from pathlib import Path

from meshlint.engine import analyse as engine
from meshlint.engine import parallel
from meshlint.engine.analyse import analyse_sources
from meshlint.engine.parallel import run_split
from meshlint.engine.run import Run
from meshlint.input.loader import discover, load_files, load_text
from meshlint.rules import find_rule

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from generate import generate


def test_split_results_come_back_in_order_from_both_processes():
    """Each process holds its first task until the other has drawn one, so both do work
    whichever starts first and however the machine schedules them."""
    parent = os.getpid()
    from_parent, to_child = os.pipe()
    from_child, to_parent = os.pipe()
    started: list[int] = []  # per process: a forked child has its own copy

    def task(index: int) -> tuple[int, int]:
        if not started:
            started.append(index)
            child = os.getpid() != parent
            os.write(to_parent if child else to_child, b"x")
            select.select([from_parent if child else from_child], [], [], 120)
        return index, os.getpid()

    values = run_split(task, 12)
    for fd in (from_parent, to_child, from_child, to_parent):
        os.close(fd)
    assert [index for index, _ in values] == list(range(12))
    assert len({pid for _, pid in values}) == 2 and parent in {pid for _, pid in values}


def test_more_tasks_than_tokens_share_tokens(monkeypatch):
    monkeypatch.setattr(parallel, "_MAX_TOKENS", 3)
    assert run_split(lambda i: i + 1, 10) == list(range(1, 11))


def test_a_dead_child_tasks_are_done_here():
    parent = os.getpid()

    def task(index: int) -> int:
        if os.getpid() != parent:
            os._exit(3)  # the child dies before sending anything
        return index * index

    assert run_split(task, 6) == [0, 1, 4, 9, 16, 25]


def test_split_run_reports_what_one_process_reports(tmp_path, monkeypatch):
    tree = generate(tmp_path / "tree", services=60, seed=11)
    sources = load_files(list(discover([str(tree)])))
    monkeypatch.setattr(engine, "MIN_RESOURCES_TO_SPLIT", 0)
    alone = analyse_sources(sources, Run(jobs=1))
    split = analyse_sources(sources, Run(jobs=2))
    assert alone.findings and split.findings == alone.findings
    assert split.suppressed == alone.suppressed and not split.internal_errors


def test_a_rule_failing_in_the_child_is_contained(monkeypatch):
    parent = os.getpid()
    signal_read, signal_write = os.pipe()
    first, rule = find_rule("yaml-syntax"), find_rule("dangling-host")

    def hold(mesh, options):  # the parent holds the first task until the child drew one
        if os.getpid() == parent:
            select.select([signal_read], [], [], 10)
        return first.check(mesh, options)

    def check(mesh, options):  # fails only where it runs in the child
        if os.getpid() == parent:
            return iter(())
        os.write(signal_write, b"x")
        raise ValueError("boom")

    rules = (replace(first, check=hold), replace(rule, check=check), find_rule("weight-sum"))
    monkeypatch.setattr(engine, "MIN_RESOURCES_TO_SPLIT", 0)
    # A VirtualService, so that dangling-host is not skipped for want of its kind.
    text = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: a}\n"
    report = analyse_sources([load_text("a.yaml", text)], Run(rules=rules, jobs=2))
    os.close(signal_read)
    os.close(signal_write)
    assert [f.rule for f in report.findings] == ["internal-error"]
    assert "dangling-host" in report.findings[0].message
    assert report.internal_errors == 1 and "ValueError: boom" in report.tracebacks[0]


def test_three_way_split_keeps_order_and_survives_dying_children():
    parent = os.getpid()
    assert run_split(lambda i: i * 2, 7, 3) == [0, 2, 4, 6, 8, 10, 12]

    def task(index: int) -> int:
        if os.getpid() != parent and index % 3 == 2:
            os._exit(1)  # a child that draws such a task dies; what it drew is redone here
        return -index

    assert run_split(task, 8, 3) == [0, -1, -2, -3, -4, -5, -6, -7]
    assert run_split(task, 8, 1) == [0, -1, -2, -3, -4, -5, -6, -7]
