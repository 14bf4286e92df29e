"""Both engines end to end against the reference server over loopback: 200 people, 20 groups.

After assignments, pushes, profile changes, unassignments and (for Entra) 24 simulated hours of
cycles, the target holds exactly what each IdP believes it holds, and nothing else.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from scimulator.reference_server import ServerConfig
from scimulator.reference_server.serving import start_in_background
from scimulator.simulator import ENTRA, OKTA, VERIFY, Directory, EntraEngine, OktaEngine, Transport, VirtualClock
from scimulator.simulator.entra import WORK_EMAIL, mapped_attributes
from scimulator.simulator.scim import ENTERPRISE
from scimulator.simulator.readback import read_all

TOKEN = "e2e-token"


@pytest.fixture
def target(tmp_path):
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "e2e.db"), tokens=[TOKEN]))
    yield running.base_url
    running.stop()


def target_state(transport: Transport) -> tuple[dict, dict]:
    verify = transport.with_profile(VERIFY)
    users = {u["id"]: u for u in read_all(verify, "/Users")}
    groups = {g["id"]: g for g in read_all(verify, "/Groups")}
    return users, groups


@pytest.mark.parametrize("flavour", ["oin", "aiw"])
def test_okta_end_to_end(target, flavour):
    clock = VirtualClock()
    directory = Directory(seed=11)
    people = directory.add_people(200)
    groups = directory.add_groups(20, members_each=12)
    with Transport(target, TOKEN, OKTA, clock) as http:
        okta = OktaEngine(http, directory, flavour=flavour)
        assert okta.test_connection().ok
        for person in people[:180]:
            okta.assign(person)
        for group in groups:
            okta.push_group(group)
        for person in people[:20]:
            person.title, person.family_name = "Principal", person.family_name + " Jr."
            okta.push_profile(person)
        for person in people[20:35]:
            okta.deactivate(person)
        for person in people[20:25]:
            okta.reactivate(person)
        okta.sync_password(people[40])
        okta.change_members(groups[0], added=people[100:103], removed=[directory.people[groups[0].members[0]]])
        okta.rename_group(groups[1], "Renamed ✓ group")
        groups[2].members.clear()
        okta.push_now(groups[2])
        okta.unlink_group(groups[3], delete_in_target=True)
        left_behind = groups[4].name
        okta.unlink_group(groups[4], delete_in_target=False)
        assert okta.failed_tasks == []
        assert not [r for r in http.record if r.method == "DELETE" and "/Users/" in r.url]

        believed = okta.believed_state()
        users, target_groups = target_state(http)
    assert set(users) == set(believed["users"])
    for target_id, expected in believed["users"].items():
        user = users[target_id]
        assert (user["userName"], user["active"], user["displayName"], user["name"]["givenName"],
                user["name"]["familyName"], user["emails"][0]["value"]) == (
            expected["userName"], expected["active"], expected["displayName"], expected["name.givenName"],
            expected["name.familyName"], expected["email"])
    assert set(target_groups) == set(believed["groups"]) | {g["id"] for g in target_groups.values()
                                                            if g["displayName"] == left_behind}
    for target_id, expected in believed["groups"].items():
        group = target_groups[target_id]
        assert group["displayName"] == expected["displayName"]
        assert {m["value"] for m in group.get("members", [])} == expected["members"]


@pytest.mark.parametrize("flag", [False, True])
def test_entra_end_to_end_over_24_hours(target, flag):
    clock = VirtualClock()
    directory = Directory(seed=12, id_style="entra")
    people = directory.add_people(200)
    groups = directory.add_groups(20, members_each=10)
    with Transport(target, TOKEN, ENTRA, clock) as http:
        entra = EntraEngine(http, directory, aad_opt_scim062020=flag)
        assert entra.test_connection()[0]
        for person in people[:150]:
            entra.assign_user(person)
        for group in groups[:15]:
            entra.assign_group(group)
        people[160].active = False  # disabled in Entra: never provisioned
        people[10].manager_id = people[11].id
        entra.start()
        for hour in range(24):
            entra.advance(timedelta(minutes=20))
            person = people[hour]
            if hour % 4 == 0:
                entra.update_user(person, title=f"Title {hour}", family_name=person.family_name + "-Ng")
            elif hour % 4 == 1:
                entra.unassign_user(people[100 + hour])
            elif hour % 4 == 2:
                entra.remove_member(groups[hour % 15], directory.people[groups[hour % 15].members[0]])
            else:
                entra.rename_group(groups[hour % 15], f"Renamed {hour}")
            entra.advance(timedelta(minutes=40))
        entra.soft_delete_user(people[5])
        entra.hard_delete_user(people[6])
        entra.advance(timedelta(hours=1))
        assert entra.quarantine is None and not entra.failures()
        assert 36 <= entra.cycles <= 40

        believed = entra.believed_state()
        users, target_groups = target_state(http)
    assert set(users) == set(believed["users"])
    for target_id, expected in believed["users"].items():
        actual = mapped_attributes(users[target_id])
        assert {path: actual.get(path) for path in expected} == expected
        assert actual[WORK_EMAIL] == expected[WORK_EMAIL]
    assert set(target_groups) == set(believed["groups"])
    for target_id, expected in believed["groups"].items():
        group = target_groups[target_id]
        assert group["displayName"] == expected["displayName"]
        assert {m["value"] for m in group.get("members", [])} == expected["members"]
    managed = users[entra.target_id_of(people[10])]
    assert managed[ENTERPRISE]["manager"]["value"] == entra.target_id_of(people[11])
