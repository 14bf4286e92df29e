"""report.json: the machine-readable result (its contract is reports/report.schema.json)."""

from __future__ import annotations

import json

from .model import RunResult


def render(run: RunResult) -> str:
    return json.dumps(run.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n"
