"""Write every report of a run into one directory: the reports, exchanges.har, and replay/<scenario>.sh per failure."""

from __future__ import annotations

from pathlib import Path

from . import har, html_writer, json_writer, junit_writer, markdown_writer
from .model import RunResult
from .replay import replay_script, script_path

FILES = {"report.json": json_writer.render, "report.html": html_writer.render, "summary.md": markdown_writer.render,
         "junit.xml": junit_writer.render, "exchanges.har": har.render}


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


def write_all(run: RunResult, directory: Path) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = write_replays(run, directory)
    for name, render in FILES.items():
        path = directory / name
        path.write_text(render(run), encoding="utf-8")
        written[name] = path
    return written
