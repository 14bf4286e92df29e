"""Writing a load run's report: through the reports room's load writer (report.json with its "load"
section, report.html with the plots, summary.md, junit.xml)."""

from __future__ import annotations

from pathlib import Path

from scimulator.reports.load import write_load_report
from scimulator.simulator.transport import TOOL_VERSION


def write_report(report_dir: Path, load: dict, bundled: bool) -> None:
    write_load_report(report_dir, load, tool_version=TOOL_VERSION, bundled=bundled)
