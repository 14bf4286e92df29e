"""Collects every scenario under features/ (the suite itself lives in the .feature files)."""

from pathlib import Path

from pytest_bdd import scenarios

scenarios(str(Path(__file__).resolve().parent.parent / "features"))
