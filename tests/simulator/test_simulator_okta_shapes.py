"""Okta's requests, pinned to idp-behaviour.md section 1: each case names the behaviour it pins.

The engine runs against a recording stub; method, path, query (as encoded on the wire) and body
are compared to the documented shape.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from scimulator.simulator import OKTA, Directory, OktaEngine, VirtualClock
from scimulator.simulator.attributes import ENTERPRISE_FIELDS
from scimulator.simulator.scim import ENTERPRISE, GROUP, PATCH_OP, USER
from tests.simulator.simulator_stub import StubTarget, decoded_filter


def okta(flavour: str = "oin", **options):
    stub = StubTarget()
    directory = Directory(seed=5)
    people = directory.add_people(4)
    engine = OktaEngine(stub.transport(OKTA), directory, flavour=flavour, **options)
    return stub, engine, directory, people


def shape(received) -> tuple:
    return received.method, received.path, received.raw_query


def test_1_1_headers_on_writes_and_reads():
    stub, engine, _, people = okta()
    engine.assign(people[0])
    lookup, create = stub.requests
    assert lookup.headers["User-Agent"] == "Okta SCIM Client 1.0.0"
    assert lookup.headers["Accept"] == "application/scim+json"
    assert lookup.headers["Accept-Charset"] == "utf-8"
    assert lookup.headers["Accept-Encoding"] == "gzip,deflate"
    assert lookup.headers["Authorization"] == "Bearer stub-token"
    assert "Content-Type" not in lookup.headers  # GETs carry no Content-Type [I14]
    assert create.headers["Content-Type"] == "application/scim+json; charset=utf-8"


def test_1_1_okta_never_calls_discovery_bulk_me_or_search():
    stub, engine, directory, people = okta()
    engine.test_connection()
    for person in people:
        engine.assign(person)
    group = directory.add_group(members=people)
    engine.push_group(group)
    engine.deactivate(people[0])
    engine.import_all("/Users")
    paths = {r.path for r in stub.requests}
    assert not paths & {"/Schemas", "/ServiceProviderConfig", "/ResourceTypes", "/Me", "/Bulk", "/.search"}
    assert all(" eq " in decoded_filter(r) for r in stub.requests if "filter" in r.query)
    assert all("lastModified" not in r.raw_query for r in stub.requests)


def test_1_2_connection_test_probes_users_then_groups():
    stub, engine, _, _ = okta()
    assert engine.test_connection().ok
    assert [shape(r) for r in stub.requests] == [("GET", "/Users", "startIndex=1&count=2"),
                                                  ("GET", "/Groups", "startIndex=1&count=100")]


def test_1_2_connection_test_fails_on_non_integer_counts():
    stub, engine, _, _ = okta()
    stub.answer("GET", "/Users", 200, {"schemas": [], "totalResults": "0", "Resources": []})
    result = engine.test_connection()
    assert not result.ok and "totalResults" in result.message


def test_1_3_assignment_looks_up_then_creates_with_the_documented_body():
    stub, engine, _, people = okta()
    person = people[0]
    task = engine.assign(person)
    assert task.status == "completed"
    lookup, create = stub.requests
    login = person.login.replace("@", "%40")
    assert shape(lookup) == ("GET", "/Users", f"filter=userName%20eq%20%22{login}%22&startIndex=1&count=100")
    assert (create.method, create.path) == ("POST", "/Users")
    password = create.body.pop("password")
    assert len(password) == 8 and password.isalnum()
    assert create.body == {
        "schemas": [USER], "userName": person.login,
        "name": {"givenName": person.given_name, "familyName": person.family_name},
        "emails": [{"primary": True, "value": person.email, "type": "work"}],
        "displayName": person.display_name, "locale": person.locale, "externalId": person.id,
        "groups": [], "active": True}
    assert engine.http.record[1].request_body["password"] == "[REDACTED]"


def test_1_3_a_match_is_linked_and_its_profile_pushed_not_duplicated():
    stub, engine, _, people = okta()
    stub.resources["Users"]["existing"] = {"id": "existing", "userName": people[0].login, "meta": {"version": "1"}}
    engine.assign(people[0])
    assert [(r.method, r.path) for r in stub.requests] == [("GET", "/Users"), ("GET", "/Users/existing"),
                                                             ("PUT", "/Users/existing")]
    put = stub.requests[2].body
    assert put["id"] == "existing" and put["meta"] == {"version": "1"} and put["groups"] == []
    assert engine.user_links[people[0].id] == "existing"


def test_1_3_a_404_to_the_lookup_means_no_match():
    stub, engine, _, people = okta()
    stub.answer("GET", "/Users", 404, {"detail": "no such user"})
    assert engine.assign(people[0]).status == "completed"
    assert [r.method for r in stub.requests] == ["GET", "POST"]


def test_1_3_a_409_on_create_stops_the_job_with_okta_s_text():
    stub, engine, _, people = okta()
    stub.answer("POST", "/Users", 409, {"schemas": [], "status": "409", "detail": "User already exists in the database."})
    first = engine.assign(people[0])
    assert first.status == "failed"
    assert "Conflict. Errors reported by remote server: User already exists in the database." in first.message
    sent = len(stub.requests)
    assert engine.assign(people[1]).status == "failed"
    assert len(stub.requests) == sent  # the job is stopped: nothing more is sent


def test_1_3_an_empty_create_answer_fails():
    stub, engine, _, people = okta()
    stub.answer("POST", "/Users", 201, None)
    assert engine.assign(people[0]).message == "Create new user returned empty user."


def test_1_4_profile_push_is_get_then_put_of_the_merged_resource():
    stub, engine, _, people = okta()
    engine.assign(people[0])
    people[0].family_name = "Ó Súilleabháin"
    engine.push_profile(people[0])
    get, put = stub.requests[-2:]
    target = engine.user_links[people[0].id]
    assert (get.method, get.path, put.method, put.path) == ("GET", f"/Users/{target}", "PUT", f"/Users/{target}")
    assert put.body["name"]["familyName"] == "Ó Súilleabháin" and put.body["id"] == target


@pytest.mark.parametrize("flavour", ["oin", "aiw"])
def test_1_5_deactivation_never_deletes(flavour):
    stub, engine, _, people = okta(flavour)
    engine.assign(people[0])
    engine.deactivate(people[0], reason="unassigned")
    engine.deactivate(people[1], reason="suspended")
    assert not stub.seen("DELETE")
    target = engine.user_links[people[0].id]
    if flavour == "oin":
        last = stub.requests[-1]
        assert (last.method, last.path) == ("PATCH", f"/Users/{target}")
        assert last.body == {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": {"active": False}}]}
    else:
        get, put = stub.requests[-2:]
        assert (get.method, put.method, put.path) == ("GET", "PUT", f"/Users/{target}")
        assert put.body["active"] is False


def test_1_5_a_501_to_deactivation_gets_no_put_fallback_and_a_deprovision_task():
    stub, engine, _, people = okta()
    engine.assign(people[0])
    stub.answer("PATCH", "/Users/.*", 501, {"detail": "not implemented"})
    assert engine.deactivate(people[0]).status == "failed"
    assert not stub.seen("PUT")
    assert any(t.action == "Deprovision user" for t in engine.tasks)


@pytest.mark.parametrize("flavour", ["oin", "aiw"])
def test_1_6_reactivation_sets_active_true(flavour):
    stub, engine, _, people = okta(flavour)
    engine.assign(people[0])
    engine.deactivate(people[0])
    engine.reactivate(people[0])
    last = stub.requests[-1]
    if flavour == "oin":
        assert last.body["Operations"] == [{"op": "replace", "value": {"active": True}}]
    else:
        assert last.method == "PUT" and last.body["active"] is True


def test_1_7_password_sync_is_a_patch_and_the_password_is_redacted_in_the_record():
    stub, engine, _, people = okta()
    engine.assign(people[0])
    engine.sync_password(people[0], "s3cret-Pa55")
    last = stub.requests[-1]
    assert last.body["Operations"] == [{"op": "replace", "value": {"password": "s3cret-Pa55"}}]
    assert "s3cret-Pa55" not in repr([x.to_dict() for x in engine.http.record])


def test_1_8_group_push_oin_sequence():
    stub, engine, directory, people = okta()
    for person in people[:2]:
        engine.assign(person)
    group = directory.add_group("Test SCIMv2", members=people[:3])  # people[2] is not provisioned: skipped
    start = len(stub.requests)
    engine.push_group(group)
    lookup, create, rename, members = stub.requests[start:]
    assert shape(lookup) == ("GET", "/Groups", "filter=displayName%20eq%20%22Test%20SCIMv2%22&startIndex=1&count=100")
    assert create.body == {"schemas": [GROUP], "displayName": "Test SCIMv2", "members": []}
    gid = engine.group_links[group.id]
    assert rename.body["Operations"] == [{"op": "replace", "value": {"id": gid, "displayName": "Test SCIMv2"}}]
    assert members.body["Operations"] == [{"op": "add", "path": "members", "value": [
        {"value": engine.user_links[p.id], "display": p.login} for p in people[:2]]}]


def test_1_8_membership_update_resends_the_replace_then_removes_by_filter_and_adds():
    stub, engine, directory, people = okta()
    for person in people:
        engine.assign(person)
    group = directory.add_group("Crew", members=people[:2])
    engine.push_group(group)
    start = len(stub.requests)
    engine.change_members(group, added=[people[3]], removed=[people[0]])
    replace, membership = stub.requests[start:]
    gid = engine.group_links[group.id]
    assert replace.body["Operations"] == [{"op": "replace", "value": {"id": gid, "displayName": "Crew"}}]
    assert membership.body["Operations"] == [
        {"op": "remove", "path": f'members[value eq "{engine.user_links[people[0].id]}"]'},
        {"op": "add", "path": "members", "value": [{"value": engine.user_links[people[3].id], "display": people[3].login}]}]


def test_1_8_push_now_of_an_empty_group_sends_an_empty_replace():
    stub, engine, directory, _ = okta()
    group = directory.add_group("Empty")
    engine.push_group(group)
    engine.push_now(group)
    assert stub.requests[-1].body["Operations"] == [{"op": "replace", "path": "members", "value": []}]


def test_1_8_rename_is_the_replace_of_id_and_display_name():
    stub, engine, directory, _ = okta()
    group = directory.add_group("Old")
    engine.push_group(group)
    engine.rename_group(group, "New")
    gid = engine.group_links[group.id]
    assert stub.requests[-1].body["Operations"] == [{"op": "replace", "value": {"id": gid, "displayName": "New"}}]


def test_1_8_aiw_group_push_is_the_2022_capture_create_an_empty_put_then_a_put_with_the_members():
    stub, engine, directory, people = okta("aiw")
    engine.assign(people[0])
    group = directory.add_group("AIW", members=[people[0]])
    start = len(stub.requests)
    engine.push_group(group)
    sent = stub.requests[start:]
    assert [(r.method, r.path.split("/")[1]) for r in sent] == [
        ("GET", "Groups"), ("POST", "Groups"), ("GET", "Groups"), ("PUT", "Groups"), ("GET", "Groups"), ("PUT", "Groups")]
    gid = engine.group_links[group.id]
    assert sent[1].body == {"schemas": [GROUP], "displayName": "AIW", "members": []}
    assert sent[3].body == {"schemas": [GROUP], "id": gid, "displayName": "AIW", "members": []}
    assert sent[5].body == {"schemas": [GROUP], "id": gid, "displayName": "AIW",
                            "members": [{"value": engine.user_links[people[0].id], "display": people[0].login}]}


@pytest.mark.parametrize("flavour", ["oin", "aiw"])
def test_5_a_group_create_may_carry_the_members_and_then_sends_no_second_add(flavour):
    stub, engine, directory, people = okta(flavour, group_create_members=True)
    for person in people[:2]:
        engine.assign(person)
    group = directory.add_group("Carried", members=people[:2])
    start = len(stub.requests)
    engine.push_group(group)
    members = [{"value": engine.user_links[p.id], "display": p.login} for p in people[:2]]
    sent = stub.requests[start:]
    assert sent[1].body == {"schemas": [GROUP], "displayName": "Carried", "members": members}
    if flavour == "oin":
        assert [r.method for r in sent] == ["GET", "POST", "PATCH"]  # the replace of id and displayName only
    else:
        assert [r.method for r in sent] == ["GET", "POST", "GET", "PUT"] and sent[-1].body["members"] == members


@pytest.mark.parametrize("delete_in_target, sent", [(True, [("DELETE", "/Groups/id-1")]), (False, [])])
def test_1_8_unlink_deletes_or_sends_nothing(delete_in_target, sent):
    stub, engine, directory, _ = okta()
    group = directory.add_group("Unlinked")
    engine.push_group(group)
    start = len(stub.requests)
    engine.unlink_group(group, delete_in_target=delete_in_target)
    assert [(r.method, r.path) for r in stub.requests[start:]] == sent


def test_1_8_pushing_a_name_that_exists_is_okta_s_conflict_push_error():
    stub, engine, directory, _ = okta()
    stub.answer("POST", "/Groups", 409, {"detail": "Group name already exists."})
    group = directory.add_group("Taken")
    task = engine.push_group(group)
    assert task.status == "failed"
    assert engine.push_errors[group.id] == ("Unable to update Group Push mapping target App group Taken: Error while "
                                            "creating user group Taken: Conflict. Errors reported by remote server: "
                                            "Group name already exists.")


def test_1_9_import_pages_by_100_until_total_results():
    stub, engine, _, _ = okta()
    for n in range(230):
        stub.resources["Users"][f"u{n}"] = {"id": f"u{n}", "userName": f"user{n}"}
    task, imported = engine.import_all("/Users")
    assert task.status == "completed" and len(imported) == 230
    assert [r.raw_query for r in stub.requests] == ["startIndex=1&count=100", "startIndex=101&count=100",
                                                     "startIndex=201&count=100"]


def test_1_9_import_notices_a_target_that_ignores_start_index():
    stub, engine, _, _ = okta()
    page = {"schemas": [], "totalResults": 150, "startIndex": 1, "itemsPerPage": 100,
            "Resources": [{"id": f"u{n}"} for n in range(100)]}
    stub.answer("GET", "/Users", 200, page)
    task, _ = engine.import_all("/Users")
    assert task.status == "failed" and "startIndex" in task.message


def test_1_10_a_429_is_rescheduled_after_retry_after_on_the_virtual_clock():
    clock = VirtualClock()
    stub = StubTarget()
    directory = Directory(seed=1)
    person = directory.add_person()
    engine = OktaEngine(stub.transport(OKTA, clock), directory)
    stub.answer("GET", "/Users", 429, {"detail": "slow down"}, {"Retry-After": "30"}, times=1)
    task = engine.assign(person)
    assert task.status == "rescheduled" and len(stub.requests) == 1
    engine.advance(timedelta(seconds=29))
    assert len(stub.requests) == 1
    engine.advance(timedelta(seconds=1))
    assert task.status == "completed" and [r.method for r in stub.requests] == ["GET", "GET", "POST"]


def test_5_the_full_header_set_of_the_2018_capture_and_a_delete_with_content_type_and_no_body():
    stub, engine, directory, people = okta()
    engine.assign(people[0])
    group = directory.add_group("Headers", members=[people[0]])
    engine.push_group(group)
    engine.unlink_group(group, delete_in_target=True)
    for received in stub.requests:
        assert received.headers["Accept"] == "application/scim+json"
        assert received.headers["Accept-Charset"] == "utf-8"
        assert received.headers["User-Agent"] == "Okta SCIM Client 1.0.0"
        assert received.headers["Connection"] == "Keep-Alive"
        assert received.headers["Accept-Encoding"] == "gzip,deflate"
        if received.method in ("POST", "PUT", "PATCH", "DELETE"):
            assert received.headers["Content-Type"] == "application/scim+json; charset=utf-8"
    delete = stub.requests[-1]
    assert (delete.method, delete.body) == ("DELETE", None) and delete.headers.get("Content-Length", "0") == "0"


@pytest.mark.parametrize("space, encoded", [("%20", "userName%20eq%20%22"), ("+", "userName+eq+%22")])
def test_5_the_lookup_encodes_spaces_as_the_reference_or_as_the_2018_capture(space, encoded):
    stub, engine, _, people = okta(query_space=space)
    engine.assign(people[0])
    login = people[0].login.replace("@", "%40").replace("+", "%2B")
    assert stub.requests[0].raw_query == f"filter={encoded}{login}%22&startIndex=1&count=100"


def test_1_3_mapped_enterprise_attributes_go_under_the_extension_urn_in_the_create_and_the_put():
    stub, engine, _, people = okta(enterprise_attributes=True)
    person = people[1]
    engine.assign(person)
    create = stub.requests[1].body
    assert create["schemas"] == [USER, ENTERPRISE]
    assert create[ENTERPRISE] == {name: getattr(person, field) for field, name in ENTERPRISE_FIELDS.items()
                                  if getattr(person, field) is not None}
    assert "department" not in create and "employeeNumber" not in create
    person.cost_center = "CC-9999"
    engine.push_profile(person)
    put = stub.requests[-1]
    assert put.method == "PUT" and put.body[ENTERPRISE]["costCenter"] == "CC-9999" and ENTERPRISE in put.body["schemas"]


def test_1_3_without_the_mapping_no_enterprise_attribute_is_sent():
    stub, engine, _, people = okta()
    engine.assign(people[1])
    assert ENTERPRISE not in stub.requests[1].body and stub.requests[1].body["schemas"] == [USER]


def test_1_4_a_username_rename_is_get_then_put_with_the_new_username():
    stub, engine, _, people = okta("aiw")
    engine.assign(people[0])
    engine.rename(people[0], "renamed@example.com")
    get, put = stub.requests[-2:]
    target = engine.user_links[people[0].id]
    assert (get.method, put.method, put.path) == ("GET", "PUT", f"/Users/{target}")
    assert put.body["userName"] == "renamed@example.com"


@pytest.mark.parametrize("flavour, after_lookup", [
    ("oin", [("GET", "user"), ("PUT", "user"), ("PATCH", "user")]),
    ("aiw", [("GET", "user"), ("PUT", "user")])])
def test_1_6_reassignment_after_unassignment_looks_up_links_and_activates_without_a_post(flavour, after_lookup):
    stub, engine, _, people = okta(flavour)
    engine.assign(people[0])
    engine.deactivate(people[0], reason="unassigned")
    target = engine.user_links[people[0].id]
    stub.resources["Users"][target]["active"] = False
    start = len(stub.requests)
    assert engine.assign(people[0]).status == "completed"
    sent = stub.requests[start:]
    assert shape(sent[0])[:2] == ("GET", "/Users") and "filter=userName" in sent[0].raw_query
    assert [(r.method, "user" if r.path == f"/Users/{target}" else r.path) for r in sent[1:]] == after_lookup
    assert not any(r.method == "POST" for r in sent)
    last = sent[-1]
    if flavour == "oin":
        assert last.body["Operations"] == [{"op": "replace", "value": {"active": True}}]
    else:
        assert last.body["active"] is True and last.body["userName"] == people[0].login
