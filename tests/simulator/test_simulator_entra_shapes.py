"""Entra's requests, pinned to idp-behaviour.md section 2: each case names the behaviour it pins."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from scimulator.simulator import ENTRA, Directory, EntraEngine, VirtualClock
from scimulator.simulator.entra import CREDENTIALS, IMMEDIATE, PROPORTION, flag_in_tenant_url
from scimulator.simulator.scim import ENTERPRISE, GROUP, PATCH_OP, USER
from tests.simulator.simulator_stub import StubTarget, decoded_filter

GUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}"


def entra(flag: bool = False, people: int = 3, **options):
    clock = VirtualClock()
    stub = StubTarget()
    directory = Directory(seed=9, id_style="entra")
    persons = directory.add_people(people)
    engine = EntraEngine(stub.transport(ENTRA, clock), directory, aad_opt_scim062020=flag, **options)
    return stub, engine, directory, persons


def started(flag: bool = False, **options):
    """An engine whose initial cycle has provisioned people[0] and people[1]."""
    stub, engine, directory, people = entra(flag, **options)
    engine.assign_user(people[0])
    engine.assign_user(people[1])
    engine.start()
    return stub, engine, directory, people


def after(stub, mark: int, method: str | None = None):
    return [r for r in stub.requests[mark:] if method is None or r.method == method]


def test_2_1_headers():
    stub, engine, _, people = started()
    create = stub.seen("POST")[0]
    assert create.headers["Content-Type"] == "application/scim+json"
    assert create.headers["Authorization"] == "Bearer stub-token"
    assert "User-Agent" not in create.headers  # reported absent [J12][F3]
    assert create.headers["ADSCIMVersion"]  # servers tell Entra apart by it [F1][F2]
    probe = stub.seen("GET")[0]
    assert "scim" not in probe.headers.get("Accept", "")  # GETs carry no SCIM media type [F4]


def test_5_patch_bodies_put_operations_before_schemas():
    stub, engine, _, people = started()
    engine.disable_user(people[0])
    engine.advance(timedelta(minutes=40))
    (disable,) = stub.seen("PATCH")
    assert list(disable.body) == ["Operations", "schemas"]  # [E1][F5][F6]


def test_2_1_filters_use_only_eq():
    stub, engine, directory, people = started()
    assert all(re.fullmatch(r'\S+ eq "[^"]*"', decoded_filter(r)) for r in stub.requests if "filter" in r.query)


def test_2_2_test_connection_filters_on_a_random_guid_and_expects_an_empty_list():
    stub, engine, _, _ = entra()
    ok, _ = engine.test_connection()
    assert ok
    (probe,) = stub.requests
    assert probe.path == "/Users" and re.fullmatch(rf"filter=userName\+eq\+%22{GUID}%22", probe.raw_query)


def test_2_2_a_404_to_test_connection_fails_it():
    stub, engine, _, _ = entra()
    stub.answer("GET", "/Users", 404, {"detail": "not found"})
    ok, message = engine.test_connection()
    assert not ok and "404" in message


def test_2_3_a_miss_is_created_with_the_documented_body():
    stub, engine, _, people = started()
    person = people[0]
    lookups = [r for r in stub.seen("GET") if decoded_filter(r) == f'userName eq "{person.login}"']
    assert len(lookups) == 1
    create = stub.seen("POST")[0]
    assert create.path == "/Users"
    expected = {"schemas": [USER, ENTERPRISE], "externalId": person.mail_nickname, "userName": person.login,
                "active": True, "displayName": person.display_name,
                "emails": [{"primary": True, "type": "work", "value": person.email}], "meta": {"resourceType": "User"},
                "name": {"formatted": f"{person.given_name} {person.family_name}", "familyName": person.family_name,
                         "givenName": person.given_name}, "roles": []}
    if person.title:
        expected["title"] = person.title
    expected[ENTERPRISE] = {name: value for name, value in {
        "department": person.department, "employeeNumber": person.employee_number, "costCenter": person.cost_center,
        "organization": person.organization, "division": person.division}.items() if value is not None}
    assert create.body == expected


def test_2_3_a_hit_is_patched_with_only_what_differs():
    stub, engine, _, people = entra()
    person = people[0]
    stub.resources["Users"]["t1"] = {"id": "t1", "userName": person.login, "active": True,
                                     "displayName": "Stale Name", "externalId": person.mail_nickname,
                                     "name": {"givenName": person.given_name, "familyName": person.family_name,
                                              "formatted": f"{person.given_name} {person.family_name}"},
                                     "emails": [{"type": "work", "value": person.email}],
                                     "title": person.title, ENTERPRISE: {
                                         "department": person.department, "employeeNumber": person.employee_number,
                                         "costCenter": person.cost_center, "organization": person.organization,
                                         "division": person.division}}
    engine.assign_user(person)
    engine.start()
    assert not stub.seen("POST")
    (update,) = stub.seen("PATCH")
    assert update.path == "/Users/t1"
    assert update.body == {"Operations": [
        {"op": "Replace", "path": "displayName", "value": person.display_name}], "schemas": [PATCH_OP]}


def test_5_matching_on_external_id_looks_up_the_quoted_object_id():
    stub, engine, _, people = entra(matching=("externalId",))
    engine.assign_user(people[0])
    engine.start()
    (lookup,) = [r for r in stub.seen("GET") if people[0].id in r.raw_query]
    assert lookup.raw_query == f"filter=externalId+eq+%22{people[0].id}%22"  # [F7][F9]
    assert stub.seen("POST")[0].body["externalId"] == people[0].id


def test_2_3_disabled_users_are_never_provisioned():
    stub, engine, _, people = entra()
    people[0].active = False
    engine.assign_user(people[0])
    engine.start()
    assert not stub.seen("POST")
    assert engine.log[-1].status == "skipped"


def test_2_4_without_the_flag_one_capitalised_operation_per_attribute_with_add_for_new_values():
    stub, engine, _, people = started()
    mark = len(stub.requests)
    person = people[0]
    had_title = person.title is not None
    engine.update_user(person, family_name="Nuñez", title=None if had_title else "Lead")
    engine.update_user(person, email="new.address@example.com")
    engine.advance(timedelta(minutes=40))
    (update,) = after(stub, mark, "PATCH")
    ops = {op["path"]: op for op in update.body["Operations"]}
    assert ops["name.familyName"] == {"op": "Replace", "path": "name.familyName", "value": "Nuñez"}
    assert ops['emails[type eq "work"].value'] == {"op": "Replace", "path": 'emails[type eq "work"].value',
                                                    "value": "new.address@example.com"}
    assert all(op["op"] in ("Add", "Replace", "Remove") for op in update.body["Operations"])
    if had_title:
        assert ops["title"] == {"op": "Remove", "path": "title"}  # a cleared value (INF: RFC 7644 3.5.2.2)
    else:
        assert ops["title"] == {"op": "Add", "path": "title", "value": "Lead"}


def test_2_4_with_the_flag_plain_replaces_collapse_into_one_pathless_operation_with_dotted_keys():
    stub, engine, _, people = started(flag=True)
    mark = len(stub.requests)
    engine.update_user(people[0], given_name="Kkom", family_name="Unua", department="Aklq", email="moved@example.com")
    engine.advance(timedelta(minutes=40))
    (update,) = after(stub, mark, "PATCH")
    operations = update.body["Operations"]
    assert {"op": "replace", "path": 'emails[type eq "work"].value', "value": "moved@example.com"} in operations
    (collapsed,) = [op for op in operations if "path" not in op]
    assert collapsed["op"] == "replace"
    assert collapsed["value"]["name.givenName"] == "Kkom" and collapsed["value"]["name.familyName"] == "Unua"
    assert collapsed["value"][f"{ENTERPRISE}:department"] == "Aklq"


def test_flag_in_the_tenant_url():
    assert flag_in_tenant_url("https://host/scim/v2/?aadOptscim062020")
    assert not flag_in_tenant_url("https://host/scim/v2/")


@pytest.mark.parametrize("flag, operation", [
    (False, {"op": "Replace", "path": "active", "value": "False"}),
    (True, {"op": "replace", "path": "active", "value": False}),
])
def test_2_5_unassignment_disables_and_never_deletes(flag, operation):
    stub, engine, _, people = started(flag)
    mark = len(stub.requests)
    engine.unassign_user(people[0])
    engine.advance(timedelta(minutes=40))
    (disable,) = after(stub, mark, "PATCH")
    assert disable.body["Operations"] == [operation]
    engine.update_user(people[0], title="After unassignment")
    engine.advance(timedelta(days=40))
    assert not stub.seen("DELETE")
    assert len(after(stub, mark, "PATCH")) == 1  # Entra stops managing the user after the disable [E3]


def test_2_5_soft_delete_disables_then_deletes_after_30_days():
    stub, engine, _, people = started()
    mark = len(stub.requests)
    engine.soft_delete_user(people[0])
    engine.advance(timedelta(minutes=40))
    assert after(stub, mark, "PATCH")[0].body["Operations"] == [{"op": "Replace", "path": "active", "value": "False"}]
    engine.advance(timedelta(days=29, hours=23))
    assert not stub.seen("DELETE")
    engine.advance(timedelta(hours=1))
    (delete,) = stub.seen("DELETE")
    assert delete.path == f"/Users/{engine.target_id_of(people[0])}"


def test_2_5_a_permanent_delete_is_sent_at_the_next_cycle():
    stub, engine, _, people = started()
    engine.hard_delete_user(people[1])
    engine.advance(timedelta(minutes=40))
    assert [r.path for r in stub.seen("DELETE")] == [f"/Users/{engine.target_id_of(people[1])}"]


@pytest.mark.parametrize("flag, value", [(False, "True"), (True, True)])
def test_2_6_restore_sets_active_true(flag, value):
    stub, engine, _, people = started(flag)
    engine.soft_delete_user(people[0])
    engine.advance(timedelta(minutes=40))
    engine.restore_user(people[0])
    mark = len(stub.requests)
    engine.advance(timedelta(minutes=40))
    (restore,) = after(stub, mark, "PATCH")
    assert restore.body["Operations"] == [{"op": "replace" if flag else "Replace", "path": "active", "value": value}]


def group_started(flag: bool = False):
    stub, engine, directory, people = entra(flag, people=4)
    group = directory.add_group("Engineering", members=people[:2])
    engine.assign_group(group)
    engine.start()
    return stub, engine, directory, people, group


def test_2_7_group_lookup_create_read_and_add_members():
    stub, engine, _, people, group = group_started()
    group_requests = [r for r in stub.requests if r.path.startswith("/Groups")]
    lookup, create, read, add = group_requests
    assert lookup.query == {"excludedAttributes": "members", "filter": 'displayName eq "Engineering"'}
    assert create.body == {"schemas": [GROUP, "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
                           "externalId": group.id, "displayName": "Engineering", "meta": {"resourceType": "Group"}}
    gid = engine.target_id_of(group)
    assert (read.method, read.path, read.query) == ("GET", f"/Groups/{gid}", {"excludedAttributes": "members"})
    assert add.body["Operations"] == [{"op": "Add", "path": "members", "value": [
        {"$ref": None, "value": engine.target_id_of(p)} for p in people[:2]]}]


@pytest.mark.parametrize("flag", [False, True])
def test_2_7_member_removal_shapes(flag):
    stub, engine, _, people, group = group_started(flag)
    mark = len(stub.requests)
    engine.remove_member(group, people[0])
    engine.assign_user(people[0])  # still assigned directly, so only the membership changes
    engine.advance(timedelta(minutes=40))
    (removal,) = [r for r in after(stub, mark, "PATCH") if r.path.startswith("/Groups")]
    target = engine.target_id_of(people[0])
    if flag:
        assert removal.body["Operations"] == [{"op": "remove", "path": f'members[value eq "{target}"]'}]
    else:
        assert removal.body["Operations"] == [{"op": "Remove", "path": "members", "value": [{"value": target}]}]


def test_2_7_rename_and_delete():
    stub, engine, _, _, group = group_started()
    gid = engine.target_id_of(group)
    mark = len(stub.requests)
    engine.rename_group(group, "Platform")
    engine.advance(timedelta(minutes=40))
    (rename,) = after(stub, mark, "PATCH")
    assert rename.body["Operations"] == [{"op": "Replace", "path": "displayName", "value": "Platform"}]
    engine.delete_group(group)
    engine.advance(timedelta(minutes=40))
    assert [(r.method, r.path) for r in stub.seen("DELETE")] == [("DELETE", f"/Groups/{gid}")]


def test_2_7_members_are_added_in_batches():
    stub, engine, directory, people = entra(people=7, member_batch=3)
    group = directory.add_group("Big", members=people)
    engine.assign_group(group)
    engine.start()
    adds = [r for r in stub.seen("PATCH") if r.path.startswith("/Groups")]
    assert [len(r.body["Operations"][0]["value"]) for r in adds] == [3, 3, 1]


def test_2_9_nothing_reaches_the_target_before_the_next_cycle_forty_minutes_later():
    stub, engine, _, people = started()
    mark = len(stub.requests)
    engine.assign_user(people[2])
    engine.advance(timedelta(minutes=39, seconds=59))
    assert after(stub, mark) == []
    engine.advance(timedelta(seconds=1))
    assert [r.method for r in after(stub, mark)] == ["GET", "GET", "POST"]  # probe, lookup, create


def test_2_9_incremental_cycles_send_only_what_changed():
    stub, engine, _, people = started()
    mark = len(stub.requests)
    engine.advance(timedelta(hours=4))
    assert {r.path for r in after(stub, mark)} == {"/Users"}  # the probe of each cycle, nothing else
    assert engine.cycles == 7


def test_2_9_escrow_retries_after_6_12_and_24_hours_then_daily():
    stub, engine, _, people = entra()
    stub.answer("POST", "/Users", 500, {"detail": "boom"})
    engine.assign_user(people[0])
    engine.start()
    start = engine.clock.now()
    engine.advance(timedelta(days=4))
    posts = [r for r in stub.requests if r.method == "POST"]
    times = [entry.at - start for entry in engine.log if entry.action == "Create"]
    assert len(posts) == len(times)
    assert [round(t / timedelta(hours=1)) for t in times] == [0, 6, 18, 42, 66, 90]
    assert all(entry.status == "failure" for entry in engine.log if entry.action == "Create")


def test_2_9_a_401_quarantines_at_once_and_cycles_slow_to_daily():
    stub, engine, _, people = started()
    stub.answer("GET", "/Users", 401, {"detail": "bad token"})
    engine.advance(timedelta(minutes=40))
    assert engine.quarantine.reason == IMMEDIATE and CREDENTIALS in engine.quarantine.detail
    cycles = engine.cycles
    engine.advance(timedelta(hours=23))
    assert engine.cycles == cycles
    engine.advance(timedelta(hours=1))
    assert engine.cycles == cycles + 1


def test_2_9_a_404_to_a_filter_query_quarantines_and_the_quarantine_lifts_once_fixed():
    stub, engine, _, people = entra()
    stub.answer("GET", "/Users", 404, {"detail": "no user"}, times=1)
    engine.assign_user(people[0])
    engine.start()
    assert engine.quarantine.reason == IMMEDIATE and "404" in engine.quarantine.detail
    engine.advance(timedelta(days=1))
    assert engine.quarantine is None and stub.seen("POST")


def test_2_9_more_than_four_weeks_in_quarantine_disables_the_job():
    stub, engine, _, people = started()
    stub.answer("GET", "/Users", 401, {"detail": "bad token"})
    engine.advance(timedelta(days=30))
    assert engine.job_disabled


def test_2_9_failure_thresholds_quarantine_with_the_proportion_reason():
    stub, engine, directory, _ = entra(people=0, probe_each_cycle=False)
    people = directory.add_people(5200)
    stub.answer("POST", "/Users", 400, {"detail": "rejected"})
    for person in people:
        engine.assign_user(person)
    engine.start()
    assert engine.quarantine is not None and engine.quarantine.reason == PROPORTION


def test_2_9_conflict_429_default_waits_for_retry_after_and_resends_only_that_request():
    stub, engine, _, people = entra()
    stub.answer("POST", "/Users", 429, {"detail": "slow down"}, {"Retry-After": "120"}, times=1)
    engine.assign_user(people[0])
    before = engine.clock.now()
    engine.start()
    assert [r.method for r in stub.requests] == ["GET", "GET", "POST", "POST"]  # probe, lookup, 429, resend
    assert engine.clock.now() - before == timedelta(seconds=120)
    assert engine.target_id_of(people[0]) and not engine.failures()


def test_2_9_conflict_429_next_cycle_setting_logs_a_failure_and_retries_forty_minutes_later():
    stub, engine, _, people = entra(on_429="next_cycle")
    stub.answer("POST", "/Users", 429, {"detail": "slow down"}, {"Retry-After": "120"}, times=1)
    engine.assign_user(people[0])
    engine.start()
    assert engine.failures()[0].error_code == "HttpStatus429" and engine.target_id_of(people[0]) is None
    engine.advance(timedelta(minutes=40))
    assert engine.target_id_of(people[0]) is not None


def test_2_2_conflict_service_provider_config_probe_is_a_setting_off_by_default():
    stub, engine, _, _ = entra()
    engine.test_connection()
    assert all(r.path != "/ServiceProviderConfig" for r in stub.requests)
    stub, engine, _, _ = entra(probe_service_provider_config=True)
    stub.resources["ServiceProviderConfig"] = {}
    stub.answer("GET", "/ServiceProviderConfig", 200, {"schemas": []})
    engine.test_connection()
    assert stub.requests[0].path == "/ServiceProviderConfig"


def test_2_3_manager_is_read_first_then_added_with_a_ref():
    stub, engine, _, people = started()
    mark = len(stub.requests)
    engine.update_user(people[1], manager_id=people[0].id)
    engine.advance(timedelta(minutes=40))
    read, add = after(stub, mark)[1:]  # after the cycle's probe
    target, manager = engine.target_id_of(people[1]), engine.target_id_of(people[0])
    assert (read.method, read.path) == ("GET", f"/Users/{target}")
    assert (add.method, add.path) == ("PATCH", f"/Users/{target}")
    assert add.body["Operations"] == [{"op": "Add", "path": "manager", "value": [
        {"$ref": f"http://stub.test/scim/v2/Users/{manager}", "value": manager}]}]


@pytest.mark.parametrize("flag, collapsed", [(False, False), (True, True)])
def test_5_enterprise_attributes_go_by_urn_paths_or_urn_keys(flag, collapsed):
    stub, engine, _, people = started(flag)
    mark = len(stub.requests)
    engine.update_user(people[0], employee_number="4711", cost_center="CC-9", division="Labs")
    engine.advance(timedelta(minutes=40))
    (update,) = after(stub, mark, "PATCH")
    if collapsed:
        (operation,) = update.body["Operations"]
        assert operation["op"] == "replace" and "path" not in operation
        assert operation["value"][f"{ENTERPRISE}:employeeNumber"] == "4711"
    else:
        assert {"op": "Replace", "path": f"{ENTERPRISE}:costCenter", "value": "CC-9"} in update.body["Operations"]
        assert {"op": "Replace", "path": f"{ENTERPRISE}:division", "value": "Labs"} in update.body["Operations"]


@pytest.mark.parametrize("shape", ["documented", "field"])
def test_5_manager_set_changed_and_removed_in_both_shapes(shape):
    stub, engine, directory, people = entra(people=3, manager_shape=shape)
    for person in people:
        engine.assign_user(person)
    engine.start()
    first, second = engine.target_id_of(people[1]), engine.target_id_of(people[2])
    sent = []
    for manager_id in (people[1].id, people[2].id, None):
        mark = len(stub.requests)
        engine.update_user(people[0], manager_id=manager_id)
        engine.advance(timedelta(minutes=40))
        (change,) = after(stub, mark, "PATCH")
        sent.append(change.body["Operations"][0])
    if shape == "documented":
        assert sent[1] == {"op": "Add", "path": "manager",
                           "value": [{"$ref": f"http://stub.test/scim/v2/Users/{second}", "value": second}]}
        path = "manager"
    else:
        path = f"{ENTERPRISE}:manager"
        assert sent[:2] == [{"op": "Add", "path": path, "value": first}, {"op": "Add", "path": path, "value": second}]
    assert sent[2] == {"op": "Replace", "path": path, "value": ""}


def test_5_manager_removed_through_a_value_filter_on_the_old_id():
    """[F24]: {"op":"remove","path":"manager[value eq \"<id>\"]"}, with the manager_removal setting."""
    stub, engine, directory, people = entra(people=2, manager_removal="remove_filtered")
    for person in people:
        engine.assign_user(person)
    engine.start()
    engine.update_user(people[0], manager_id=people[1].id)
    engine.advance(timedelta(minutes=40))
    mark = len(stub.requests)
    engine.update_user(people[0], manager_id=None)
    engine.advance(timedelta(minutes=40))
    (removal,) = after(stub, mark, "PATCH")
    assert removal.body["Operations"] == [{"op": "remove",
                                           "path": f'manager[value eq "{engine.target_id_of(people[1])}"]'}]


def test_5_single_app_role_assignment_creates_one_primary_role():
    stub, engine, _, people = entra(roles_mapping="SingleAppRoleAssignment")
    people[0].roles = ["ADMIN"]
    engine.assign_user(people[0])
    engine.start()
    assert stub.seen("POST")[0].body["roles"] == [{"primary": True, "type": "WindowsAzureActiveDirectoryRole",
                                                   "value": "ADMIN"}]


def test_5_complex_roles_are_created_then_only_ever_added():
    stub, engine, _, people = entra(roles_mapping="AppRoleAssignmentsComplex")
    people[0].roles = ["Reader"]
    engine.assign_user(people[0])
    engine.start()
    assert stub.seen("POST")[0].body["roles"] == [{"primary": False, "type": "WindowsAzureActiveDirectoryRole",
                                                   "displayName": "Reader", "value": "Reader"}]
    mark = len(stub.requests)
    engine.update_user(people[0], roles=["Writer"])  # Reader taken away, Writer given
    engine.advance(timedelta(minutes=40))
    (add,) = after(stub, mark, "PATCH")
    (operation,) = add.body["Operations"]
    assert (operation["op"], operation["path"]) == ("Add", "roles")
    assert [(item["value"], item["displayName"], bool(item["id"])) for item in operation["value"]] == [
        ("Writer", "Writer", True)]


@pytest.mark.parametrize("form, value", [("string", "False"), ("boolean", False)])
def test_5_disable_value_forms_without_the_flag(form, value):
    stub, engine, _, people = started(boolean_form=form)
    engine.disable_user(people[0])
    engine.advance(timedelta(minutes=40))
    assert stub.seen("PATCH")[0].body["Operations"] == [{"op": "Replace", "path": "active", "value": value}]


def test_5_provision_on_demand_probes_looks_up_and_creates_in_the_flagless_dialect():
    stub, engine, _, people = entra(flag=True)
    engine.assign_user(people[0])
    entries = engine.provision_on_demand(people[0])
    probe, lookup, create = stub.requests
    assert re.fullmatch(rf"filter=userName\+eq\+%22{GUID}%22", probe.raw_query)
    assert decoded_filter(lookup) == f'userName eq "{people[0].login}"' and create.method == "POST"
    assert [entry.action for entry in entries] == ["Create"]
    engine.update_user(people[0], title="On demand", display_name="On Demand")
    mark = len(stub.requests)
    engine.provision_on_demand(people[0])
    (update,) = after(stub, mark, "PATCH")
    assert all(op["op"] in ("Add", "Replace") and "path" in op for op in update.body["Operations"])  # no flag [E2]
    assert {"op": "Replace", "path": "displayName", "value": "On Demand"} in update.body["Operations"]
    assert engine.flag


def test_5_a_group_on_demand_brings_its_members_and_the_group():
    stub, engine, directory, people = entra(flag=True)
    group = directory.add_group("On demand", members=people[:2])
    engine.assign_group(group)
    engine.provision_group_on_demand(group)
    assert [r.path for r in stub.seen("POST")] == ["/Users", "/Users", "/Groups"]
    (add,) = [r for r in stub.seen("PATCH") if r.path.startswith("/Groups")]
    assert add.body["Operations"][0]["op"] == "Add"


def test_5_an_unassigned_group_is_deleted_and_created_again_on_reassignment():
    stub, engine, _, people, group = group_started()
    first = engine.target_id_of(group)
    engine.unassign_group(group)
    engine.advance(timedelta(minutes=40))
    assert [r.path for r in stub.seen("DELETE")] == [f"/Groups/{first}"]
    engine.assign_group(group)
    engine.advance(timedelta(minutes=40))
    assert [r.path for r in stub.seen("POST") if r.path == "/Groups"] == ["/Groups", "/Groups"]


def test_5_a_reassigned_user_is_found_by_the_lookup_and_patched_active_without_a_post():
    stub, engine, _, people = started()
    engine.unassign_user(people[0])
    engine.advance(timedelta(minutes=40))
    stub.resources["Users"][engine.target_id_of(people[0])]["active"] = False  # the stub does not apply PATCHes
    mark = len(stub.requests)
    engine.assign_user(people[0])
    engine.advance(timedelta(minutes=40))
    assert [r.method for r in after(stub, mark)] == ["GET", "GET", "PATCH"]  # probe, lookup, PATCH
    assert after(stub, mark, "PATCH")[0].body["Operations"] == [{"op": "Replace", "path": "active", "value": "True"}]
