"""Keycloak's keycloak-scim plugin (the libre.sh client, as mitodl/keycloak-scim keeps it): what it sends
(docs/idp-behaviour-oss.md section 2).

The plugin listens to Keycloak's admin events and sends each change at once [KC1]: a user created
is a POST, a user updated (disabled too) a PUT of the whole user, a user deleted a DELETE [KC2][KC3].
A membership change replaces the whole group, then the user [KC1][KC4]. Two switches of the
federation provider trade the PUTs for PATCHes [KC5]:

- ``user_patch`` ("Use patchOp for users"): replace of ``active``, ``userName`` and ``displayName``,
  with ``active`` written as the string ``"true"`` or ``"false"`` [KC2][KC5][KC6];
- ``group_patch`` ("Use patchOp for groups"): replace of the whole ``members`` list (or, for an empty
  group, a remove of ``members`` with no value), of ``displayName`` and of ``externalId`` [KC4][KC5].

Group members carry a relative ``$ref`` (``Users/<id>``) in POST and PUT [KC4].
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .directory import Directory, Group, Person
from .oss_client import OutboundClient, SyncError
from .scim import GROUP, USER, patch
from .transport import SCIM_JSON, ClientProfile, Transport

CONTENT_TYPES = (SCIM_JSON, "application/json")  # the provider's "Endpoint content type" [KC5]

# [KC3][KC5]: connect, request and socket timeouts of 5 s; the Content-Type of the provider's setting on every
# request. The User-Agent of the plugin's HTTP client is not established (too thin): none is sent here.
KEYCLOAK = ClientProfile(
    name="keycloak", by="idp", headers={"Content-Type": SCIM_JSON}, write_content_type=SCIM_JSON, timeout_s=5.0,
    space_in_query="%20", drop_default_user_agent=True,
)


class KeycloakEngine(OutboundClient):
    def __init__(self, transport: Transport, directory: Directory, user_patch: bool = False, group_patch: bool = False,
                 content_type: str = SCIM_JSON):
        if content_type not in CONTENT_TYPES:
            raise ValueError(f"content_type is one of {CONTENT_TYPES}")
        profile = dataclasses.replace(transport.profile, headers={**transport.profile.headers, "Content-Type": content_type},
                                      write_content_type=content_type)
        super().__init__(transport.with_profile(profile), directory)
        self.user_patch = user_patch
        self.group_patch = group_patch

    # --- users [KC2] --------------------------------------------------------------------------------

    @staticmethod
    def user_body(person: Person) -> dict:
        """externalId is Keycloak's id; one email with its value only; active a real boolean; the scim roles."""
        return {"schemas": [USER], "externalId": person.id, "userName": person.login,
                "displayName": person.display_name,
                "name": {"givenName": person.given_name, "familyName": person.family_name},
                "emails": [{"value": person.email}], "active": person.active, "roles": []}

    def create_user(self, person: Person) -> SyncError | None:
        """POST /Users, no lookup first; the answer's id becomes the mapping."""
        def work() -> None:
            self.user_links[person.id] = self._created_id(self.http.post("/Users", self.user_body(person)),
                                                          f"create user {person.login}")
        return self._run("Create user", person.login, work)

    def update_user(self, person: Person) -> SyncError | None:
        """PUT of the whole user with its id, or with "Use patchOp for users" three replaces, active as a string."""
        def work() -> None:
            target = self._user_target(person)
            if self.user_patch:
                operations = ({"op": "replace", "path": "active", "value": str(person.active).lower()},
                              {"op": "replace", "path": "userName", "value": person.login},
                              {"op": "replace", "path": "displayName", "value": person.display_name})
                self._check(self.http.patch(f"/Users/{target}", patch(*operations)), 200, 204,
                            what=f"update user {person.login}")
                return
            self._put_user(person)
        return self._run("Update user", person.login, work)

    # --- groups [KC4] -------------------------------------------------------------------------------

    def _members(self, group: Group) -> list[dict]:
        return [{"value": member, "$ref": f"Users/{member}"} for member in self._member_ids(group)]

    def group_body(self, group: Group) -> dict:
        """externalId is Keycloak's id; members only when there are some, each with a relative $ref."""
        body: dict[str, Any] = {"schemas": [GROUP], "externalId": group.id, "displayName": group.name}
        members = self._members(group)
        if members:
            body["members"] = members
        return body

    def create_group(self, group: Group) -> SyncError | None:
        def work() -> None:
            self.group_links[group.id] = self._created_id(self.http.post("/Groups", self.group_body(group)),
                                                          f"create group {group.name}")
        return self._run("Create group", group.name, work)

    def _group_operations(self, group: Group) -> tuple[dict, ...]:
        """"Use patchOp for groups": the members replaced whole, or removed when none are left [KC4][KC5]."""
        members = [{"value": member} for member in self._member_ids(group)]
        first = ({"op": "replace", "path": "members", "value": members} if members
                 else {"op": "remove", "path": "members"})
        return (first, {"op": "replace", "path": "displayName", "value": group.name},
                {"op": "replace", "path": "externalId", "value": group.id})

    def replace_group(self, group: Group) -> SyncError | None:
        """PUT of the whole group with its id, or the group PATCH."""
        def work() -> None:
            target = self._group_target(group)
            if self.group_patch:
                answer = self.http.patch(f"/Groups/{target}", patch(*self._group_operations(group)))
                self._check(answer, 200, 204, what=f"update group {group.name}")
                return
            self._check(self.http.put(f"/Groups/{target}", {**self.group_body(group), "id": target}), 200,
                        what=f"update group {group.name}")
        return self._run("Update group", group.name, work)

    def change_members(self, group: Group, added: list[Person] = (), removed: list[Person] = ()) -> list[SyncError]:
        """Each user joining or leaving: the group is replaced, then the user [KC1]."""
        errors = []
        for person, joins in [*((p, True) for p in added), *((p, False) for p in removed)]:
            if joins and person.id not in group.members:
                group.members.append(person.id)
            if not joins and person.id in group.members:
                group.members.remove(person.id)
            errors += [e for e in (self.replace_group(group), self.update_user(person)) if e]
        return errors
