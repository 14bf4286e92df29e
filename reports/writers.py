"""Write every report of a run into one directory."""

from __future__ import annotations

from pathlib import Path

from reports import html_writer, json_writer, junit_writer, markdown_writer
from reports.model import RunResult

FILES = {"report.json": json_writer.render, "report.html": html_writer.render, "summary.md": markdown_writer.render,
         "junit.xml": junit_writer.render}


def write_all(run: RunResult, directory: Path) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, render in FILES.items():
        path = directory / name
        path.write_text(render(run), encoding="utf-8")
        written[name] = path
    return written
