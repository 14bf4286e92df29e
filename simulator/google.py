"""Google Workspace's automated user provisioning for catalog apps (idp-behaviour-more.md section 5).

"Users are synced every few hours" [GW1]: assignments wait for the next sync on the virtual clock
(INF: every 4 hours; the interval is not published). A 2023 capture [GW4] shows the first sync: a bare
``GET /Users`` before the first create, then per user a lookup
``/Users?filter=userName%20eq%20%22...%22&startIndex=1`` (a 2024 log of the same server) and a create
whose ``schemas`` lists the SCIM 1.1 core URN beside the 2.0 one. Update, suspend and delete requests
were not seen in any source and are not simulated.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .directory import Directory, Person
from .lookup_client import LookupFirstClient, SyncError
from .scim import USER
from .transport import SCIM_JSON, ClientProfile, Exchange, Transport

SCIM_11_CORE = "urn:scim:schemas:core:1.0"
SYNC_INTERVAL = timedelta(hours=4)  # INF: "every few hours" [GW1]

# Google's headers are not documented [GW4]: no User-Agent of its own is sent here (INF), the SCIM media type,
# and a 60 s bound on the exchange (INF).
GOOGLE = ClientProfile(name="google", by="idp", headers={"Accept": SCIM_JSON}, write_content_type=SCIM_JSON,
                       timeout_s=60.0, space_in_query="%20", drop_default_user_agent=True)


class GoogleEngine(LookupFirstClient):
    name = "Google"
    update_on_link = False  # update requests were never seen [GW4]: a found user is only linked (INF)

    def __init__(self, transport: Transport, directory: Directory, interval: timedelta = SYNC_INTERVAL):
        super().__init__(transport, directory)
        self.clock = transport.clock
        self.interval = interval
        self.next_sync: datetime = self.clock.now() + interval
        self.waiting: list[Person] = []  # assigned, not yet synced
        self.listed_before_create = False

    def user_body(self, person: Person) -> dict:
        """The captured create [GW4]: the 1.0 URN beside the 2.0 one, userName and the work email."""
        return {"schemas": [SCIM_11_CORE, USER], "userName": person.login,
                "emails": [{"primary": True, "value": person.email, "type": "work"}],
                "displayName": person.display_name,
                "name": {"givenName": person.given_name, "familyName": person.family_name}, "active": person.active}

    def lookup_request(self, filter_text: str) -> Exchange:
        """``filter=userName%20eq%20%22...%22&startIndex=1`` [GW4]."""
        return self.http.get("/Users", [("filter", filter_text), ("startIndex", 1)])  # GOOGLE writes spaces %20

    def assign(self, person: Person) -> None:
        """The admin puts the user in scope; nothing is sent until the next sync [GW1]."""
        self.waiting.append(person)

    def advance(self, delta: timedelta) -> list[SyncError | None]:
        """Let time pass; every sync that falls due runs."""
        outcomes: list[SyncError | None] = []
        end = self.clock.now() + delta
        while self.next_sync <= end:
            self.clock.advance_to(self.next_sync)
            outcomes.extend(self.sync())
            self.next_sync += self.interval
        self.clock.advance_to(end)
        return outcomes

    def sync(self) -> list[SyncError | None]:
        """The bare ``GET /Users`` before the first create [GW4], then lookup and create per waiting user."""
        if self.waiting and not self.listed_before_create:
            self.listed_before_create = True
            self.http.get("/Users")
        waiting, self.waiting = self.waiting, []
        return [self.provision(person) for person in waiting]
