"""PingFederate's SCIM Provisioner and PingOne's SCIM connection, one engine (idp-behaviour-more.md section 3).

Both products share the settings vocabulary [PG1][PG6][PG9]:
- Unique User Identifier: ``userName`` sets the filter ``userName eq <value>``, ``workEmail`` sets
  ``emails eq <value>`` [PG1] (INF: the value is quoted, as in the ``%s`` examples [PG7]);
- Filter Expression: overrides it, the value as ``%s``, e.g. ``username Eq "%s"`` [PG7][PG9];
- Remove User Action: Disable or Delete [PG4][PG9].
User PATCH is "No" in the Provisioner's specification [PG2] (INF: updates and disables are a PUT of the
whole user). Groups are found "by retrieving all groups and finding a match" [PG2] (INF: paged with
startIndex and count, 100 at a time); memberships go by PATCH [PG2] (INF: the value-list add).
"""

from __future__ import annotations

from .directory import Directory, Group, Person
from .lookup_client import LookupFirstClient
from .scim import USER, resources_of
from .transport import SCIM_JSON, ClientProfile, Transport

IDENTIFIERS = {"userName": ('userName eq "%s"', "login"), "workEmail": ('emails eq "%s"', "email")}
REMOVE_ACTIONS = {"Disable": "disable", "Delete": "delete"}
GROUP_PAGE = 100  # INF: the listing's page size is not documented [PG2]
MAX_GROUP_PAGES = 50  # a bound on the listing, so that a target that never ends its pages cannot hold the engine

# Ping's headers are not documented [PG1]: no User-Agent of its own is sent here (INF), the SCIM media type,
# and a 60 s bound on the exchange (INF). The default Authentication Method is None [PG1]; the suite sends
# the target's bearer token (OAuth 2 Bearer Token, one of the documented methods).
PING = ClientProfile(name="ping", by="idp", headers={"Accept": SCIM_JSON}, write_content_type=SCIM_JSON,
                     timeout_s=60.0, space_in_query="%20", drop_default_user_agent=True)


class PingEngine(LookupFirstClient):
    name = "Ping"

    def __init__(self, transport: Transport, directory: Directory, unique_identifier: str = "userName",
                 filter_expression: str | None = None, remove_action: str = "Disable"):
        if unique_identifier not in IDENTIFIERS:
            raise ValueError(f"unique_identifier is one of {tuple(IDENTIFIERS)}")
        if remove_action not in REMOVE_ACTIONS:
            raise ValueError(f"remove_action is one of {tuple(REMOVE_ACTIONS)}")
        default_filter, field = IDENTIFIERS[unique_identifier]
        super().__init__(transport, directory, filter_expression=filter_expression or default_filter,
                         lookup_value=lambda person: getattr(person, field), update="put",
                         remove_action=REMOVE_ACTIONS[remove_action])

    def user_body(self, person: Person) -> dict:
        """Core attributes (INF: no Ping body is published; the mapped defaults of a SCIM 2.0 target)."""
        return {"schemas": [USER], "userName": person.login, "active": person.active,
                "name": {"givenName": person.given_name, "familyName": person.family_name},
                "displayName": person.display_name, "emails": [{"value": person.email, "type": "work", "primary": True}]}

    def put_body(self, person: Person, target: str) -> dict:
        return {**self.user_body(person), "id": target}

    def find_group(self, group: Group) -> str | None:
        """Every page of ``/Groups``, matched by displayName on Ping's side [PG2]."""
        start = 1
        for _ in range(MAX_GROUP_PAGES):
            answer = self._check(self.http.get("/Groups", [("startIndex", start), ("count", GROUP_PAGE)]), 200,
                                 what=f"list groups to find {group.name}")
            page = resources_of(answer.response_body)
            match = next((g for g in page if g.get("displayName") == group.name and g.get("id")), None)
            if match:
                return str(match["id"])
            total = answer.response_body.get("totalResults") if isinstance(answer.response_body, dict) else None
            start += len(page)
            if not page or not isinstance(total, int) or start > total:
                return None
        return None
