"""JumpCloud's custom SCIM integration (idp-behaviour-more.md section 1).

Test Connection writes: "A test user and test group are created to test the integration. Both will be
deleted if the DELETE method is supported by the service provider. If the DELETE method is not supported
for users, then the test user will be deactivated" [JC1]. The order (user, group, then the deletes) and
what counts as "not supported" (404, 405 or 501 here) are not documented (INF).

Users: a lookup before create or update [JC1] (INF: by ``userName``), a create shaped like the published
JumpCloud sample [JC6 LOW] (both URNs in ``schemas``, a ``tel:`` work phone). Updates: the sources
conflict, both LOW, so both are options: ``patch`` sends one replace per attribute, ``active`` a real
boolean [JC7 LOW]; ``put`` sends the whole user with ``"emails": null`` as the minimal PUT sample does
[JC6 LOW]. Deactivation and deletion are distinct operations [JC1]. Groups: a same-named group is taken
over [JC3] (INF: found by a ``displayName`` filter); members added and removed as value lists with
``value`` only [JC7 LOW][JC8 LOW].
"""

from __future__ import annotations

from dataclasses import dataclass

from .directory import Directory, Group, Person
from .lookup_client import NOT_SUPPORTED, LookupFirstClient
from .scim import ENTERPRISE, GROUP, USER
from .transport import SCIM_JSON, ClientProfile, Transport

# JumpCloud's headers are not documented [JC1]: no User-Agent of its own is sent here (INF), the SCIM media
# type for writes, and a 60 s bound on the exchange (INF).
JUMPCLOUD = ClientProfile(name="jumpcloud", by="idp", headers={"Accept": SCIM_JSON}, write_content_type=SCIM_JSON,
                          timeout_s=60.0, space_in_query="%20", drop_default_user_agent=True)


@dataclass
class ConnectionTest:
    ok: bool
    message: str
    test_user_deactivated: bool = False  # kept, inactive: the target had no user DELETE [JC1]


class JumpCloudEngine(LookupFirstClient):
    name = "JumpCloud"

    def __init__(self, transport: Transport, directory: Directory, update: str = "patch",
                 remove_action: str = "disable"):
        super().__init__(transport, directory, update=update, remove_action=remove_action)

    def user_body(self, person: Person) -> dict:
        """The create of the JumpCloud sample [JC6 LOW]: externalId the JumpCloud id, a tel: work phone."""
        return {"schemas": [USER, ENTERPRISE], "userName": person.login, "externalId": person.id,
                "active": person.active, "name": {"familyName": person.family_name, "givenName": person.given_name},
                "displayName": person.display_name,
                "emails": [{"primary": True, "type": "work", "value": person.email}],
                "phoneNumbers": [{"primary": True, "type": "work", "value": f"tel:{person.phone}"}],
                "locale": person.locale}

    def put_body(self, person: Person, target: str) -> dict:
        """The minimal PUT sample: the id, the names, ``active``, and ``"emails": null`` [JC6 LOW]."""
        return {"schemas": [ENTERPRISE, USER], "id": target, "userName": person.login, "externalId": person.id,
                "active": person.active, "name": {"familyName": person.family_name, "givenName": person.given_name},
                "displayName": person.display_name, "emails": None}

    def test_connection(self, test_user: Person, test_group: Group) -> ConnectionTest:
        """POST the test user and the test group, then DELETE both; without user DELETE, deactivate the user [JC1]."""
        user = self.http.post("/Users", self.user_body(test_user))
        if user.status not in (200, 201) or not isinstance(user.response_body, dict) or not user.response_body.get("id"):
            return ConnectionTest(False, f"Creating the test user failed: {user.describe()}")
        user_id = str(user.response_body["id"])
        self.user_links[test_user.id] = user_id
        group = self.http.post("/Groups", {"schemas": [GROUP], "displayName": test_group.name})
        if group.status not in (200, 201) or not isinstance(group.response_body, dict) or not group.response_body.get("id"):
            return ConnectionTest(False, f"Creating the test group failed: {group.describe()}")
        self.http.delete(f"/Groups/{group.response_body['id']}")
        deleted = self.http.delete(f"/Users/{user_id}")
        if deleted.status in NOT_SUPPORTED:
            test_user.active = False
            failure = self._run("Disable user", test_user.login, lambda: self._send_update(test_user))
            if failure:
                return ConnectionTest(False, failure.message)
            return ConnectionTest(True, "Connection succeeded; the test user was deactivated.", True)
        if not deleted.ok:
            return ConnectionTest(False, f"Deleting the test user failed: {deleted.describe()}")
        self.user_links.pop(test_user.id, None)
        return ConnectionTest(True, "Connection succeeded.")
