"""Steps of the vendor admin (SCIM configurations, token rotation, teams, sync logs, limits).

They drive the bundled reference server's admin API, so the scenarios that use them run against
the bundled server only, and are skipped, with that reason, against any other target.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest

from scimulator.simulator import OKTA, VERIFY, OktaEngine
from scimulator.simulator.scim import USER
from .judge import blocked, failed
from .language import OKTA_FLAVOURS, REQUEST_OUTCOMES, SECRET_AGES, USER_STATES, given, then, when


@dataclass
class VendorAdmin:
    http: httpx.Client

    def call(self, method: str, path: str, body: dict | None = None) -> httpx.Response:
        response = self.http.request(method, path, json=body)
        if response.status_code >= 400:
            raise failed(f"The vendor admin API refused {method} {path}: {response.status_code} {response.text[:300]}")
        return response


@pytest.fixture
def vendor_admin(scim_target):
    if not scim_target.admin_url:
        pytest.skip("needs the bundled reference server's admin API (vendor scenarios run against it only)")
    with httpx.Client(base_url=scim_target.admin_url, headers={"Authorization": f"Bearer {scim_target.admin_token}"},
                      timeout=30) as http:
        admin = VendorAdmin(http)
        limits = admin.call("GET", "/limits").json()
        yield admin
        admin.call("PUT", "/limits", limits)  # a scenario that changed them leaves the next one as it found them


@pytest.fixture
def configurations() -> dict:
    """Configuration name -> {"id", "secret", "old_secret"} as the vendor admin saw them."""
    return {}


def _create(vendor_admin, configurations, name: str, scenario_prefix: str) -> dict:
    answer = vendor_admin.call("POST", "/scim-configurations", {"description": f"{scenario_prefix}{name}"}).json()
    configurations[name] = {"id": answer["id"], "secret": answer.get("secret"), "shown": answer}
    return answer


@given('the vendor admin has created the SCIM configuration "{configuration}"')
@when('the vendor admin creates the SCIM configuration "{configuration}"')
def create_configuration(configuration, vendor_admin, configurations, scenario_prefix):
    _create(vendor_admin, configurations, configuration, scenario_prefix)


@when('the vendor admin regenerates the secret of the SCIM configuration "{configuration}"')
def regenerate_secret(configuration, vendor_admin, configurations):
    _new_secret(vendor_admin, configurations[configuration], "secret")


@when('the vendor admin rotates the token of the SCIM configuration "{configuration}"')
def rotate_token(configuration, vendor_admin, configurations):
    _new_secret(vendor_admin, configurations[configuration], "rotate")


def _new_secret(vendor_admin, configuration: dict, action: str) -> None:
    answer = vendor_admin.call("POST", f"/scim-configurations/{configuration['id']}/{action}").json()
    configuration["old_secret"], configuration["secret"] = configuration["secret"], answer["secret"]


@when('the vendor admin deactivates the SCIM configuration "{configuration}"')
def deactivate(configuration, vendor_admin, configurations):
    vendor_admin.call("POST", f"/scim-configurations/{configurations[configuration]['id']}/deactivate")


@when('the vendor admin activates the SCIM configuration "{configuration}"')
def activate(configuration, vendor_admin, configurations):
    vendor_admin.call("POST", f"/scim-configurations/{configurations[configuration]['id']}/activate")


@when('the vendor admin removes the SCIM configuration "{configuration}"')
def remove(configuration, vendor_admin, configurations):
    vendor_admin.call("DELETE", f"/scim-configurations/{configurations[configuration]['id']}")


@given('an Okta {flavour} app using the secret of "{configuration}"', target_fixture="okta")
def okta_with_configuration(flavour, configuration, configurations, connect, directory):
    return OktaEngine(connect(OKTA, configurations[configuration]["secret"]), directory, flavour=OKTA_FLAVOURS[flavour])


@when("{hours:d} hours pass on the server's clock")
def server_clock(hours, vendor_admin):
    vendor_admin.call("POST", "/clock", {"advance_seconds": hours * 3600})


@when('the vendor admin maps the team "{group}" to the role "{role}" and the workspace "{workspace}"')
def map_team(group, role, workspace, vendor_admin, target_id_of):
    vendor_admin.call("PUT", f"/teams/{target_id_of(group)}", {"role": role, "workspaces": [workspace]})


BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
BULK_LIMIT = 1000  # the reference server's advertised maxOperations


def bulk(verify, operations: list[dict]) -> list:
    """Send operations through /Bulk in requests of at most BULK_LIMIT; the exchanges, in order."""
    return [verify.post("/Bulk", {"schemas": [BULK_REQUEST], "Operations": operations[start:start + BULK_LIMIT]})
            for start in range(0, len(operations), BULK_LIMIT)]


@pytest.fixture
def fillers(verify):
    """Users created only to reach a limit: deleted again after the scenario, so the next ones have room."""
    created: list[str] = []
    yield created
    bulk(verify, [{"method": "DELETE", "path": f"/Users/{user_id}"} for user_id in created])


@given("the organization is limited to {limit:d} users, and already holds that many")
def fill_to_limit(limit, vendor_admin, verify, scenario_prefix, fillers):
    vendor_admin.call("PUT", "/limits", {"max_users": limit})
    present = verify.get("/Users", [("count", 0)]).response_body["totalResults"]
    operations = [{"method": "POST", "path": "/Users", "bulkId": str(i),
                   "data": {"schemas": [USER], "userName": f"{scenario_prefix}filler{i}@example.com"}}
                  for i in range(limit - present)]
    for answer in bulk(verify, operations):
        created = [op for op in (answer.response_body or {}).get("Operations", []) if op.get("status") == "201"]
        fillers.extend(op["location"].rsplit("/", 1)[-1] for op in created)
        if answer.status != 200 or len(created) != len(answer.request_body["Operations"]):
            raise blocked("bulk", f"Setting up: the target did not take {len(answer.request_body['Operations'])} users "
                          "in one /Bulk.", answer)


@then('the SCIM configuration "{configuration}" is {state}')
def configuration_state(configuration, state, vendor_admin, configurations):
    listed = {c["id"]: c for c in vendor_admin.call("GET", "/scim-configurations").json()}
    active = listed[configurations[configuration]["id"]]["active"]
    if active is not USER_STATES[state]:
        raise failed(f"The SCIM configuration {configuration} should be {state}; the admin API says active={active}.")


@then('the secret of "{configuration}" was shown once, at creation')
def secret_shown_once(configuration, vendor_admin, configurations):
    if not configurations[configuration]["shown"].get("secret"):
        raise failed(f"Creating {configuration} must show its secret.")
    listed = vendor_admin.call("GET", "/scim-configurations").json()
    if any("secret" in c for c in listed):
        raise failed("The secret must not be shown again: the configuration list carries it.")


@then('a request with the {which} secret of "{configuration}" is {outcome}')
def request_with_secret(which, configuration, outcome, configurations, connect):
    secret = configurations[configuration][SECRET_AGES[which]]
    answer = connect(VERIFY, secret).get("/Users", [("count", 1)])
    expected = REQUEST_OUTCOMES[outcome]
    if answer.status != expected:
        raise failed(f"A request with the {which} secret of {configuration} should be {outcome} ({expected}).", answer)


@then('the team "{group}" gives its members the role "{role}"')
def team_role(group, role, vendor_admin, target_id_of):
    team_id = target_id_of(group)
    teams = {t["id"]: t for t in vendor_admin.call("GET", "/teams").json()}
    team = teams.get(team_id)
    if not team or team["role"] != role or not team["members"] or any(m["role"] != role for m in team["members"]):
        raise failed(f"The team {group} should give its members the role {role}; the admin API shows {team}.")


@then('the sync log shows a {sync_action} of a {resource_type} with the status {status_text}')
def sync_log_entry(sync_action, resource_type, status_text, vendor_admin):
    logs = vendor_admin.call("GET", "/sync-logs?limit=500").json()
    if not any(e["action"] == sync_action and e["resourceType"] == resource_type and e["status"] == status_text
               for e in logs):
        raise failed(f"The sync log should show a {sync_action} of a {resource_type} with status {status_text}; its last entries are "
                     f"{[(e['action'], e['resourceType'], e['status']) for e in logs[:5]]}.")


@then('every sync log entry has a timestamp, an action, a resource and a status')
def sync_log_shape(vendor_admin):
    logs = vendor_admin.call("GET", "/sync-logs?limit=500").json()
    incomplete = [e for e in logs if not (e["timestamp"] and e["action"] and e["status"] in ("SUCCESS", "SKIPPED", "FAILED"))]
    if not logs or incomplete:
        raise failed(f"Sync log entries need timestamp, action, resource and status: {incomplete[:2] or 'no entries'}.")


@when('the client creates one more user "{resource}"', target_fixture="last_create")
def one_more_user(resource, verify, scenario_prefix):
    return verify.post("/Users", {"schemas": [USER], "userName": f"{scenario_prefix}{resource}"})


@then("that create is refused with a SCIM error {status:d} that names the limit of {limit_text}")
def create_refused(status, limit_text, last_create):
    body = last_create.response_body if isinstance(last_create.response_body, dict) else {}
    if last_create.status != status or limit_text not in str(body.get("detail", "")):
        raise failed(f"The user beyond the documented limit must get a SCIM error {status} naming the limit {limit_text}, "
                     "never a silent drop.", last_create)
