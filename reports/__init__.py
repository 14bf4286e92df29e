"""Conformance reports: one result model (``model``) and independent writers over it."""

from .model import BaselineOutcome, RunResult, ScenarioResult, StepResult
from .writers import write_all

__all__ = ["BaselineOutcome", "RunResult", "ScenarioResult", "StepResult", "write_all"]
