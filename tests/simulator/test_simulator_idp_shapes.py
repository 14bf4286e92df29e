"""JumpCloud's, OneLogin's, Ping's and Google's requests, pinned to docs/idp-behaviour-more.md: each case names its fact.

The engines run against the recording stub; method, path, query and body are compared to the documented shape.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from scimulator.simulator import Directory
from scimulator.simulator import ping as ping_module
from scimulator.simulator.google import GOOGLE, SCIM_11_CORE, GoogleEngine
from scimulator.simulator.jumpcloud import JUMPCLOUD, JumpCloudEngine
from scimulator.simulator.lookup_client import render_filter
from scimulator.simulator.onelogin import ONELOGIN, OneLoginEngine
from scimulator.simulator.ping import PING, PingEngine
from scimulator.simulator.scim import PATCH_OP, USER
from tests.simulator.simulator_stub import StubTarget


def engine(kind, profile, **options):
    stub = StubTarget()
    directory = Directory(seed=5)
    people = directory.add_people(3)
    return stub, kind(stub.transport(profile), directory, **options), directory, people


def test_ol1_the_enterprise_template_sends_emails_as_one_object_and_the_11_urns():
    stub, onelogin, _, people = engine(OneLoginEngine, ONELOGIN)
    onelogin.provision(people[0])
    create = stub.seen("POST")[0].body
    assert create["schemas"] == ["urn:scim:schemas:core:1.0", "urn:scim:schemas:extension:enterprise:1.0"]
    assert create["emails"] == {"value": people[0].email, "type": "work", "primary": True}
    assert create["name"]["formatted"] == f"{people[0].given_name} {people[0].family_name}"


def test_ol1_an_admin_template_passes_its_keys_through():
    stub, onelogin, _, people = engine(OneLoginEngine, ONELOGIN,
                                       template={"schemas": [USER], "userName": "{$parameters.scimusername}",
                                                 "prefferedLanguage": "en", "id": None})
    onelogin.provision(people[0])
    assert stub.seen("POST")[0].body == {"schemas": [USER], "userName": people[0].login, "prefferedLanguage": "en",
                                         "id": None}


def test_ol7_an_empty_user_agent_a_dangling_ampersand_and_a_dangling_question_mark():
    stub, onelogin, _, people = engine(OneLoginEngine, ONELOGIN)
    onelogin.provision(people[0])
    onelogin.update_user(people[0])
    lookup, _, put = stub.requests
    assert lookup.headers["User-Agent"] == ""
    assert lookup.raw_query.endswith("&") and lookup.raw_query.startswith("filter=userName+eq+%22")
    assert put.method == "PUT" and put.raw_query == ""
    assert str(onelogin.http.record[-1].url).endswith("?")


def test_ol3_suspend_puts_active_false_and_delete_deletes():
    stub, onelogin, _, people = engine(OneLoginEngine, ONELOGIN, remove_action="Suspend")
    onelogin.provision(people[0])
    onelogin.deprovision(people[0])
    assert stub.requests[-1].method == "PUT" and stub.requests[-1].body["active"] is False
    stub, onelogin, _, people = engine(OneLoginEngine, ONELOGIN, remove_action="Delete")
    onelogin.provision(people[0])
    onelogin.deprovision(people[0])
    assert stub.requests[-1].method == "DELETE"


def test_jc1_the_connection_test_creates_then_deletes_a_test_user_and_group():
    stub, jumpcloud, directory, people = engine(JumpCloudEngine, JUMPCLOUD)
    result = jumpcloud.test_connection(people[0], directory.add_group("Testers"))
    assert result.ok and not result.test_user_deactivated
    assert [(r.method, r.path.split("/")[1]) for r in stub.requests] == [
        ("POST", "Users"), ("POST", "Groups"), ("DELETE", "Groups"), ("DELETE", "Users")]


def test_jc1_without_user_delete_the_test_user_is_deactivated():
    stub, jumpcloud, directory, people = engine(JumpCloudEngine, JUMPCLOUD)
    stub.answer("DELETE", r"/Users/.*", 405, {"detail": "Method not allowed"})
    result = jumpcloud.test_connection(people[0], directory.add_group("Testers"))
    assert result.ok and result.test_user_deactivated
    last = stub.requests[-1]
    assert last.method == "PATCH" and {"op": "replace", "path": "active", "value": False} in last.body["Operations"]


def test_jc6_the_put_option_sends_null_emails():
    stub, jumpcloud, _, people = engine(JumpCloudEngine, JUMPCLOUD, update="put")
    jumpcloud.provision(people[0])
    jumpcloud.update_user(people[0])
    assert stub.requests[-1].method == "PUT" and stub.requests[-1].body["emails"] is None


def test_jc7_members_are_added_and_removed_as_value_lists():
    stub, jumpcloud, directory, people = engine(JumpCloudEngine, JUMPCLOUD)
    for person in people[:2]:
        jumpcloud.provision(person)
    group = directory.add_group("Eng", people[:2])
    jumpcloud.push_group(group)
    jumpcloud.remove_members(group, [people[0]])
    add, remove = (r.body for r in stub.seen("PATCH"))
    target = jumpcloud.user_links[people[0].id]
    assert add["schemas"] == [PATCH_OP] and add["Operations"][0]["op"] == "add"
    assert remove["Operations"] == [{"op": "remove", "path": "members", "value": [{"value": target}]}]


@pytest.mark.parametrize("identifier,expected", [("userName", "userName eq"), ("workEmail", "emails eq")])
def test_pg1_the_unique_identifier_sets_the_filter(identifier, expected):
    stub, ping, _, people = engine(PingEngine, PING, unique_identifier=identifier)
    ping.provision(people[0])
    assert stub.requests[0].query["filter"].startswith(expected)


def test_pg7_a_filter_expression_takes_the_value_as_percent_s():
    assert render_filter('username Eq "%s"', 'o"brien@example.com') == 'username Eq "o\\"brien@example.com"'
    stub, ping, _, people = engine(PingEngine, PING, filter_expression='username Eq "%s"')
    ping.provision(people[0])
    assert stub.requests[0].query["filter"] == f'username Eq "{people[0].login}"'


def test_pg2_groups_are_found_by_listing_every_page(monkeypatch):
    monkeypatch.setattr(ping_module, "GROUP_PAGE", 2)
    stub, ping, directory, _ = engine(PingEngine, PING)
    for n in range(3):
        stub.resources["Groups"][f"g{n}"] = {"id": f"g{n}", "displayName": f"Group {n}", "schemas": []}
    assert ping.find_group(directory.add_group("Group 2")) == "g2"
    assert [r.query.get("startIndex") for r in stub.seen("GET")] == ["1", "3"]


def test_gw1_gw4_nothing_is_sent_before_the_sync_then_a_bare_list_and_the_11_urn():
    stub, google, _, people = engine(GoogleEngine, GOOGLE)
    google.assign(people[0])
    google.advance(timedelta(hours=1))
    assert stub.requests == []
    google.advance(google.interval)
    bare, lookup, create = stub.requests
    assert (bare.method, bare.raw_query) == ("GET", "")
    assert lookup.raw_query.startswith("filter=userName%20eq%20%22") and lookup.raw_query.endswith("&startIndex=1")
    assert create.body["schemas"] == [SCIM_11_CORE, USER]
