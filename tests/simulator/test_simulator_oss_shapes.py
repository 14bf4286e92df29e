"""authentik's and keycloak-scim's requests, pinned to docs/idp-behaviour-oss.md: each case names the fact it pins.

The engines run against the recording stub; method, path and body are compared to the documented shape.
"""

from __future__ import annotations

from scimulator.simulator import Directory
from scimulator.simulator.authentik import AUTHENTIK, AuthentikEngine
from scimulator.simulator.keycloak import KEYCLOAK, KeycloakEngine
from scimulator.simulator.scim import PATCH_OP
from tests.simulator.simulator_stub import StubTarget

FULL_CONFIG = {"patch": {"supported": True}, "filter": {"supported": True}, "bulk": {"supported": False, "maxOperations": 1}}


def authentik(config: dict | None = FULL_CONFIG, **options):
    stub = StubTarget()
    if config is not None:
        stub.answer("GET", "/ServiceProviderConfig", 200, config)
    directory = Directory(seed=3)
    people = directory.add_people(3)
    return stub, AuthentikEngine(stub.transport(AUTHENTIK), directory, **options), directory, people


def keycloak(**options):
    stub = StubTarget()
    directory = Directory(seed=4)
    people = directory.add_people(3)
    return stub, KeycloakEngine(stub.transport(KEYCLOAK), directory, **options), directory, people


def test_ak1_every_sync_reads_the_service_provider_config_first_with_authentiks_headers():
    stub, engine, _, people = authentik()
    engine.create_user(people[0])
    discovery, create = stub.requests
    assert (discovery.method, discovery.path) == ("GET", "/ServiceProviderConfig")
    assert create.headers["User-Agent"].startswith("authentik@")
    assert create.headers["Accept"] == create.headers["Content-Type"] == "application/scim+json"


def test_ak3_the_default_mapping_sends_a_real_boolean_and_one_other_email():
    stub, engine, _, people = authentik()
    engine.create_user(people[0])
    body = stub.seen("POST")[0].body
    assert body["active"] is True and body["externalId"] == people[0].id
    assert body["emails"] == [{"value": people[0].email, "type": "other", "primary": True}]


def test_ak4_members_go_one_operation_each_batched_by_max_operations():
    stub, engine, directory, people = authentik()
    for person in people:
        engine.create_user(person)
    engine.create_group(directory.add_group(members=people[:2]))
    create, *patches = [r for r in stub.requests if r.path.startswith("/Groups")]
    assert "members" not in create.body and create.body["externalId"]
    assert len(patches) == 2  # maxOperations 1
    assert patches[0].body == {"schemas": [PATCH_OP], "Operations": [
        {"op": "add", "path": "members", "value": [{"value": engine.user_links[people[0].id]}]}]}


def test_ak1_aws_mode_turns_patch_off_so_the_create_carries_the_members():
    stub, engine, directory, people = authentik(compatibility_mode="aws")
    engine.create_user(people[0])
    engine.create_group(directory.add_group(members=people[:1]))
    create = stub.seen("POST")[-1]
    assert create.body["members"] == [{"value": engine.user_links[people[0].id]}]


def test_ak2_a_409_without_filter_support_is_logged_not_looked_up():
    stub, engine, _, people = authentik(config=None)  # no ServiceProviderConfig: the defaults, no filter
    stub.answer("POST", "/Users", 409, {"detail": "exists"})
    error = engine.create_user(people[0])
    assert error and "409" in error.message
    assert not [r for r in stub.seen("GET") if r.path == "/Users"]


def test_kc5_patch_op_for_users_sends_active_as_a_string():
    stub, engine, _, people = keycloak(user_patch=True)
    engine.create_user(people[0])
    engine.deactivate(people[0])
    operations = stub.seen("PATCH")[0].body["Operations"]
    assert operations[0] == {"op": "replace", "path": "active", "value": "false"}


def test_kc4_group_members_carry_a_relative_ref_and_a_change_is_a_put_then_the_user():
    stub, engine, directory, people = keycloak()
    engine.create_user(people[0])
    group = directory.add_group(members=people[:1])
    engine.create_group(group)
    member = engine.user_links[people[0].id]
    assert stub.seen("POST")[-1].body["members"] == [{"value": member, "$ref": f"Users/{member}"}]
    engine.change_members(group, removed=[people[0]])
    put_group, put_user = stub.seen("PUT")
    assert put_group.path.startswith("/Groups/") and "members" not in put_group.body
    assert put_user.path == f"/Users/{member}"


def test_kc5_content_type_follows_the_provider_setting():
    stub, engine, _, people = keycloak(content_type="application/json")
    engine.create_user(people[0])
    assert stub.seen("POST")[0].headers["Content-Type"] == "application/json"
