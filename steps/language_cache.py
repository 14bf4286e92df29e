"""What reading the feature files yields, kept between runs: the step-language check's answers, and pytest-bdd's
parsed features. A feature file already read by the same code is not read again.

Checking the bundled feature files (parsing each, rendering every scenario, matching every step against the
catalogue) takes about a tenth of a second at the start of every `scimulator run`, before the first request, and
pytest-bdd's own parse of them at collection about 40 ms more. Both depend only on the file (its path and text)
and on the code that reads it, so both are kept on disk: a check's answer under a digest of the file's path and
bytes and of the source of the step definitions and of the language they use (every ``.py`` file of the ``steps``,
``simulator`` and ``reports`` packages); a parsed feature, by the file and the source of pytest-bdd and of the
Gherkin parser, and Python's version.
Any change to either is a new key; an entry is never reused for other text or other code.

The cache lives in ``$SCIMULATOR_CACHE_DIR``, else ``$XDG_CACHE_HOME/scimulator``, else ``~/.cache/scimulator``,
a folder it makes for its user alone (parsed features are loaded only from a folder no other user may write to):
one file per version of the code for each, each holding the newest MAX_ENTRIES files. A cache that cannot be read or
written is left alone: the files are then read as if it were empty.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

import gherkin
import pytest_bdd.feature

import scimulator.reports as reports_package
import scimulator.simulator as simulator_package

# Where the step definitions, their vocabularies and the names they accept (client profiles) are written.
CODE_DIRECTORIES = (Path(__file__).resolve().parent, Path(simulator_package.__file__).resolve().parent,
                    Path(reports_package.__file__).resolve().parent)
# Where a feature file is parsed: pytest-bdd and the Gherkin parser it uses.
PARSER_DIRECTORIES = (Path(pytest_bdd.feature.__file__).resolve().parent, Path(gherkin.__file__).resolve().parent)


def cache_directory() -> Path:
    configured = os.environ.get("SCIMULATOR_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "scimulator"


def file_digest(path: Path) -> str:
    """A feature file's key: its absolute path (as pytest-bdd writes it) and its bytes. Read once per process and
    version of the file (its size and modification time): the step-language check and the parsed features both ask."""
    status = path.stat()
    return _digest_of(os.path.abspath(path), status.st_mtime_ns, status.st_size)


@functools.lru_cache(maxsize=4096)
def _digest_of(filename: str, modified_ns: int, size: int) -> str:
    return hashlib.sha256(filename.encode() + b"\0" + Path(filename).read_bytes()).hexdigest()


MAX_ENTRIES = 2000  # files a cache file remembers, the most recently added: edited files leave old entries behind


def newest(entries: dict) -> dict:
    return dict(list(entries.items())[-MAX_ENTRIES:])


def private_folder(folder: Path) -> bool:
    """The folder is this user's and no one else may write to it: only then is a pickle in it loaded (loading a
    pickle runs what its writer put in it)."""
    try:
        status = folder.stat()
    except OSError:
        return False
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


KEPT_VERSIONS = 4  # files of one kind kept, the most recently written: other versions of the code come and go


def write_whole(path: Path, data: bytes, kind: str) -> None:
    """Write `path` whole, then rename it into place (a reader never sees half a file), and remove all but the
    newest KEPT_VERSIONS files of its `kind` (the start of their names); nothing when it cannot."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False, prefix=path.name,
                                         suffix=".tmp") as temporary:
            temporary.write(data)
        os.replace(temporary.name, path)
        others = sorted((p for p in path.parent.glob(f"{kind}*") if p != path and not p.name.endswith(".tmp")),
                        key=lambda p: p.stat().st_mtime, reverse=True)
        for old in others[KEPT_VERSIONS - 1:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


@functools.cache
def source_digest(directories: tuple[Path, ...]) -> str:
    """A digest of the Python source under the directories, read once per process."""
    digest = hashlib.sha256()
    for directory in directories:
        for path in sorted(directory.rglob("*.py")):
            digest.update(str(path.relative_to(directory.parent)).encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def code_digest() -> str:
    """The checking code's version: a digest of its source."""
    return source_digest(CODE_DIRECTORIES)


def read_kept(path: Path, loads: Callable[[bytes], Any]) -> dict:
    """What a cache file holds, or nothing when there is none or it cannot be read (damaged, foreign)."""
    try:
        kept = loads(path.read_bytes())
    except Exception:  # read afresh then, as if there were no cache
        return {}
    return kept if isinstance(kept, dict) else {}


class CheckedFiles:
    """Feature-file digest -> the problems found in it, for one version of the checking code."""

    KIND = "language-check-"

    def __init__(self, directory: Path | None = None):
        self.path = (directory or cache_directory()) / f"{self.KIND}{code_digest()[:32]}.json"
        self._added = False

    @functools.cached_property
    def answers(self) -> dict[str, list[str]]:
        kept = read_kept(self.path, json.loads)
        return kept if all(isinstance(problems, list) for problems in kept.values()) else {}

    def get(self, digest: str) -> list[str] | None:
        found = self.answers.get(digest)
        return list(found) if found is not None else None

    def put(self, digest: str, problems: list[str]) -> None:
        self.answers[digest] = list(problems)
        self._added = True

    def save(self) -> None:
        """Write what was added."""
        if self._added:
            write_whole(self.path, json.dumps(newest(self.answers)).encode("utf-8"), self.KIND)
            self._added = False


def parsed_table() -> dict | None:
    """pytest-bdd's own table of the feature files it parsed (absolute path -> Feature), which its collection reads
    before parsing a file: an internal of pytest-bdd, used knowingly (tests/suite/test_run_settings.py names it).
    None where a pytest-bdd keeps no such table: nothing is lent or kept then, and every file is parsed."""
    table = getattr(pytest_bdd.feature, "features", None)
    return table if isinstance(table, dict) else None


class ParsedFeatures:
    """pytest-bdd's parsed feature `files`, by file digest, for one version of pytest-bdd, of the Gherkin parser
    and of Python (a parse depends on nothing else: the versions are digests of the two packages' source).
    `lend` puts those kept into pytest-bdd's own table of parsed features, so that its collection does not parse
    them again; `keep` stores those it parsed."""

    KIND = "parsed-features-"

    def __init__(self, files: list[Path], directory: Path | None = None):
        parsers = source_digest(PARSER_DIRECTORIES)[:24]
        python = f"{sys.version_info[0]}.{sys.version_info[1]}"
        self.path = (directory or cache_directory()) / f"{self.KIND}{parsers}-{python}.pickle"
        self.digests = {os.path.abspath(path): file_digest(path) for path in files}  # each file read once

    @functools.cached_property
    def kept(self) -> dict:
        return read_kept(self.path, pickle.loads) if private_folder(self.path.parent) else {}

    def lend(self) -> None:
        table = parsed_table()
        for filename, digest in self.digests.items() if table is not None else ():
            feature = self.kept.get(digest)
            if feature is not None and feature.filename == filename:
                table.setdefault(filename, feature)

    def keep(self) -> None:
        table = parsed_table()
        if table is None:
            return
        new = {digest: table[filename] for filename, digest in self.digests.items()
               if filename in table and digest not in self.kept}
        if new:
            self.kept.update(new)
            write_whole(self.path, pickle.dumps(newest(self.kept), protocol=pickle.HIGHEST_PROTOCOL), self.KIND)
