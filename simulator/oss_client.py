"""What the open-source SCIM clients (authentik's SCIM provider, Keycloak's keycloak-scim plugin) share.

Both push changes as they happen, one object at a time, with no lookup before a create: they keep
the target's id of every object they created (a "connection" in authentik, a "mapping" in
keycloak-scim) and address later writes by it (docs/idp-behaviour-oss.md, sections 1 and 2). A failed
write is logged and the sync goes on; `errors` is what the admin reads in the logs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .directory import Directory, Group, Person
from .scim import error_detail
from .transport import Exchange, Transport


@dataclass
class SyncError:
    action: str  # "Create user", "Update group", ...
    subject: str  # the user's login or the group's name
    message: str


class Refused(Exception):
    """The client gives up on one object, with its log message."""


class OutboundClient:
    """Links, logged errors and the answer checks of a client that pushes object by object."""

    def __init__(self, transport: Transport, directory: Directory):
        self.http = transport
        self.directory = directory
        # person or group id -> target id; a deleted object keeps its entry, so the suite can read it back
        self.user_links: dict[str, str] = {}
        self.group_links: dict[str, str] = {}
        self.errors: list[SyncError] = []

    def _run(self, action: str, subject: str, work: Callable[[], None]) -> SyncError | None:
        """One write of the sync; a refusal is logged and returned, never raised."""
        try:
            work()
        except Refused as refusal:
            error = SyncError(action, subject, str(refusal))
            self.errors.append(error)
            return error
        return None

    @staticmethod
    def _check(exchange: Exchange, *expected: int, what: str) -> Exchange:
        if exchange.status is None:
            raise Refused(f"Failed to {what}: {exchange.failure}.")
        if exchange.status not in expected:
            raise Refused(f"Failed to {what}: the server answered {exchange.status}: {error_detail(exchange.response_body)}")
        return exchange

    def _created_id(self, exchange: Exchange, what: str) -> str:
        """The id of a create's answer (201, or 200); the clients stop on any other answer, or when it is missing."""
        self._check(exchange, 201, 200, what=what)
        body = exchange.response_body
        if not isinstance(body, dict) or not body.get("id"):
            raise Refused(f"Failed to {what}: the answer carries no id.")
        return str(body["id"])

    def _drop_members(self, group: Group, removed: list[Person]) -> list[str]:
        """Take `removed` out of the group in the directory; their ids in the target, for the removal request."""
        leaving = {person.id for person in removed}
        group.members[:] = [member for member in group.members if member not in leaving]
        return [self.user_links[person.id] for person in removed if person.id in self.user_links]

    def _user_target(self, person: Person) -> str:
        if person.id not in self.user_links:
            raise Refused(f"{person.login} was never created in the target.")
        return self.user_links[person.id]

    def _group_target(self, group: Group) -> str:
        if group.id not in self.group_links:
            raise Refused(f"{group.name} was never created in the target.")
        return self.group_links[group.id]

    def _member_ids(self, group: Group) -> list[str]:
        """The target ids of the group's members that were created in the target."""
        return [self.user_links[person_id] for person_id in group.members if person_id in self.user_links]

    def _put_user(self, person: Person) -> None:
        """PUT /Users/{id} with the whole user and its id, the update both clients send [AK2][KC2]."""
        target = self._user_target(person)
        self._check(self.http.put(f"/Users/{target}", {**self.user_body(person), "id": target}), 200,
                    what=f"update user {person.login}")

    def deactivate(self, person: Person) -> SyncError | None:
        """The user is deactivated (authentik) or disabled (Keycloak): the client's update, with active false."""
        person.active = False
        return self.update_user(person)

    def delete_user(self, person: Person) -> SyncError | None:
        """Deleting the user in the IdP sends DELETE /Users/{id} [AK2][KC3]."""
        def work() -> None:
            target = self._user_target(person)
            self._check(self.http.delete(f"/Users/{target}"), 204, 200, what=f"delete user {person.login}")
        return self._run("Delete user", person.login, work)

    def delete_group(self, group: Group) -> SyncError | None:
        """Deleting the group in the IdP sends DELETE /Groups/{id} [AK5][KC3]."""
        def work() -> None:
            target = self._group_target(group)
            self._check(self.http.delete(f"/Groups/{target}"), 204, 200, what=f"delete group {group.name}")
        return self._run("Delete group", group.name, work)
