"""The settings of one run of the conformance suite, as one object.

`scimulator run` builds a RunSettings from its arguments and hands it to pytest as a plugin object
(``pytest.main(args, plugins=[settings])``); plain ``pytest`` builds it from the plugin's options, which
take the command's names (``--target``, ``--token``, ``--idp``, ``--profile``, ...). Either way the token
is read once, from the option or from SCIMULATOR_TOKEN, and never written back to the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from scimulator.reports.model import BUNDLED_FEATURES

TOKEN_VARIABLE = "SCIMULATOR_TOKEN"
IDPS = ("okta", "entra", "rfc7644", "vendor")


class SettingsError(ValueError):
    """A setting the run cannot use; the message is one plain sentence."""


@dataclass(frozen=True)
class RunSettings:
    """Which target, which token, which scenarios, and where the results go."""

    target: str | None = None  # None: the bundled reference server
    token: str | None = field(default=None, repr=False)  # never in a repr: tracebacks print values
    idps: tuple[str, ...] = ()  # empty: every client
    tags: str | None = None
    profile: str | None = None
    preset: str | None = None
    features: tuple[str, ...] = ()  # empty: the bundled feature files
    report_dir: str | None = None
    baseline: str | None = None
    write_baseline: str | None = None
    deadline: float | None = None  # seconds after the session starts; no scenario starts past it
    keep_data: bool = False

    @property
    def feature_directories(self) -> list[str]:
        return list(self.features) or [BUNDLED_FEATURES]

    def marker_expression(self) -> str | None:
        """The pytest marker expression that selects the chosen clients and tags."""
        parts = []
        if self.idps:
            unknown = [idp for idp in self.idps if idp not in IDPS]
            if unknown:
                raise SettingsError(f"--idp takes {', '.join(IDPS)}, not {', '.join(unknown)}")
            parts.append("(" + " or ".join(self.idps) + ")")
        if self.tags:
            parts.append(f"({self.tags.replace('@', '')})")
        return " and ".join(parts) or None

    def selection(self) -> dict:
        """What was asked for, as report.json's 'selection' records it."""
        return {"profile": self.profile, "preset": self.preset, "idps": list(self.idps) or list(IDPS),
                "tags": self.tags, "features": self.feature_directories}


def token_from_environment() -> str | None:
    return os.environ.get(TOKEN_VARIABLE) or None


# The settings of the session being collected: the feature directories reach steps/test_conformance.py,
# which pytest imports while collecting, from here (set in pytest_configure, cleared in pytest_unconfigure).
_active: list[RunSettings] = []


def activate(settings: RunSettings) -> None:
    _active.append(settings)


def deactivate(settings: RunSettings) -> None:
    _active[:] = [active for active in _active if active is not settings]


def active_settings() -> RunSettings:
    """The settings of the session now running (the defaults when none is)."""
    return _active[-1] if _active else RunSettings()
