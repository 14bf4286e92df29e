"""OneLogin's SCIM provisioner: the admin's JSON template rendered per user (idp-behaviour-more.md section 2).

The create and update bodies are the admin's **SCIM JSON Template** with OneLogin's placeholders filled
in [OL1]; the engine takes the template as an input, and ships OneLogin's documented Core and Enterprise
schemas as defaults (SCIM 1.1 URNs, and in the Enterprise one ``emails`` as a single object) [OL1].
A 2024 capture shows the wire [OL7]: an empty User-Agent, the lookup
``GET /Users?filter=userName+eq+%22...%22&`` with a dangling ``&``, updates as ``PUT /Users/{id}?``
with a dangling ``?``. Users are never PATCHed (OneLogin's samples route no user PATCH [OL5][OL6]).
Deprovisioning is the admin's choice [OL3]: Delete sends DELETE; Suspend is (INF) the PUT with
``active`` false.
"""

from __future__ import annotations

import re
from typing import Any

from .directory import Directory, Person
from .lookup_client import LookupFirstClient
from .transport import SCIM_JSON, ClientProfile, Exchange, Transport, query_text
from .scim import USER

# [OL1] "Step 1. Define Your SCIM User Schema": the OneLogin Core and Enterprise User Schemas, as documented.
CORE_TEMPLATE: dict = {
    "schemas": ["urn:scim:schemas:core:1.0"],
    "userName": "{$parameters.scimusername}",
    "name": {"givenName": "{$user.firstname}", "familyName": "{$user.lastname}", "formatted": "{$user.display_name}"},
}
ENTERPRISE_TEMPLATE: dict = {
    "schemas": ["urn:scim:schemas:core:1.0", "urn:scim:schemas:extension:enterprise:1.0"],
    "userName": "{$parameters.scimusername}",
    "name": {"familyName": "{$user.lastname}", "givenName": "{$user.firstname}", "formatted": "{$user.display_name}"},
    "emails": {"value": "{$user.email}", "type": "work", "primary": True},
    "title": "{$parameters.title}",
    "urn:scim:schemas:extension:enterprise:1.0": {
        "department": "{$parameters.department}",
        "manager": {"managerId": "{$parameters.external_manager_id}",
                    "displayName": "{$user.manager_firstname} {$user.manager_lastname}"}},
}
# The SCIM v2 connectors ("SCIM v2 Core", "SCIM v2 Enterprise") have no published default; the templates vendor
# guides hand admins for them list the RFC 7643 URN and emails as an array [OL9]. INF: the Core attributes only.
V2_CORE_TEMPLATE: dict = {
    "schemas": [USER],
    "userName": "{$parameters.scimusername}",
    "name": {"givenName": "{$user.firstname}", "familyName": "{$user.lastname}", "formatted": "{$user.display_name}"},
    "emails": [{"value": "{$user.email}", "type": "work", "primary": True}],
}
# What admins' templates carry through [OL9]: a misspelt attribute (Templafy's "prefferedLanguage") and
# "id": null (Keepnet's, LOW). OneLogin renders the template as written (INF).
V2_CORE_WITH_SLIPS: dict = {**V2_CORE_TEMPLATE, "prefferedLanguage": "en-US", "id": None}
TEMPLATES = {"Core": CORE_TEMPLATE, "Enterprise": ENTERPRISE_TEMPLATE, "v2 Core": V2_CORE_TEMPLATE,
             "v2 Core with a misspelt attribute and a null id": V2_CORE_WITH_SLIPS}
PLACEHOLDER = re.compile(r"\{\$(?P<name>[a-z_.]+)\}")
REMOVE_ACTIONS = {"Delete": "delete", "Suspend": "disable"}  # the Provisioning tab's choices [OL3][OL10]

# [OL7]: the 2024 capture logs `"User-Agent": [""]` and `Content-Type: application/scim+json`; the Accept
# header and the timeout are not documented (INF: none of its own; 60 s bounds the exchange here).
ONELOGIN = ClientProfile(name="onelogin", by="idp", headers={"User-Agent": ""},
                         write_content_type=SCIM_JSON, timeout_s=60.0, space_in_query="+")


def placeholder_values(person: Person, manager: Person | None) -> dict[str, str]:
    """OneLogin's placeholders for one user [OL1][OL4]; display_name joins first and last name [OL1]."""
    return {"parameters.scimusername": person.login, "user.firstname": person.given_name,
            "user.lastname": person.family_name, "user.display_name": f"{person.given_name} {person.family_name}",
            "user.email": person.email, "parameters.title": person.title or "",
            "parameters.department": person.department or "",
            "parameters.external_manager_id": manager.id if manager else "",
            "user.manager_firstname": manager.given_name if manager else "",
            "user.manager_lastname": manager.family_name if manager else "",
            "user.active": "true" if person.active else "false"}


def render(template: Any, values: dict[str, str]) -> Any:
    """The template with every placeholder replaced; keys, typos and non-string values pass through [OL9]."""
    if isinstance(template, dict):
        return {key: render(value, values) for key, value in template.items()}
    if isinstance(template, list):
        return [render(value, values) for value in template]
    if isinstance(template, str):
        return PLACEHOLDER.sub(lambda match: values.get(match["name"], ""), template)
    return template


class OneLoginEngine(LookupFirstClient):
    name = "OneLogin"

    def __init__(self, transport: Transport, directory: Directory, template: dict | str = "Enterprise",
                 remove_action: str = "Delete"):
        if remove_action not in REMOVE_ACTIONS:
            raise ValueError(f"remove_action is one of {tuple(REMOVE_ACTIONS)}")
        super().__init__(transport, directory, update="put", remove_action=REMOVE_ACTIONS[remove_action])
        self.template = TEMPLATES[template] if isinstance(template, str) else template

    def user_body(self, person: Person) -> dict:
        manager = self.directory.people.get(person.manager_id) if person.manager_id else None
        return render(self.template, placeholder_values(person, manager))

    def put_body(self, person: Person, target: str) -> dict:
        """The rendered template again; Suspend adds ``active`` false (INF: not in any capture)."""
        body = self.user_body(person)
        return body if person.active else {**body, "active": False}

    def lookup_request(self, filter_text: str) -> Exchange:
        """``/Users?filter=userName+eq+%22...%22&``: spaces as +, and the dangling & of the capture [OL7]."""
        return self.http.get("/Users?" + query_text([("filter", filter_text)], "+") + "&")

    def user_path(self, target: str) -> str:
        """``/Users/{id}?``: the dangling ? of the capture's PUT [OL7]."""
        return f"/Users/{target}?"
