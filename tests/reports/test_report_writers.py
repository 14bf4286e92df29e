"""reports/writers.py writes the same files whether a child process writes some of them or not, and loses none
when the child fails. Each case runs in a process of its own: a fork is taken only where no other thread runs,
and a pytest worker has threads."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WRITE = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from scimulator.reports import writers
    from tests.reports.test_report_rules import mixed_run

    mode, directory = sys.argv[1], Path(sys.argv[2])
    if mode == "child fails":
        parent, render = os.getpid(), writers.FILES["exchanges.har"]
        writers.FILES["exchanges.har"] = lambda run: render(run) if os.getpid() == parent else 1 / 0
    ended, succeeded = [], writers.child_succeeded
    writers.child_succeeded = lambda child: ended.append(succeeded(child)) or ended[-1]
    writers.write_all(mixed_run(), directory, fork=mode != "here")
    print("children succeeded:", ended)
""")


CHILDREN = {"fork": [True], "child fails": [False], "here": []}


def write(mode: str, directory: Path) -> dict[str, bytes]:
    result = subprocess.run([sys.executable, "-c", WRITE, mode, str(directory)], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"children succeeded: {CHILDREN[mode]}" in result.stdout
    return {str(path.relative_to(directory)): path.read_bytes() for path in sorted(directory.rglob("*")) if path.is_file()}


def test_the_files_a_child_writes_are_those_written_here(tmp_path):
    forked, here = write("fork", tmp_path / "forked"), write("here", tmp_path / "here")
    assert {"report.json", "report.html", "summary.md", "junit.xml", "exchanges.har"} <= forked.keys()
    assert forked == here


def test_a_child_that_fails_leaves_its_files_to_the_parent(tmp_path):
    assert write("child fails", tmp_path / "failed") == write("here", tmp_path / "here")
