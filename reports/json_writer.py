"""report.json: the machine-readable result (its contract is reports/report.schema.json)."""

from __future__ import annotations

from .json_text import shown
from .model import RunResult


def render(run: RunResult) -> str:
    return shown(run.to_dict(), default=str) + "\n"
