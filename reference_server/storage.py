"""SQLite storage for Users and Groups: one file, WAL, one connection per server thread.

Each resource is a row holding its JSON document plus the columns that indexes answer from:
``user_name`` and ``display_name`` folded to lower case (both are caseExact=false, RFC 7643
section 4.1.1 and 4.2), ``external_id`` as sent. The unique partial indexes are what make
``userName`` and a group's ``displayName`` unique, even under concurrent creates. Group
membership lives in its own table so that a user's ``groups`` is one indexed lookup.

Every write runs in ``BEGIN IMMEDIATE``. A change (PATCH, PUT) is first computed on a snapshot outside
SQLite's write lock and written only if the resource is still at that version, else computed again
under the lock: concurrent PATCHes to one group never lose an update, and a large one holds no other
writer back while it is worked out.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator

from .errors import ScimError, bad_request, conflict, not_found
from .filter import fold
from .schema import GROUP, USER, ResourceType

SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS resources (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    user_name TEXT,
    external_id TEXT,
    display_name TEXT,
    version INTEGER NOT NULL,
    created TEXT NOT NULL,
    last_modified TEXT NOT NULL,
    password_hash TEXT,
    doc TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS users_by_user_name ON resources(user_name) WHERE type = 'User';
CREATE UNIQUE INDEX IF NOT EXISTS groups_by_display_name ON resources(display_name) WHERE type = 'Group';
CREATE INDEX IF NOT EXISTS by_external_id ON resources(type, external_id);
CREATE INDEX IF NOT EXISTS by_display_name ON resources(type, display_name);
CREATE INDEX IF NOT EXISTS by_type ON resources(type, seq);
CREATE TABLE IF NOT EXISTS members (
    group_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    display TEXT,
    position INTEGER NOT NULL,
    PRIMARY KEY (group_id, member_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS members_by_member ON members(member_id);
CREATE INDEX IF NOT EXISTS members_in_order ON members(group_id, position);
"""

# SQLite's default limit on bound parameters is 32766 since 3.32; stay well below it.
_CHUNK = 500


@dataclass
class Stored:
    """A resource as stored: its document plus the server-kept fields RFC 7643 3.1 defines."""

    id: str
    type: str
    version: int
    created: str
    last_modified: str
    doc: dict
    members: list[dict] | None = None  # Groups: [{"value", "display"?, "type"}]
    groups: list[dict] = field(default_factory=list)  # Users: [{"value", "display"}]


# scrypt from the standard library (no new dependency): memory-hard, with the interactive-login cost of the
# scrypt paper (N=2^14, r=8, p=1: 16 MiB and tens of milliseconds), r and p as RFC 7914 section 2 advises.
# The parameters are stored with each hash, so a later cost can be adopted without losing old hashes.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def hash_password(password: str, salt: bytes | None = None, n: int = SCRYPT_N, r: int = SCRYPT_R,
                  p: int = SCRYPT_P) -> str:
    """``scrypt$N$r$p$salt$key`` (hex), with a fresh 16-byte salt unless one is given."""
    salt = secrets.token_bytes(16) if salt is None else salt
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)
    return f"scrypt${n}${r}${p}${salt.hex()}${key.hex()}"


def password_matches(password: str, stored: str) -> bool:
    _, n, r, p, salt, key = stored.split("$")
    expected = hash_password(password, bytes.fromhex(salt), int(n), int(r), int(p))
    return hmac.compare_digest(expected.rsplit("$", 1)[1], key)


def _password_hash_of(doc: dict) -> tuple[dict, list | None, str | None]:
    """(the document without members and password, the members, the password's hash): hashed before any lock."""
    doc = dict(doc)
    members = doc.pop("members", None)
    password = doc.pop("password", None)
    return doc, members, hash_password(password) if password else None


def _index_columns(rtype: ResourceType, doc: dict) -> tuple:
    user_name = doc.get("userName")
    display = doc.get("displayName")
    return (
        fold(user_name) if rtype is USER and isinstance(user_name, str) else None,
        doc.get("externalId"),
        fold(display) if isinstance(display, str) else None,
    )


class Storage:
    def __init__(self, path: str, clock: Callable[[], str]):
        self.path = path
        self.clock = clock
        # Called inside each write's transaction as (connection, CREATE|UPDATE|DELETE, type, id): the sync log.
        self.journal: Callable[[sqlite3.Connection, str, str, str], None] = lambda *written: None
        self._local = threading.local()
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, exist_ok=True)
        with self._connection() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA_SQL)

    # --- connections and transactions ----------------------------------------------------------

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=60)
            conn.execute("PRAGMA busy_timeout = 60000")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = OFF")
            self._local.conn = conn
        yield conn

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[sqlite3.Connection]:
        with self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # --- reads ---------------------------------------------------------------------------------

    def get(self, rtype: ResourceType, resource_id: str) -> Stored:
        with self._transaction(write=False) as conn:
            return self._load(conn, rtype, resource_id)

    def _load(self, conn: sqlite3.Connection, rtype: ResourceType, resource_id: str) -> Stored:
        row = conn.execute(
            "SELECT id, type, version, created, last_modified, doc FROM resources WHERE id = ? AND type = ?",
            (resource_id, rtype.name),
        ).fetchone()
        if row is None:
            raise not_found(f"No {rtype.name} with id '{resource_id}'.")
        return self._attach(conn, [self._stored(row)])[0]

    @staticmethod
    def _stored(row: tuple) -> Stored:
        return Stored(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]))

    def _attach(self, conn: sqlite3.Connection, items: list[Stored]) -> list[Stored]:
        """Fill in members of groups and groups of users, a chunk of ids per query."""
        groups = {s.id: s for s in items if s.type == "Group"}
        users = {s.id: s for s in items if s.type == "User"}
        for group in groups.values():
            group.members = []
        for user in users.values():
            user.groups = []
        for chunk in _chunks(list(groups)):
            rows = conn.execute(
                f"SELECT m.group_id, m.member_id, m.display, r.type FROM members m JOIN resources r ON r.id = m.member_id "
                f"WHERE m.group_id IN ({','.join('?' * len(chunk))}) ORDER BY m.group_id, m.position",
                chunk,
            )
            for group_id, member_id, display, member_type in rows:
                member = {"value": member_id, "type": member_type}
                if display is not None:
                    member["display"] = display
                groups[group_id].members.append(member)
        for chunk in _chunks(list(users)):
            rows = conn.execute(
                f"SELECT m.member_id, m.group_id, json_extract(r.doc, '$.displayName') FROM members m "
                f"JOIN resources r ON r.id = m.group_id WHERE m.member_id IN ({','.join('?' * len(chunk))}) "
                f"ORDER BY r.seq",
                chunk,
            )
            for member_id, group_id, display in rows:
                users[member_id].groups.append({"value": group_id, "display": display})
        return items

    def find(self, rtype: ResourceType, hint: tuple[str, str] | None) -> list[Stored]:
        """Candidates for a filter: the rows an index hint names, or every row of the type."""
        with self._transaction(write=False) as conn:
            sql = "SELECT id, type, version, created, last_modified, doc FROM resources WHERE type = ?"
            params: list = [rtype.name]
            if hint is not None:
                column, value = hint
                if column in ("user_name", "display_name"):
                    value = fold(value)
                sql += f" AND {column} = ?"
                params.append(value)
            sql += " ORDER BY seq"
            items = [self._stored(row) for row in conn.execute(sql, params)]
            return self._attach(conn, items)

    def page(self, rtype: ResourceType, offset: int, limit: int) -> tuple[int, list[Stored]]:
        """An unfiltered, unsorted page in creation order, straight from the index."""
        with self._transaction(write=False) as conn:
            total = conn.execute("SELECT COUNT(*) FROM resources WHERE type = ?", (rtype.name,)).fetchone()[0]
            rows = conn.execute(
                "SELECT id, type, version, created, last_modified, doc FROM resources WHERE type = ? "
                "ORDER BY seq LIMIT ? OFFSET ?",
                (rtype.name, limit, offset),
            )
            return total, self._attach(conn, [self._stored(row) for row in rows])

    def count(self, rtype: ResourceType) -> int:
        with self._connection() as conn:
            return conn.execute("SELECT COUNT(*) FROM resources WHERE type = ?", (rtype.name,)).fetchone()[0]

    # --- writes --------------------------------------------------------------------------------

    def create(self, rtype: ResourceType, doc: dict, before: Callable[[sqlite3.Connection], None] | None = None) -> Stored:
        doc, members, password_hash = _password_hash_of(doc)
        with self._transaction(write=True) as conn:
            if before is not None:
                before(conn)
            resource_id = str(uuid.uuid4())
            now = self.clock()
            self._insert(conn, rtype, resource_id, doc, now, password_hash)
            if rtype is GROUP:
                self._write_members(conn, resource_id, members or [], [])
            self.journal(conn, "CREATE", rtype.name, resource_id)
            return self._load(conn, rtype, resource_id)

    def _insert(self, conn, rtype, resource_id, doc, now, password_hash) -> None:
        try:
            conn.execute(
                "INSERT INTO resources (id, type, user_name, external_id, display_name, version, created, "
                "last_modified, password_hash, doc) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?)",
                (resource_id, rtype.name, *_index_columns(rtype, doc), now, now,
                 password_hash, json.dumps(doc, ensure_ascii=False)),
            )
        except sqlite3.IntegrityError as error:
            raise _uniqueness(rtype, doc, error) from None

    def modify(self, rtype: ResourceType, resource_id: str, change: Callable[[Stored], dict],
               if_match: Callable[[Stored], None] | None = None) -> Stored:
        """Read, change and write one resource atomically; ``change`` returns the new document.

        ``change`` (and the password hash) first run on a snapshot outside the write lock, so a large PATCH
        holds no other writer back. The write commits only if the resource is still at the snapshot's
        version; if another writer got there first, ``change`` runs again under the lock (always progress).
        """
        current = self.get(rtype, resource_id)
        if if_match is not None:
            if_match(current)
        doc, members, password_hash = _password_hash_of(change(current))
        with self._transaction(write=True) as conn:
            if self._version(conn, rtype, resource_id) != current.version:
                current = self._load(conn, rtype, resource_id)
                if if_match is not None:
                    if_match(current)
                doc, members, password_hash = _password_hash_of(change(current))
            try:
                conn.execute(
                    "UPDATE resources SET user_name = ?, external_id = ?, display_name = ?, version = version + 1, "
                    "last_modified = ?, doc = ?, password_hash = COALESCE(?, password_hash) WHERE id = ?",
                    (*_index_columns(rtype, doc), self.clock(), json.dumps(doc, ensure_ascii=False),
                     password_hash, resource_id),
                )
            except sqlite3.IntegrityError as error:
                raise _uniqueness(rtype, doc, error) from None
            if rtype is GROUP:
                self._write_members(conn, resource_id, members or [], current.members or [])
            self.journal(conn, "UPDATE", rtype.name, resource_id)
            return self._load(conn, rtype, resource_id)

    @staticmethod
    def _version(conn: sqlite3.Connection, rtype: ResourceType, resource_id: str) -> int | None:
        row = conn.execute("SELECT version FROM resources WHERE id = ? AND type = ?", (resource_id, rtype.name)).fetchone()
        return None if row is None else row[0]

    def delete(self, rtype: ResourceType, resource_id: str, if_match: Callable[[Stored], None] | None = None) -> None:
        with self._transaction(write=True) as conn:
            current = self._load(conn, rtype, resource_id)
            if if_match is not None:
                if_match(current)
            # Groups that lose a member change too (RFC 7644 3.6: references are removed).
            conn.execute(
                "UPDATE resources SET version = version + 1, last_modified = ? WHERE id IN "
                "(SELECT group_id FROM members WHERE member_id = ?)",
                (self.clock(), resource_id),
            )
            conn.execute("DELETE FROM members WHERE member_id = ? OR group_id = ?", (resource_id, resource_id))
            conn.execute("DELETE FROM resources WHERE id = ?", (resource_id,))
            self.journal(conn, "DELETE", rtype.name, resource_id)

    def _write_members(self, conn, group_id: str, members: list[dict], previous: list[dict]) -> None:
        for member in members:
            if not isinstance(member, dict) or not isinstance(member.get("value"), str) or not member["value"]:
                raise bad_request("invalidValue", "Every member needs a 'value' naming a User or Group id.")
        wanted = {m["value"]: m.get("display") for m in members}
        if group_id in wanted:
            raise bad_request("invalidValue", "A group cannot be a member of itself.")
        old = {m["value"]: m.get("display") for m in previous}
        added = [value for value in wanted if value not in old]
        for chunk in _chunks(added):
            found = {row[0] for row in conn.execute(
                f"SELECT id FROM resources WHERE id IN ({','.join('?' * len(chunk))})", chunk)}
            missing = [value for value in chunk if value not in found]
            if missing:
                raise bad_request("invalidValue", f"No User or Group with id '{missing[0]}' to add as a member.")
        removed = [value for value in old if value not in wanted]
        for chunk in _chunks(removed):
            conn.execute(f"DELETE FROM members WHERE group_id = ? AND member_id IN ({','.join('?' * len(chunk))})",
                         [group_id, *chunk])
        position = conn.execute("SELECT COALESCE(MAX(position), 0) FROM members WHERE group_id = ?",
                                (group_id,)).fetchone()[0]
        conn.executemany(
            "INSERT INTO members (group_id, member_id, display, position) VALUES (?, ?, ?, ?)",
            [(group_id, value, wanted[value], position + i) for i, value in enumerate(added, start=1)],
        )
        conn.executemany(
            "UPDATE members SET display = ? WHERE group_id = ? AND member_id = ?",
            [(wanted[value], group_id, value) for value in wanted if value in old and old[value] != wanted[value]],
        )


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


def _uniqueness(rtype: ResourceType, doc: dict, error: sqlite3.IntegrityError) -> ScimError:
    if "user_name" in str(error):
        return conflict(f"A User with userName '{doc.get('userName')}' already exists.")
    if "display_name" in str(error):
        return conflict(f"A Group with displayName '{doc.get('displayName')}' already exists.")
    return conflict(f"The {rtype.name} conflicts with an existing resource.")
