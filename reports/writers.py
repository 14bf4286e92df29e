"""Write every report of a run into one directory: the reports, exchanges.har, and replay/<scenario>.sh per failure.

report.html, report.json and exchanges.har take most of the writing (for a run of the bundled suite about a tenth
of a second for report.html and as much for the other two together). On Linux, in a process with no other
thread, a child process forked for the purpose writes report.json and exchanges.har while this process writes the
rest: the run's record is already in memory, shared with the child, and the machine's other core is idle once
the last scenario has ended. A child that fails (its exit status says so) leaves its files to this process, which
writes them again: nothing is lost. Elsewhere (macOS and Windows, where forking a process is unsafe or impossible,
or beside the bundled server's threads) every file is written here, one after the other, with the same bytes.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Iterable

from . import har, html_writer, json_writer, junit_writer, markdown_writer
from .model import RunResult
from .replay import replay_script, script_path

FILES = {"report.json": json_writer.render, "report.html": html_writer.render, "summary.md": markdown_writer.render,
         "junit.xml": junit_writer.render, "exchanges.har": har.render}
# The files each child process writes. One child writes these two while this process writes report.html, which
# takes about as long; a third process would only slow the other two down on a machine of two cores.
WRITTEN_BY_CHILDREN = (("report.json", "exchanges.har"),)


def write_replays(run: RunResult, directory: Path) -> dict[str, Path]:
    """One replay script per failing scenario; each failure record learns where its script is."""
    written = {}
    for scenario in run.failures():
        relative = script_path(scenario)
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(replay_script(scenario, run.target_url), encoding="utf-8")
        path.chmod(0o755)
        if scenario.failure is not None:
            scenario.failure.replay = relative
        written[relative] = path
    return written


def write_all(run: RunResult, directory: Path, fork: bool | None = None) -> dict[str, Path]:
    """Every report of `run` in `directory`. `fork`: write some files in child processes (default: where that is
    safe, `can_fork`)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = write_replays(run, directory)  # first: the failure records learn their replay scripts
    children = {}
    if can_fork() if fork is None else fork:
        children = {names: write_in_child(names, run, directory) for names in WRITTEN_BY_CHILDREN}
    in_children = {name for names in children for name in names}
    write_here([name for name in FILES if name not in in_children], run, directory)
    for names, child in children.items():
        if not child_succeeded(child):
            write_here(names, run, directory)
    written.update((name, directory / name) for name in FILES)
    return written


def write_here(names: Iterable[str], run: RunResult, directory: Path) -> None:
    for name in names:
        (directory / name).write_text(FILES[name](run), encoding="utf-8")


def can_fork() -> bool:
    """Linux, and no thread but this one (a fork copies only the calling thread: a lock another thread held would
    stay held in the child)."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def write_in_child(names: tuple[str, ...], run: RunResult, directory: Path) -> int:
    """A forked child process writing some of the files; its exit status is 0 when they are all whole."""
    child = os.fork()
    if child == 0:
        status = 1
        try:
            write_here(names, run, directory)
            status = 0
        finally:
            os._exit(status)  # no interpreter exit in the child: no atexit handler, no buffered output twice
    return child


def child_succeeded(child: int) -> bool:
    _, status = os.waitpid(child, 0)
    return os.waitstatus_to_exitcode(status) == 0
