"""Writing a load run's report: through the reports room's load writer (report.json with its "load"
section, report.html with the plots, summary.md, junit.xml)."""

from __future__ import annotations

import json
from pathlib import Path

from scimulator.simulator.transport import TOOL_VERSION


def write_report(report_dir: Path, load: dict, bundled: bool) -> None:
    try:
        from scimulator.reports.load import write_load_report
    except ImportError:  # the reports room without its load writer: report.json alone
        (report_dir / "report.json").write_text(json.dumps({"load": load}, indent=2) + "\n", encoding="utf-8")
        return
    write_load_report(report_dir, load, tool_version=TOOL_VERSION, bundled=bundled)
