"""Discovery (RFC 7644 section 4), /Bulk (3.7), /Me, and the error contract (3.12) on bad input."""

from __future__ import annotations

import httpx
import pytest

from scimulator.reference_server.schema import SCHEMAS
from tests.conftest import GROUP, USER, new_user

BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"


def test_service_provider_config_tells_the_truth(client):
    spc = client.get("/ServiceProviderConfig").json()
    assert spc["patch"]["supported"] and spc["filter"]["supported"] and spc["sort"]["supported"]
    assert spc["etag"]["supported"] and spc["bulk"]["supported"]
    assert spc["bulk"]["maxOperations"] == 1000 and spc["bulk"]["maxPayloadSize"] == 1_048_576
    assert spc["authenticationSchemes"][0]["type"] == "oauthbearertoken"


def test_resource_types(client):
    listed = client.get("/ResourceTypes").json()
    by_name = {r["name"]: r for r in listed["Resources"]}
    assert by_name["User"]["endpoint"] == "/Users"
    assert by_name["User"]["schemaExtensions"] == [
        {"schema": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "required": False}]
    assert client.get("/ResourceTypes/Group").json()["schema"] == GROUP


def test_schemas_carry_the_full_rfc_7643_definitions(client):
    listed = client.get("/Schemas").json()["Resources"]
    assert {s["id"] for s in listed} == set(SCHEMAS)
    user = client.get(f"/Schemas/{USER}").json()
    attributes = {a["name"]: a for a in user["attributes"]}
    assert len(attributes) == 21
    assert attributes["userName"] == {
        "name": "userName", "type": "string", "multiValued": False, "description": attributes["userName"]["description"],
        "required": True, "caseExact": False, "mutability": "readWrite", "returned": "default", "uniqueness": "server"}
    assert attributes["password"]["returned"] == "never" and attributes["password"]["mutability"] == "writeOnly"
    assert attributes["groups"]["mutability"] == "readOnly"
    assert [s["name"] for s in attributes["emails"]["subAttributes"]] == ["value", "display", "type", "primary"]
    assert attributes["emails"]["subAttributes"][2]["canonicalValues"] == ["work", "home", "other"]
    assert client.get("/Schemas/urn:nope").status_code == 404


def test_me_is_not_implemented(client):
    response = client.get("/Me")
    assert response.status_code == 501 and response.json()["status"] == "501"


def test_bulk_with_bulk_id_references(client):
    response = client.post("/Bulk", json={"schemas": [BULK], "Operations": [
        {"method": "POST", "path": "/Groups", "bulkId": "g1",
         "data": {"schemas": [GROUP], "displayName": "Bulk Team", "members": [{"value": "bulkId:u1"}]}},
        {"method": "POST", "path": "/Users", "bulkId": "u1", "data": {"schemas": [USER], "userName": "bulk@x.example"}},
        {"method": "PATCH", "path": "/Users/bulkId:u1", "data": {"Operations": [
            {"op": "replace", "path": "title", "value": "Bulked"}]}},
    ]})
    assert response.status_code == 200
    results = response.json()["Operations"]
    assert [r["status"] for r in results] == ["201", "201", "200"]
    group = client.get(results[0]["location"]).json()
    user = client.get(results[1]["location"]).json()
    assert [m["value"] for m in group["members"]] == [user["id"]]
    assert user["title"] == "Bulked"


def test_bulk_fail_on_errors_stops_processing(client):
    new_user(client, "taken@x.example")
    response = client.post("/Bulk", json={"schemas": [BULK], "failOnErrors": 1, "Operations": [
        {"method": "POST", "path": "/Users", "bulkId": "a", "data": {"userName": "taken@x.example"}},
        {"method": "POST", "path": "/Users", "bulkId": "b", "data": {"userName": "never@x.example"}},
    ]}).json()
    assert [r["status"] for r in response["Operations"]] == ["409"]
    assert response["Operations"][0]["response"]["scimType"] == "uniqueness"
    assert client.get("/Users", params={"filter": 'userName eq "never@x.example"'}).json()["totalResults"] == 0


def test_bulk_unresolvable_reference(client):
    response = client.post("/Bulk", json={"schemas": [BULK], "Operations": [
        {"method": "POST", "path": "/Groups", "bulkId": "g", "data": {"displayName": "G", "members": [
            {"value": "bulkId:nobody"}]}}]}).json()
    assert response["Operations"][0]["status"] == "409"
    assert "nobody" in response["Operations"][0]["response"]["detail"]


def test_bulk_over_max_operations_is_413(client):
    operations = [{"method": "DELETE", "path": f"/Users/{i}"} for i in range(1001)]
    response = client.post("/Bulk", json={"schemas": [BULK], "Operations": operations})
    assert response.status_code == 413 and response.json()["status"] == "413"


def test_body_over_max_payload_is_413(client):
    response = client.post("/Users", content=b'{"userName": "' + b"x" * 1_100_000 + b'"}',
                           headers={"Content-Type": "application/scim+json"})
    assert response.status_code == 413
    assert response.json()["status"] == "413"


@pytest.mark.parametrize("method, path, body, status, scim_type", [
    ("POST", "/Users", b"{not json", 400, "invalidSyntax"),
    ("POST", "/Users", b"", 400, "invalidSyntax"),
    ("POST", "/Users", b"[1, 2]", 400, "invalidSyntax"),
    ("POST", "/Users", b'{"userName": 5.5e400}', 400, "invalidValue"),
    ("POST", "/Users", b'{"displayName": "no userName"}', 400, "invalidValue"),
    ("POST", "/Users", b'{"userName": "x", "active": "perhaps"}', 400, "invalidValue"),
    ("POST", "/Users", b'{"userName": "x", "emails": [["nested"]]}', 400, "invalidValue"),
    ("POST", "/Users", b'{"userName": "x", "name": "flat"}', 400, "invalidValue"),
    ("POST", "/Users", b'{"userName": {"nested": 1}}', 400, "invalidValue"),
    ("POST", "/Users", b'\xff\xfe', 400, "invalidSyntax"),
    ("POST", "/Users", b'{"userName": NaN}', 400, "invalidSyntax"),
    ("POST", "/Groups", b'{"members": []}', 400, "invalidValue"),
    ("GET", "/Users/does-not-exist", None, 404, None),
    ("GET", "/Widgets", None, 404, None),
    ("GET", "/nowhere/at/all", None, 404, None),
    ("DELETE", "/Users", None, 405, None),
    ("PUT", "/Users", None, 405, None),
    ("POST", "/ServiceProviderConfig", b'{}', 405, None),
    ("POST", "/ResourceTypes", b'{}', 405, None),
    ("POST", "/Schemas", b'{}', 405, None),
    ("DELETE", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", None, 405, None),
    ("PATCH", "/Users/does-not-exist", b'{"Operations":[{"op":"add","path":"title","value":"x"}]}', 404, None),
    ("GET", "/Users?attributes=a..b", None, 400, "invalidValue"),
])
def test_bad_input_gets_a_scim_error_never_a_500(client, method, path, body, status, scim_type):
    response = client.request(method, path, content=body, headers={"Content-Type": "application/scim+json"})
    assert response.status_code == status, response.text
    error = response.json()
    assert error["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert error["status"] == str(status)
    assert error.get("scimType") == scim_type
    assert error["detail"]


def test_json_and_scim_json_content_types_are_both_accepted(client):
    for content_type in ("application/json", "application/scim+json; charset=utf-8"):
        response = client.post("/Users", content=f'{{"userName": "{content_type[:16]}@x"}}'.encode(),
                               headers={"Content-Type": content_type})
        assert response.status_code == 201


def test_non_ascii_values_are_stored_exactly(client):
    name = "Zoë O'Brien-Łukasiewicz 山田"
    user = new_user(client, "zoe+tag@example.com", displayName=name)
    assert client.get(f"/Users/{user['id']}").json()["displayName"] == name
    found = client.get("/Users", params={"filter": f'displayName eq "{name.upper()}"'}).json()
    assert found["totalResults"] == 1


def test_a_500_is_still_a_scim_error(app):
    @app.get("/scim/v2/boom")
    def boom():
        raise RuntimeError("simulated defect")

    response = app.test_client().get("/scim/v2/boom", headers={"Authorization": "Bearer test-token-7f3a9c"})
    assert response.status_code == 500
    assert response.json["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert "simulated" not in response.json["detail"]


def test_responses_are_scim_json(server):
    with httpx.Client(base_url=server.base_url) as c:
        assert c.get("/Users").headers["content-type"].startswith("application/scim+json")
