"""`scimulator run` with timers on its phases: bench/harness.py starts this script in a child process, under
the checkout's scimulator or under an earlier commit's (PYTHONPATH), and reads the marks it leaves.

    python bench/harness_probe.py MARKS_FILE [scimulator run options...]

It only wraps names that every version of the harness has (``pytest.main``, the ``Directory`` constructor,
the report writers as the reporting plugin calls them, the removal of created data at the end), so the same probe times the code before and after a
change. The marks are wall-clock times (``time.time()``) so that the parent can line them up with its own.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from pathlib import Path

import pytest

MARKS: dict[str, float] = {}
TOTALS = {"directory": 0.0, "reports": 0.0, "cleanup": 0.0}


def timed(owner, name: str, total: str) -> None:
    """Add the time spent in ``owner.name`` to ``TOTALS[total]``."""
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            TOTALS[total] += time.perf_counter() - started

    setattr(owner, name, wrapper)


class PhaseMarks:
    """pytest's own hooks mark the end of collection and the start of the session's end (the report writers)."""

    def pytest_collection_finish(self, session) -> None:
        MARKS["collected"] = time.time()

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session) -> None:
        MARKS.setdefault("scenarios_done", time.time())


def install_probes() -> None:
    from scimulator.simulator import directory
    from scimulator.steps import plugin, reporting

    timed(directory.Directory, "__init__", "directory")
    timed(directory.Directory, "add_person", "directory")
    timed(reporting, "write_all", "reports")
    timed(plugin, "remove_created", "cleanup")  # a real target's data removed at the end (report.json "cleanup")
    run_pytest = pytest.main

    def main_with_marks(args, plugins=()):
        MARKS["pytest"] = time.time()
        return run_pytest(args, plugins=[*plugins, PhaseMarks()])

    pytest.main = main_with_marks


def main(argv: list[str]) -> int:
    marks_file, arguments = Path(argv[0]), argv[1:]
    from scimulator import cli

    if hasattr(cli, "command_main"):  # since issue 15's fourth pass the command pauses the collector before any import
        gc.disable()
    install_probes()

    # As the command runs it (command_main since issue 15's fourth pass; main before).
    status = getattr(cli, "command_main", cli.main)(["run", *arguments])
    import scimulator

    marks_file.write_text(json.dumps({"marks": MARKS, "totals": TOTALS, "status": status,
                                      "package": str(Path(scimulator.__file__).resolve().parent)}))
    return status


if __name__ == "__main__":
    status = main(sys.argv[1:])
    from scimulator import cli

    # The process ends as the command of that version ends it (since issue 15's fourth pass: at once after a run).
    cli.end_process(["run"], status) if hasattr(cli, "end_process") else sys.exit(status)
