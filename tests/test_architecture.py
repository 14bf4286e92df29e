"""The import arrows of the house plan, read from the code with `ast`.

Installed, every room is a subpackage of `scimulator` (`scimulator.steps`, ...). The arrows point one
way: `simulator`, `reports` and `reference_server` import none of the other rooms; `steps` imports
`simulator`, `reports` and `reference_server` (the embedded default server) only; `load` (the Locust
users of `scimulator load`) imports the same three, and no room imports it; the command's own
modules are imported by the command alone; and no module names a room by its bare top-level name,
which would load a second copy of it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ROOMS = ("steps", "simulator", "reports", "reference_server", "features", "load")
COMMAND = "scimulator"  # the command's own folder: scimulator/cli.py, run.py, progress.py, server.py ...
ALLOWED = {
    "simulator": set(),
    "reports": set(),
    "reference_server": set(),
    "features": set(),
    "steps": {"simulator", "reports", "reference_server"},
    "load": {"simulator", "reports", "reference_server"},
}
OTHER_PYTHON = ("tests", "bench", "conftest.py")


@dataclass(frozen=True)
class Import:
    module: str  # "scimulator.reports.model", as Python resolves it
    written: str  # as the source says it, for the message
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line} {self.written}"


def package_of(relative: Path) -> str:
    """The dotted package a file of the checkout is installed as: steps/plugin.py -> scimulator.steps."""
    parts = list(relative.parent.parts)
    if parts and parts[0] in ROOMS:
        return ".".join(["scimulator", *parts])
    return ".".join(parts)


def resolve(node: ast.ImportFrom, package: str) -> list[str]:
    """The absolute module(s) a `from ... import ...` reads: the one named, and each name under it (which may
    be a module: `from scimulator import cli`, `from . import judge`)."""
    if node.level:
        base = package.split(".")[:len(package.split(".")) - node.level + 1]
        stem = ".".join(base + ([node.module] if node.module else []))
    else:
        stem = node.module or ""
    return [stem] + [f"{stem}.{alias.name}" for alias in node.names if alias.name != "*"]


def plugin_names(node: ast.Assign) -> list[str]:
    """`pytest_plugins = ["scimulator.steps.plugin"]` imports by string."""
    if any(isinstance(t, ast.Name) and t.id == "pytest_plugins" for t in node.targets) \
            and isinstance(node.value, (ast.List, ast.Tuple)):
        return [e.value for e in node.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def imports_of(path: Path, root: Path = ROOT) -> list[Import]:
    """Every import of one file, in source order, inner ones (in functions) included."""
    tree = ast.parse(path.read_text(), filename=str(path))
    relative = path.relative_to(root)
    package, path = package_of(relative), str(relative)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(alias.name, f"import {alias.name}", path, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            written = f"from {'.' * node.level}{node.module or ''} import {', '.join(a.name for a in node.names)}"
            found += [Import(module, written, path, node.lineno) for module in resolve(node, package)]
        elif isinstance(node, ast.Assign):
            found += [Import(name, f"pytest_plugins {name}", path, node.lineno) for name in plugin_names(node)]
    return sorted(found, key=lambda i: i.line)


def python_files(*places: str) -> list[Path]:
    files = []
    for place in places:
        target = ROOT / place
        files += [target] if target.is_file() else sorted(target.rglob("*.py"))
    return [f for f in files if "__pycache__" not in f.parts]


def room_of(module: str) -> str | None:
    """The room an absolute module belongs to: scimulator.reports.model -> reports."""
    parts = module.split(".")
    if parts[0] == "scimulator" and len(parts) > 1 and parts[1] in ROOMS:
        return parts[1]
    return None


def command_modules() -> set[str]:
    """The command's own modules, as they are on disk: cli, run, progress, server, __main__, ..."""
    return {path.stem for path in (ROOT / COMMAND).glob("*.py") if path.stem != "__init__"}


def is_command_module(module: str) -> bool:
    """One of the command's own modules (scimulator.cli, scimulator.run, ...), or a name inside one."""
    parts = module.split(".")
    return parts[0] == COMMAND and len(parts) > 1 and parts[1] in command_modules()


@pytest.mark.parametrize("room", sorted(ALLOWED))
def test_each_room_imports_only_the_rooms_the_plan_allows(room):
    crossing = sorted({str(i) for f in python_files(room) for i in imports_of(f)
                if room_of(i.module) not in (None, room, *ALLOWED[room])})
    assert not crossing, f"{room} may import {sorted(ALLOWED[room]) or 'none of the other rooms'}: {crossing}"


@pytest.mark.parametrize("room", sorted(ALLOWED))
def test_no_room_imports_the_commands_own_modules(room):
    reaching_up = sorted({str(i) for f in python_files(room) for i in imports_of(f) if is_command_module(i.module)})
    assert not reaching_up, f"only the command imports scimulator.cli, .run, .progress, .server: {reaching_up}"


def test_no_module_imports_a_room_by_its_bare_name():
    bare = sorted({str(i) for f in python_files(*ROOMS, COMMAND, *OTHER_PYTHON) for i in imports_of(f)
            if i.module.split(".")[0] in ROOMS})
    assert not bare, f"import a room as scimulator.<room> (a bare name loads a second copy): {bare}"


def test_the_reader_sees_every_kind_of_import(tmp_path):
    """The checks above cannot pass by reading nothing: each kind of import is found and resolved."""
    (tmp_path / "steps").mkdir()
    sample = tmp_path / "steps" / "sample.py"
    sample.write_text("import steps\nfrom reports import model\nfrom . import judge\nfrom .. import run\n"
                      "def late():\n    from scimulator.simulator.transport import REDACTED\n"
                      "pytest_plugins = ['scimulator.cli']\n")
    modules = [i.module for i in imports_of(sample, root=tmp_path)]
    assert modules == ["steps", "reports", "reports.model", "scimulator.steps", "scimulator.steps.judge",
                       "scimulator", "scimulator.run", "scimulator.simulator.transport",
                       "scimulator.simulator.transport.REDACTED", "scimulator.cli"]
    assert [room_of(m) for m in modules] == [None, None, None, "steps", "steps", None, None, "simulator",
                                             "simulator", None]
    assert [m for m in modules if is_command_module(m)] == ["scimulator.run", "scimulator.cli"]
    assert not is_command_module("scimulator.__version__") and not is_command_module("scimulator.steps.plugin")
