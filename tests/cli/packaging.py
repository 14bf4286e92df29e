"""Helpers for the tests that build scimulator and install it into fresh virtual environments.

Nothing is built inside the checkout: the tree is copied to a temporary directory first (the files git
tracks or would track, as they are on disk), so no `build/` or stale `*.egg-info` is left behind and a
file deleted from the checkout is never shipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INSTALL_TIMEOUT = 900


NOT_SOURCES = shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__", ".pytest_cache",
                                     ".hypothesis", "scimulator-report", "*.db")


def copy_of_the_checkout(destination: Path) -> Path:
    """The checkout's files (tracked, or new and not ignored) copied to ``destination``.

    A tree that is no git checkout (an unpacked archive) is copied whole, less what builds and runs leave.
    """
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                             capture_output=True)
    if listing.returncode != 0:
        return Path(shutil.copytree(ROOT, destination, ignore=NOT_SOURCES, dirs_exist_ok=True))
    for name in filter(None, listing.stdout.decode().split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the work tree is not copied
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination


def build_wheel(tree: Path, into: Path) -> Path:
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(into), str(tree)],
                            capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (wheel,) = into.glob("scimulator-*.whl")
    return wheel


def clean_environment() -> dict[str, str]:
    """This process's environment without what would point a child at the checkout or hand it a secret."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("SCIMULATOR_", "PYTEST_", "PYTHON", "VIRTUAL_ENV"))}


def fresh_venv(directory: Path) -> Path:
    """A new virtual environment with pip; returns its bin/ folder."""
    venv.EnvBuilder(with_pip=True).create(directory)
    return directory / "bin"


def pip_install(bin_dir: Path, *what: str) -> None:
    result = subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", *what], capture_output=True,
                            text=True, timeout=INSTALL_TIMEOUT, env=clean_environment())
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def readme_block(marker: str) -> str:
    """The fenced block of README.md right after the comment `<!-- scimulator:<marker> ... -->`."""
    lines = (ROOT / "README.md").read_text().splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(f"<!-- scimulator:{marker}"))
    opening = start + 1
    assert lines[opening].startswith("```"), f"README.md: no fenced block right after the {marker} marker"
    closing = next(n for n in range(opening + 1, len(lines)) if lines[n].startswith("```"))
    return "\n".join(lines[opening + 1:closing]) + "\n"
