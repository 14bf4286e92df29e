"""What JumpCloud, OneLogin, Ping and Google Workspace share as SCIM clients (idp-behaviour-more.md section 6.1).

Each looks a user up by a filter before it creates one (S1), creates with POST, updates with a PUT of
the whole user or a PATCH per attribute (S4), and on deprovisioning either deactivates or deletes, as
the admin chose (S5). Members go in and out as value lists on the bare ``members`` path (S2, S3).
The differences (the filter, the body, the URL's shape) are each engine's settings; the links, the
logged errors and the answer checks are those of every client that pushes object by object
(``oss_client.OutboundClient``).
"""

from __future__ import annotations

from typing import Callable

from .directory import Directory, Group, Person
from .oss_client import OutboundClient, Refused, SyncError
from .scim import GROUP, eq_filter, filter_string, patch, resources_of
from .transport import Exchange, Transport

UPDATE_METHODS = ("put", "patch")
REMOVE_ACTIONS = ("disable", "delete")
NOT_SUPPORTED = (404, 405, 501)  # answers read as "this method is not supported" (INF: not documented [JC1])


def render_filter(expression: str, value: str) -> str:
    """An admin's filter expression with ``%s`` replaced by the value, escaped as a JSON string (Ping [PG1][PG7])."""
    return expression.replace("%s", filter_string(value))


class LookupFirstClient(OutboundClient):
    """Lookup by a configurable filter, create, update by PUT or PATCH, deactivate or delete by admin choice."""

    def __init__(self, transport: Transport, directory: Directory, *, filter_expression: str = 'userName eq "%s"',
                 lookup_value: Callable[[Person], str] = lambda person: person.login, update: str = "put",
                 remove_action: str = "disable"):
        if update not in UPDATE_METHODS:
            raise ValueError(f"update is one of {UPDATE_METHODS}")
        if remove_action not in REMOVE_ACTIONS:
            raise ValueError(f"remove_action is one of {REMOVE_ACTIONS}")
        super().__init__(transport, directory)
        self.filter_expression = filter_expression
        self.lookup_value = lookup_value
        self.update = update
        self.remove_action = remove_action

    # --- what an engine shapes ---------------------------------------------------------------------

    name = "IdP"  # as the scenarios name the client
    update_on_link = True  # a user the lookup finds gets the update; False: it is only linked

    def user_body(self, person: Person) -> dict:
        raise NotImplementedError

    def lookup_request(self, filter_text: str) -> Exchange:
        """GET /Users?filter=...; engines that shape the URL otherwise override it."""
        return self.http.get("/Users", [("filter", filter_text)])

    def user_path(self, target: str) -> str:
        return f"/Users/{target}"

    # --- users ---------------------------------------------------------------------------------------

    def lookup(self, person: Person) -> str | None:
        """The target id of the first user the filter finds, or None."""
        answer = self._check(self.lookup_request(render_filter(self.filter_expression, self.lookup_value(person))),
                             200, what=f"look up user {person.login}")
        found = resources_of(answer.response_body)
        return str(found[0]["id"]) if found and found[0].get("id") else None

    def provision(self, person: Person) -> SyncError | None:
        """Lookup; a match is linked and updated, no match is created with POST /Users (S1)."""
        def work() -> None:
            existing = self.lookup(person)
            if existing:
                self.user_links[person.id] = existing
                if self.update_on_link:
                    self._send_update(person)
                return
            self.user_links[person.id] = self._created_id(self.http.post("/Users", self.user_body(person)),
                                                          f"create user {person.login}")
        return self._run("Create user", person.login, work)

    def update_user(self, person: Person) -> SyncError | None:
        return self._run("Update user", person.login, lambda: self._send_update(person))

    def _send_update(self, person: Person) -> None:
        target = self._user_target(person)
        if self.update == "patch":
            self._check(self.http.patch(self.user_path(target), patch(*self.replace_operations(person))), 200, 204,
                        what=f"update user {person.login}")
        else:
            self._check(self.http.put(self.user_path(target), self.put_body(person, target)), 200,
                        what=f"update user {person.login}")

    def put_body(self, person: Person, target: str) -> dict:
        """The whole user, as the create sends it."""
        return self.user_body(person)

    def replace_operations(self, person: Person) -> list[dict]:
        """One replace per attribute, with a path (JumpCloud's PATCH [JC7 LOW])."""
        values = {"userName": person.login, "name.givenName": person.given_name, "name.familyName": person.family_name,
                  "displayName": person.display_name, "active": person.active}
        return [{"op": "replace", "path": path, "value": value} for path, value in values.items()]

    def deprovision(self, person: Person) -> SyncError | None:
        """The admin's remove action: ``disable`` sends active false in the update, ``delete`` a DELETE (S5)."""
        if self.remove_action == "delete":
            return self.delete_user(person)
        person.active = False
        return self._run("Disable user", person.login, lambda: self._send_update(person))

    # --- groups (S2, S3, S7) -----------------------------------------------------------------------

    def find_group(self, group: Group) -> str | None:
        """By a displayName filter; Ping overrides it with a listing of every group [PG2]."""
        answer = self._check(self.http.get("/Groups", [("filter", eq_filter("displayName", group.name))]), 200,
                             what=f"look up group {group.name}")
        found = resources_of(answer.response_body)
        return str(found[0]["id"]) if found and found[0].get("id") else None

    def push_group(self, group: Group) -> SyncError | None:
        """A group of the same name is taken over, else created; then its members are added by value (INF order)."""
        def work() -> None:
            existing = self.find_group(group)
            if existing:
                self.group_links[group.id] = existing
            else:
                self.group_links[group.id] = self._created_id(
                    self.http.post("/Groups", {"schemas": [GROUP], "displayName": group.name}), f"create group {group.name}")
            self._member_patch(group, "add", self._member_ids(group))
        return self._run("Push group", group.name, work)

    def remove_members(self, group: Group, removed: list[Person]) -> SyncError | None:
        """``{"op":"remove","path":"members","value":[{"value":ID}]}``: a value list, no filter (S2)."""
        gone = self._drop_members(group, removed)
        return self._run("Update group", group.name, lambda: self._member_patch(group, "remove", gone))

    def _member_patch(self, group: Group, op: str, members: list[str]) -> None:
        if members:
            operation = {"op": op, "path": "members", "value": [{"value": member} for member in members]}
            self._check(self.http.patch(f"/Groups/{self._group_target(group)}", patch(operation)), 200, 204,
                        what=f"{op} members of {group.name}")


__all__ = ["LookupFirstClient", "Refused", "SyncError", "render_filter", "UPDATE_METHODS",
           "REMOVE_ACTIONS", "NOT_SUPPORTED"]
