"""One version source: pyproject.toml. `scimulator --version`, the read-backs' User-Agent and report.json's
tool.version all say what it says."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError
from pathlib import Path

from scimulator.simulator import VERIFY, Transport
from scimulator.simulator import version as version_module
from scimulator.simulator.transport import TOOL_VERSION
from tests.conftest import TOKEN

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def written_version() -> str:
    return tomllib.loads(PYPROJECT.read_text())["project"]["version"]


def test_the_command_the_user_agent_and_pyproject_agree(server):
    printed = subprocess.run([sys.executable, "-m", "scimulator", "--version"], capture_output=True, text=True,
                             timeout=60, check=True).stdout.strip()
    with Transport(server.base_url, TOKEN, VERIFY) as http:
        sent = http.get("/ServiceProviderConfig").request_headers["User-Agent"]
    assert printed == f"scimulator {written_version()}"
    assert sent == f"scimulator-verify/{written_version()}"
    assert TOOL_VERSION == written_version()  # report.json's tool.version


def test_not_installed_the_checkouts_pyproject_is_read(monkeypatch):
    def not_installed(name):
        raise PackageNotFoundError(name)

    monkeypatch.setattr(version_module, "installed_version", not_installed)
    version_module.tool_version.cache_clear()
    try:
        assert version_module.tool_version() == written_version()
        monkeypatch.setattr(version_module, "CHECKOUT_PYPROJECT", PYPROJECT.parent / "no-such-pyproject.toml")
        version_module.tool_version.cache_clear()
        assert version_module.tool_version() == version_module.UNKNOWN
    finally:
        version_module.tool_version.cache_clear()


def test_another_projects_pyproject_is_not_taken_for_ours(tmp_path):
    other = tmp_path / "pyproject.toml"
    other.write_text('[project]\nname = "someone-else"\nversion = "9.9.9"\n')
    assert version_module.checkout_version(other) is None
    other.write_text("not toml [")
    assert version_module.checkout_version(other) is None
