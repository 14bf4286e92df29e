"""report.json: the machine-readable result (its contract is reports/report.schema.json)."""

from __future__ import annotations

from .json_text import indented
from .model import RunResult


def render(run: RunResult) -> str:
    return indented(run.to_dict(), default=str) + "\n"
