"""What the seed vendors promise around their SCIM endpoint, kept beside the SCIM data in SQLite.

- SCIM configurations (SingleStore): creating one shows its secret once and deactivates the active
  one; regenerating a secret invalidates the old one; only one configuration is active; deactivating
  keeps the users; removing one deletes the users and groups it provisioned.
- Token rotation (CloudThinker): the old token stays valid for 24 hours beside the new one.
- Teams (SingleStore teams, CloudThinker workspace mappings): a group carries a role for its members.
- Sync logs (CloudThinker): every SCIM write as timestamp, action, resource, SUCCESS / SKIPPED / FAILED.

Secrets are stored as SHA-256 hashes only, like the static tokens in ``auth``.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from datetime import timedelta

from .auth import token_hash
from .clock import ServerClock, iso

ROTATION_OVERLAP = timedelta(hours=24)  # CloudThinker: "the old token stays valid for 24 more hours"

VENDOR_SQL = """
CREATE TABLE IF NOT EXISTS scim_configurations (
    id TEXT PRIMARY KEY, description TEXT NOT NULL, active INTEGER NOT NULL, created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS scim_secrets (
    hash BLOB PRIMARY KEY, configuration_id TEXT NOT NULL, expires TEXT
);
CREATE TABLE IF NOT EXISTS ownership (
    resource_id TEXT PRIMARY KEY, resource_type TEXT NOT NULL, configuration_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ownership_by_configuration ON ownership(configuration_id);
CREATE TABLE IF NOT EXISTS sync_log (
    seq INTEGER PRIMARY KEY, at TEXT NOT NULL, action TEXT NOT NULL, resource_type TEXT,
    resource_id TEXT, status TEXT NOT NULL, http_status INTEGER NOT NULL, detail TEXT, configuration_id TEXT
);
CREATE TABLE IF NOT EXISTS team_roles (
    group_id TEXT PRIMARY KEY, role TEXT NOT NULL, workspaces TEXT NOT NULL
);
"""


@dataclass
class Configuration:
    id: str
    description: str
    active: bool
    created: str

    def to_dict(self) -> dict:
        return {"id": self.id, "description": self.description, "active": self.active, "created": self.created}


class VendorStore:
    def __init__(self, path: str, clock: ServerClock):
        self.path = path
        self.clock = clock
        self._local = threading.local()
        self._raw().executescript(VENDOR_SQL)

    def _raw(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            conn.execute("PRAGMA busy_timeout = 60000")
            conn.execute("PRAGMA synchronous = NORMAL")  # as the SCIM store: WAL makes NORMAL crash-safe
            self._local.conn = conn
        return conn

    def _conn(self, write: bool = True) -> "_Transaction":
        return _Transaction(self._raw(), write)

    # --- configurations -------------------------------------------------------------------------

    def configurations(self) -> list[Configuration]:
        with self._conn(write=False) as conn:
            rows = conn.execute("SELECT id, description, active, created FROM scim_configurations ORDER BY created")
            return [Configuration(r[0], r[1], bool(r[2]), r[3]) for r in rows]

    def configuration(self, configuration_id: str) -> Configuration | None:
        return next((c for c in self.configurations() if c.id == configuration_id), None)

    def create_configuration(self, description: str) -> tuple[Configuration, str]:
        """A new active configuration and its secret (returned once, never stored in clear)."""
        configuration = Configuration(str(uuid.uuid4()), description, True, self.clock())
        secret = secrets.token_urlsafe(32)
        with self._conn() as conn:
            conn.execute("UPDATE scim_configurations SET active = 0")
            conn.execute("INSERT INTO scim_configurations VALUES (?, ?, 1, ?)",
                         (configuration.id, description, configuration.created))
            conn.execute("INSERT INTO scim_secrets VALUES (?, ?, NULL)", (token_hash(secret), configuration.id))
        return configuration, secret

    def new_secret(self, configuration_id: str, keep_old_for: timedelta | None) -> str:
        """Regenerate (old secrets die now) or rotate (old secrets live `keep_old_for` longer)."""
        secret = secrets.token_urlsafe(32)
        with self._conn() as conn:
            if keep_old_for is None:
                conn.execute("DELETE FROM scim_secrets WHERE configuration_id = ?", (configuration_id,))
            else:
                conn.execute("UPDATE scim_secrets SET expires = ? WHERE configuration_id = ? AND expires IS NULL",
                             (iso(self.clock.now() + keep_old_for), configuration_id))
            conn.execute("INSERT INTO scim_secrets VALUES (?, ?, NULL)", (token_hash(secret), configuration_id))
        return secret

    def set_active(self, configuration_id: str, active: bool) -> None:
        with self._conn() as conn:
            if active:
                conn.execute("UPDATE scim_configurations SET active = 0")
            conn.execute("UPDATE scim_configurations SET active = ? WHERE id = ?", (int(active), configuration_id))

    def remove_configuration(self, configuration_id: str) -> list[tuple[str, str]]:
        """Forget the configuration; returns (resource type, id) of what it provisioned, for the caller to delete."""
        with self._conn() as conn:
            owned = conn.execute("SELECT resource_type, resource_id FROM ownership WHERE configuration_id = ?",
                                 (configuration_id,)).fetchall()
            conn.execute("DELETE FROM ownership WHERE configuration_id = ?", (configuration_id,))
            conn.execute("DELETE FROM scim_secrets WHERE configuration_id = ?", (configuration_id,))
            conn.execute("DELETE FROM scim_configurations WHERE id = ?", (configuration_id,))
        return owned

    def configuration_for(self, token_digest: bytes) -> tuple[str | None, str | None]:
        """(configuration id, why not accepted) for a presented secret's hash; (None, None) if unknown.

        The lookup is by SHA-256 digest of a 256-bit random secret, so it reveals nothing useful by timing.
        It only reads: a caller with an unknown token never takes the write lock.
        """
        with self._conn(write=False) as conn:
            row = conn.execute("SELECT s.configuration_id, s.expires, c.active FROM scim_secrets s JOIN "
                               "scim_configurations c ON c.id = s.configuration_id WHERE s.hash = ?",
                               (token_digest,)).fetchone()
        if row is None:
            return None, None
        configuration_id, expires, active = row
        if expires is not None and expires <= self.clock():
            return configuration_id, "This bearer token was rotated more than 24 hours ago and no longer works."
        if not active:
            return configuration_id, "The SCIM configuration this token belongs to is deactivated."
        return configuration_id, None

    # --- ownership, teams, limits, logs ----------------------------------------------------------

    def record_committed(self, conn: sqlite3.Connection, action: str, resource_type: str, resource_id: str,
                         configuration_id: str | None) -> None:
        """A successful SCIM write's log line (and, for a create, its owner), on the write's own connection and
        inside its transaction: the change and its record commit together or not at all."""
        if action == "CREATE" and configuration_id:
            _insert_ownership(conn, resource_type, resource_id, configuration_id)
        _insert_log(conn, self.clock(), action, resource_type, resource_id, "SUCCESS", COMMITTED_STATUS[action], None,
                    configuration_id)

    def set_team(self, group_id: str, role: str, workspaces: list[str]) -> None:
        with self._conn() as conn:
            conn.execute("INSERT OR REPLACE INTO team_roles VALUES (?, ?, ?)", (group_id, role, json.dumps(workspaces)))

    def team(self, group_id: str) -> tuple[str, list[str]] | None:
        with self._conn(write=False) as conn:
            row = conn.execute("SELECT role, workspaces FROM team_roles WHERE group_id = ?", (group_id,)).fetchone()
        return (row[0], json.loads(row[1])) if row else None

    def log(self, action: str, resource_type: str | None, resource_id: str | None, status: str, http_status: int,
            detail: str | None, configuration_id: str | None) -> None:
        with self._conn() as conn:
            _insert_log(conn, self.clock(), action, resource_type, resource_id, status, http_status, detail,
                        configuration_id)

    def logs(self, limit: int = 200) -> list[dict]:
        with self._conn(write=False) as conn:
            rows = conn.execute("SELECT at, action, resource_type, resource_id, status, http_status, detail, "
                                "configuration_id FROM sync_log ORDER BY seq DESC LIMIT ?", (limit,)).fetchall()
        keys = ("timestamp", "action", "resourceType", "resourceId", "status", "httpStatus", "detail", "configuration")
        return [dict(zip(keys, row)) for row in rows]


COMMITTED_STATUS = {"CREATE": 201, "UPDATE": 200, "DELETE": 204}


def _insert_ownership(conn: sqlite3.Connection, resource_type: str, resource_id: str, configuration_id: str) -> None:
    conn.execute("INSERT OR REPLACE INTO ownership VALUES (?, ?, ?)", (resource_id, resource_type, configuration_id))


def _insert_log(conn: sqlite3.Connection, at: str, action: str, resource_type: str | None, resource_id: str | None,
                status: str, http_status: int, detail: str | None, configuration_id: str | None) -> None:
    conn.execute("INSERT INTO sync_log (at, action, resource_type, resource_id, status, http_status, detail, "
                 "configuration_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (at, action, resource_type, resource_id, status, http_status, detail, configuration_id))


class _Transaction:
    """`with store._conn() as conn:` runs the block in one immediate transaction (a plain one to only read)."""

    def __init__(self, conn: sqlite3.Connection, write: bool = True):
        self.conn = conn
        self.write = write

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE" if self.write else "BEGIN")
        return self.conn

    def __exit__(self, kind, value, trace) -> None:
        self.conn.execute("ROLLBACK" if kind else "COMMIT")


