"""authentik's outbound SCIM provider: what it sends, in the order it sends it (docs/idp-behaviour-oss.md section 1).

Every sync task builds a client, and a client first reads ``/ServiceProviderConfig``: PATCH
support decides how group members go out, filter support whether a 409 on create is answered by a
lookup and a link, ``bulk.maxOperations`` how many member operations share one PATCH [AK1]. An
unreadable answer means the defaults: nothing optional supported [AK1]. The compatibility mode
``aws`` turns PATCH support off, ``slack`` turns filter support on [AK7] (INF: read in a newer base.py
than the one keyed [AK1]).

Users: POST, then PUT of the whole user for every change (deactivation is ``active: false`` in that
PUT), DELETE when the user is deleted [AK2][AK3]. Groups: POST with the externalId, then one PATCH
operation per member, ``{"op":"add"|"remove","path":"members","value":[{"value":ID}]}`` [AK4].
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Any, Iterable, Iterator

from .directory import Directory, Group, Person
from .oss_client import OutboundClient, Refused, SyncError
from .scim import GROUP, USER, eq_filter, patch, resources_of
from .transport import SCIM_JSON, ClientProfile, Transport

COMPATIBILITY_MODES = ("default", "aws", "slack")

# [AK1][AK6]: a requests session with authentik's User-Agent, a Bearer token and the SCIM media type on
# every request. The version in the User-Agent is the server's own (INF: a 2025 release shown). authentik
# sets no timeout of its own (INF); 60 s bounds the exchange here.
AUTHENTIK = ClientProfile(
    name="authentik", by="idp",
    headers={"User-Agent": "authentik@2025.10.0", "Accept": SCIM_JSON, "Content-Type": SCIM_JSON},
    write_content_type=SCIM_JSON, timeout_s=60.0, space_in_query="+",
)


@dataclass
class Capabilities:
    """What authentik read from /ServiceProviderConfig, or its defaults when that failed [AK1]."""

    patch: bool = False
    filter: bool = False
    max_operations: int = 0  # below 1: every operation in one PATCH


def _supported(config: dict, name: str) -> bool:
    feature = config.get(name)
    return isinstance(feature, dict) and feature.get("supported") is True


def _chunks(items: list, size: int) -> Iterator[list]:
    """`items` in lists of `size` (all in one when size is below 1) [AK4]."""
    size = size if size >= 1 else max(len(items), 1)
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class AuthentikEngine(OutboundClient):
    def __init__(self, transport: Transport, directory: Directory, compatibility_mode: str = "default"):
        if compatibility_mode not in COMPATIBILITY_MODES:
            raise ValueError(f"compatibility_mode is one of {COMPATIBILITY_MODES}")
        super().__init__(transport, directory)
        self.compatibility_mode = compatibility_mode
        self.capabilities = Capabilities()

    # --- discovery [AK1] --------------------------------------------------------------------------

    def discover(self) -> Capabilities:
        """GET /ServiceProviderConfig, as every client does when it is built; defaults when unreadable."""
        answer = self.http.get("/ServiceProviderConfig")
        config = answer.response_body if answer.ok and isinstance(answer.response_body, dict) else None
        if config is None:
            found = Capabilities()
        else:
            bulk = config.get("bulk") if isinstance(config.get("bulk"), dict) else {}
            max_operations = bulk.get("maxOperations")
            found = Capabilities(patch=_supported(config, "patch"), filter=_supported(config, "filter"),
                                 max_operations=max_operations if isinstance(max_operations, int) else 0)
            if self.compatibility_mode == "aws":
                found.patch = False
            if self.compatibility_mode == "slack":
                found.filter = True
        self.capabilities = found
        return found

    # --- users [AK2][AK3] -------------------------------------------------------------------------

    @staticmethod
    def user_body(person: Person) -> dict:
        """The default user mapping: names split at the first space, one email of type "other", a real boolean."""
        given, _, family = person.display_name.partition(" ")
        return {"schemas": [USER], "userName": person.login,
                "name": {"formatted": person.display_name, "givenName": given, "familyName": family},
                "displayName": person.display_name, "photos": [], "active": person.active,
                "emails": [{"value": person.email, "type": "other", "primary": True}], "externalId": person.id}

    def create_user(self, person: Person) -> SyncError | None:
        """POST /Users; a 409 with filter support is a lookup by userName and a link to the first result."""
        def work() -> None:
            self.discover()
            created = self.http.post("/Users", self.user_body(person))
            if created.status == 409 and self.capabilities.filter:
                self._link_existing(person)
                return
            self.user_links[person.id] = self._created_id(created, f"create user {person.login}")
        return self._run("Create user", person.login, work)

    def _link_existing(self, person: Person) -> None:
        lookup = self._check(self.http.get("/Users", [("filter", eq_filter("userName", person.login))]), 200,
                             what=f"look up user {person.login}")
        found = resources_of(lookup.response_body)
        if not found or not found[0].get("id"):
            raise Refused(f"Failed to create user {person.login}: the server answered 409 and a lookup by userName "
                          "found no user.")
        self.user_links[person.id] = str(found[0]["id"])

    def update_user(self, person: Person) -> SyncError | None:
        """PUT /Users/{id} with the whole user and its id."""
        def work() -> None:
            self.discover()
            self._put_user(person)
        return self._run("Update user", person.login, work)

    # --- groups [AK4] -----------------------------------------------------------------------------

    def group_body(self, group: Group) -> dict:
        """displayName and the group's pk as externalId; the members only where PATCH is not supported."""
        body: dict[str, Any] = {"schemas": [GROUP], "displayName": group.name, "externalId": group.id}
        members = self._member_ids(group)
        if not self.capabilities.patch and members:
            body["members"] = [{"value": member} for member in members]
        return body

    def create_group(self, group: Group) -> SyncError | None:
        """POST /Groups, then a PATCH adding every member, whatever the PATCH support."""
        def work() -> None:
            self.discover()
            self.group_links[group.id] = self._created_id(self.http.post("/Groups", self.group_body(group)),
                                                          f"create group {group.name}")
            self._patch_members(group, "add", self._member_ids(group))
        return self._run("Create group", group.name, work)

    def _patch_members(self, group: Group, op: str, members: Iterable[str]) -> None:
        operations = [{"op": op, "path": "members", "value": [{"value": member}]} for member in members]
        for chunk in _chunks(operations, self.capabilities.max_operations):
            self._check(self.http.patch(f"/Groups/{self._group_target(group)}", patch(*chunk)), 200, 204,
                        what=f"{op} members of {group.name}")

    def change_members(self, group: Group, added: list[Person] = (), removed: list[Person] = ()) -> SyncError | None:
        """With PATCH: one operation per member added or removed. Without: PUT the group, then compare."""
        for person in added:
            if person.id not in group.members:
                group.members.append(person.id)
        gone = self._drop_members(group, removed)

        def work() -> None:
            self.discover()
            if self.capabilities.patch:
                self._patch_members(group, "add", [self.user_links[p.id] for p in added if p.id in self.user_links])
                self._patch_members(group, "remove", gone)
                return
            self._put_group(group)
        return self._run("Update group", group.name, work)

    def _put_group(self, group: Group) -> None:
        """PUT /Groups/{id}; a refused PUT falls back to a pathless PATCH replace. Then the members are compared."""
        target = self._group_target(group)
        body = {**self.group_body(group), "id": target}
        answer = self.http.put(f"/Groups/{target}", body)
        if not answer.ok:
            replace = {"op": "replace", "value": body}
            self._check(self.http.patch(f"/Groups/{target}", patch(replace)), 200, 204, what=f"update group {group.name}")
        self._compare_members(group)

    def _compare_members(self, group: Group) -> None:
        """GET the group, then PATCH add what is missing and remove what is extra."""
        target = self._group_target(group)
        held = self._check(self.http.get(f"/Groups/{target}"), 200, what=f"read group {group.name}").response_body
        current = [m.get("value") for m in (held or {}).get("members") or [] if isinstance(m, dict)]
        wanted = self._member_ids(group)
        self._patch_members(group, "add", [m for m in wanted if m not in current])
        self._patch_members(group, "remove", [m for m in current if m not in wanted])
