"""scimulator's version, written in one place only: pyproject.toml.

Installed, the package metadata carries it (``importlib.metadata``); in a checkout that was never
installed, it is read from the pyproject.toml beside this room. Every user asks here: the read-backs'
``User-Agent: scimulator-verify/<version>``, ``scimulator --version`` and report.json's tool.version.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as installed_version
from pathlib import Path

DISTRIBUTION = "scimulator"
UNKNOWN = "0+unknown"  # neither installed nor in a checkout: said plainly rather than guessed
CHECKOUT_PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


@cache
def tool_version() -> str:
    """The installed distribution's version; else the checkout's pyproject.toml; else ``UNKNOWN``."""
    try:
        return installed_version(DISTRIBUTION)
    except PackageNotFoundError:
        return checkout_version(CHECKOUT_PYPROJECT) or UNKNOWN


def checkout_version(pyproject: Path) -> str | None:
    """``[project].version`` of a pyproject.toml that describes scimulator; None when there is none."""
    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return project.get("version") if project.get("name") == DISTRIBUTION else None
