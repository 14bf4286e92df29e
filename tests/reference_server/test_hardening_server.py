"""The reference server under hostile and heavy requests: never a 500, bounded work, nothing written lost.

In-process (Flask test client) where the app alone is judged; over real HTTP on loopback where waitress
is part of the behaviour (body caps, connection limits, its own errors, Host headers). Every loop is
bounded and nothing asserts on time.
"""

from __future__ import annotations

import json
import logging
import socket
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest

from scimulator.reference_server import ServerConfig, create_app
from scimulator.reference_server.limits import (MAX_ATTRIBUTE_NAMES, MAX_BULK_CHAIN, MAX_FILTER_NESTING, MAX_FILTER_TERMS,
                                     MAX_JSON_DEPTH, MAX_PATCH_OPERATIONS)
from scimulator.reference_server.logs import RateLimit, log_unexpected
from scimulator.reference_server.schema import GROUP as GROUP_TYPE
from scimulator.reference_server.storage import Storage, password_matches
from scimulator.reference_server import serving as scim_server
from scimulator.reference_server.serving import start_in_background
from tests.conftest import GROUP, PATCH_OP, TOKEN, USER, patch_body

AUTH = {"Authorization": f"Bearer {TOKEN}"}
ADMIN_TOKEN = "hardening-admin-token"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


@pytest.fixture
def app(tmp_path):
    return create_app(ServerConfig(db_path=str(tmp_path / "h.db"), tokens=[TOKEN], admin_tokens=[ADMIN_TOKEN],
                                   vendor_extras=True, movable_clock=True))


@pytest.fixture
def http(app):
    return app.test_client()


@pytest.fixture
def live(tmp_path):
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "live.db"), tokens=[TOKEN]))
    yield running
    running.stop()


def assert_scim_error(response, status: int, scim_type: str | None = None) -> dict:
    body = response.get_json() if hasattr(response, "get_json") else response.json()
    assert response.status_code == status, (response.status_code, body)
    assert body["schemas"] == [ERROR] and body["status"] == str(status) and body["detail"], body
    if scim_type is not None:
        assert body.get("scimType") == scim_type, body
    return body


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def new_user(http, name: str) -> dict:
    answer = http.post("/scim/v2/Users", headers=AUTH, json={"schemas": [USER], "userName": name})
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return answer.get_json()


# --- 1. malformed input is a SCIM 400, never a 500 -------------------------------------------------

RAW_BODIES = {
    "990 levels of arrays": ("POST", "/Users", '{"userName": "deep", "title": ' + nested(990) + "}"),
    "990 levels in a PATCH value": ("PATCH", "/Users/{id}", '{"Operations": [{"op": "add", "value": ' + nested(990) + "}]}"),
    "a lone surrogate in a string": ("POST", "/Users", '{"userName": "lone\\ud800surrogate"}'),
    "a lone surrogate in a member name": ("POST", "/Users", '{"userName": "x", "\\udfff": 1}'),
    "1e999 as a value": ("POST", "/Users", '{"userName": "x", "title": 1e999}'),
    "startIndex 1e999 in /.search": ("POST", "/.search", '{"schemas": ["' + SEARCH + '"], "startIndex": 1e999}'),
}


@pytest.mark.parametrize("case", sorted(RAW_BODIES))
def test_malformed_bodies_get_a_scim_400(http, case):
    method, path, raw = RAW_BODIES[case]
    user = new_user(http, f"target-{len(case)}@example.com")
    answer = http.open(f"/scim/v2{path.format(id=user['id'])}", method=method, data=raw.encode(),
                       headers={**AUTH, "Content-Type": "application/scim+json"})
    assert_scim_error(answer, 400)


def test_json_nesting_is_refused_just_past_the_limit_and_kept_below_it(http):
    inside = "{}"
    for _ in range(MAX_JSON_DEPTH - 2):
        inside = '{"a": ' + inside + "}"
    kept = http.post("/scim/v2/Users", headers={**AUTH, "Content-Type": "application/scim+json"},
                     data=f'{{"userName": "just-inside@example.com", "x": {inside}}}')
    assert kept.status_code == 201, kept.get_data(as_text=True)
    refused = http.post("/scim/v2/Users", headers={**AUTH, "Content-Type": "application/scim+json"},
                        data=f'{{"userName": "past@example.com", "x": {{"a": {{"b": {inside}}}}}}}')
    assert_scim_error(refused, 400, "invalidValue")


FILTERS = {
    "300 nested parentheses": "(" * 300 + 'userName eq "a"' + ")" * 300,
    "1,000 or terms": " or ".join(f'userName eq "u{i}"' for i in range(1000)),
    "a lone surrogate": 'userName eq "\\ud800"',
    "a number past a float": "title eq 1e999",
    "a number of 5,000 digits": "title eq " + "9" * 5000,
    "nested not": "not (" * 200 + 'userName pr' + ")" * 200,
}


@pytest.mark.parametrize("case", sorted(FILTERS))
def test_hostile_filters_get_invalid_filter(http, case):
    answer = http.get("/scim/v2/Users", headers=AUTH, query_string={"filter": FILTERS[case]})
    assert_scim_error(answer, 400, "invalidFilter")
    searched = http.post("/scim/v2/.search", headers=AUTH, json={"schemas": [SEARCH], "filter": FILTERS[case]})
    assert_scim_error(searched, 400, "invalidFilter")


def test_filters_at_the_limits_still_work(http):
    new_user(http, "u7@example.com")
    wide = " or ".join(f'userName eq "u{i}@example.com"' for i in range(MAX_FILTER_TERMS))
    deep = "(" * MAX_FILTER_NESTING + 'userName eq "u7@example.com"' + ")" * MAX_FILTER_NESTING
    for text in (wide, deep):
        answer = http.get("/scim/v2/Users", headers=AUTH, query_string={"filter": text})
        assert answer.status_code == 200, answer.get_data(as_text=True)
        assert answer.get_json()["totalResults"] == 1


def test_a_lone_surrogate_in_a_patch_path_filter_is_refused(http):
    user = new_user(http, "path@example.com")
    answer = http.patch(f"/scim/v2/Users/{user['id']}", headers=AUTH, json=patch_body(
        {"op": "add", "path": 'emails[value eq "\\udc00"].type', "value": "work"}))
    assert_scim_error(answer, 400, "invalidPath")


@pytest.mark.parametrize("where", ["query", "search"])
def test_huge_start_index_and_count_are_an_empty_page(http, where):
    new_user(http, "page@example.com")
    huge = 10**30
    if where == "query":
        answer = http.get("/scim/v2/Users", headers=AUTH, query_string={"startIndex": str(huge), "count": str(huge)})
    else:
        answer = http.post("/scim/v2/Users/.search", headers=AUTH, json={"schemas": [SEARCH], "startIndex": huge,
                                                                          "count": huge})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.get_json()["Resources"] == [] and answer.get_json()["totalResults"] == 1


@pytest.mark.parametrize("method, path, body", [
    ("PUT", "/limits", {"max_users": 10**30}),
    ("PUT", "/limits", {"max_groups": 10**30}),
    ("POST", "/clock", {"advance_seconds": 1e308}),
    ("POST", "/clock", {"advance_seconds": 10**30}),
    ("GET", "/sync-logs?limit=" + "9" * 30, None),
])
def test_oversize_numbers_in_the_admin_api_are_refused(http, method, path, body):
    answer = http.open(f"/admin/v1{path}", method=method, json=body, headers=ADMIN)
    assert_scim_error(answer, 400, "invalidValue")
    assert http.get("/scim/v2/Users", headers=AUTH).status_code == 200


def test_deep_json_in_the_admin_api_is_refused(http):
    answer = http.put("/admin/v1/limits", headers={**ADMIN, "Content-Type": "application/json"}, data=nested(990))
    assert_scim_error(answer, 400, "invalidValue")


def test_the_admin_clock_refuses_to_run_past_the_dates_it_can_hold(http, app):
    ten_years = 10 * 365 * 24 * 3600
    assert http.post("/admin/v1/clock", headers=ADMIN, json={"advance_seconds": ten_years}).status_code == 200
    app.extensions["scim"]["clock"]._offset = timedelta(days=365 * 6980)  # as if moved ten years at a time, ~700 times
    refused = http.post("/admin/v1/clock", headers=ADMIN, json={"advance_seconds": ten_years})
    assert_scim_error(refused, 400, "invalidValue")
    assert http.post("/scim/v2/Users", headers=AUTH, json={"schemas": [USER], "userName": "late@example.com"}).status_code == 201


# --- limits on the work one request causes ----------------------------------------------------------

def test_a_patch_of_more_operations_than_the_limit_is_refused_whole(http):
    user = new_user(http, "ops@example.com")
    operations = [{"op": "replace", "path": "title", "value": f"t{i}"} for i in range(MAX_PATCH_OPERATIONS + 1)]
    answer = http.patch(f"/scim/v2/Users/{user['id']}", headers=AUTH, json={"schemas": [PATCH_OP], "Operations": operations})
    assert_scim_error(answer, 400, "invalidValue")
    assert "title" not in http.get(f"/scim/v2/Users/{user['id']}", headers=AUTH).get_json()


def test_a_patch_at_the_limit_of_single_member_adds_keeps_every_member(http, app):
    group = http.post("/scim/v2/Groups", headers=AUTH, json={"schemas": [GROUP], "displayName": "Many"}).get_json()
    operations = [{"op": "add", "path": "members", "value": [{"value": user_id}]}
                  for user_id in _bulk_create_users(http, MAX_PATCH_OPERATIONS)]
    answer = http.patch(f"/scim/v2/Groups/{group['id']}", headers=AUTH, query_string={"excludedAttributes": "members"},
                        json={"schemas": [PATCH_OP], "Operations": operations})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    stored = http.get(f"/scim/v2/Groups/{group['id']}", headers=AUTH).get_json()
    assert [m["value"] for m in stored["members"]] == [op["value"][0]["value"] for op in operations]


def test_member_adds_between_other_operations_keep_their_order_of_effect(http):
    first, second = new_user(http, "m1@example.com"), new_user(http, "m2@example.com")
    group = http.post("/scim/v2/Groups", headers=AUTH, json={"schemas": [GROUP], "displayName": "Ordered"}).get_json()
    answer = http.patch(f"/scim/v2/Groups/{group['id']}", headers=AUTH, json=patch_body(
        {"op": "add", "path": "members", "value": [{"value": first["id"]}]},
        {"op": "remove", "path": f'members[value eq "{first["id"]}"]'},
        {"op": "add", "path": "members", "value": [{"value": second["id"]}]},
        {"op": "add", "path": "members", "value": [{"value": second["id"]}]}))
    assert answer.status_code == 200
    assert [m["value"] for m in answer.get_json()["members"]] == [second["id"]]


def test_an_attributes_list_past_the_limit_is_refused(http):
    names = ",".join(["userName"] * 20_000)
    assert_scim_error(http.get("/scim/v2/Users", headers=AUTH, query_string={"attributes": names}), 400, "invalidValue")
    at_limit = ",".join(["userName"] * MAX_ATTRIBUTE_NAMES)
    assert http.get("/scim/v2/Users", headers=AUTH, query_string={"attributes": at_limit}).status_code == 200


def _chain(length: int) -> list[dict]:
    """Users, then groups each holding the previous one: listed last first, so each waits on the next."""
    operations = [{"method": "POST", "path": "/Groups", "bulkId": f"g{i}",
                   "data": {"schemas": [GROUP], "displayName": f"chain-{i}", "members": [{"value": f"bulkId:g{i - 1}"}]}}
                  for i in range(length - 1, 0, -1)]
    return operations + [{"method": "POST", "path": "/Groups", "bulkId": "g0",
                          "data": {"schemas": [GROUP], "displayName": "chain-0"}}]


def test_a_bulk_dependency_chain_past_the_limit_is_refused_before_anything_is_written(http):
    answer = http.post("/scim/v2/Bulk", headers=AUTH, json={"schemas": [BULK], "Operations": _chain(1000)})
    assert_scim_error(answer, 400, "invalidValue")
    assert http.get("/scim/v2/Groups", headers=AUTH).get_json()["totalResults"] == 0


def test_a_bulk_chain_at_the_limit_runs_in_dependency_order(http):
    answer = http.post("/scim/v2/Bulk", headers=AUTH, json={"schemas": [BULK], "Operations": _chain(MAX_BULK_CHAIN)})
    assert answer.status_code == 200
    assert {op["status"] for op in answer.get_json()["Operations"]} == {"201"}
    assert http.get("/scim/v2/Groups", headers=AUTH).get_json()["totalResults"] == MAX_BULK_CHAIN


def test_circular_bulk_references_fail_each_operation_not_the_request(http):
    operations = [{"method": "POST", "path": "/Groups", "bulkId": "a",
                   "data": {"schemas": [GROUP], "displayName": "A", "members": [{"value": "bulkId:b"}]}},
                  {"method": "POST", "path": "/Groups", "bulkId": "b",
                   "data": {"schemas": [GROUP], "displayName": "B", "members": [{"value": "bulkId:a"}]}}]
    answer = http.post("/scim/v2/Bulk", headers=AUTH, json={"schemas": [BULK], "Operations": operations})
    assert [op["status"] for op in answer.get_json()["Operations"]] == ["409", "409"]


# --- 2. PATCH work outside the write lock ------------------------------------------------------------

def _lock_is_free(path: str) -> bool:
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def test_a_change_is_computed_with_the_write_lock_free(tmp_path):
    path = str(tmp_path / "lock.db")
    storage = Storage(path, lambda: "2026-01-01T00:00:00Z")
    group = storage.create(GROUP_TYPE, {"schemas": [GROUP], "displayName": "g"})
    seen = []

    def change(current):
        seen.append(_lock_is_free(path))
        return {**current.doc, "displayName": "renamed"}

    assert storage.modify(GROUP_TYPE, group.id, change).doc["displayName"] == "renamed"
    assert seen == [True]


def test_a_change_raced_by_another_writer_is_redone_under_the_lock_and_loses_nothing(tmp_path):
    path = str(tmp_path / "race.db")
    storage, rival = Storage(path, lambda: "t"), Storage(path, lambda: "t")
    group = storage.create(GROUP_TYPE, {"schemas": [GROUP], "displayName": "g"})
    calls = []

    def rename(current):
        calls.append(current.version)
        if len(calls) == 1:  # another writer commits between the snapshot and the write
            thread = threading.Thread(target=rival.modify, args=(GROUP_TYPE, group.id,
                                                                  lambda c: {**c.doc, "externalId": "rival"}))
            thread.start()
            thread.join()
        return {**current.doc, "displayName": "mine"}

    final = storage.modify(GROUP_TYPE, group.id, rename)
    assert calls == [1, 2]
    assert final.doc["displayName"] == "mine" and final.doc["externalId"] == "rival" and final.version == 3


# --- 3. never a 500 after committing -----------------------------------------------------------------

def _bulk_create_users(http, count: int, prefix: str = "bulk") -> list[str]:
    operations = [{"method": "POST", "path": "/Users", "bulkId": f"u{i}",
                   "data": {"schemas": [USER], "userName": f"{prefix}-{i}@example.com"}} for i in range(count)]
    answer = http.post("/scim/v2/Bulk", headers=AUTH, json={"schemas": [BULK], "Operations": operations})
    assert answer.status_code == 200
    return [op["location"].rsplit("/", 1)[1] for op in answer.get_json()["Operations"]]


def test_a_failure_half_way_through_a_bulk_of_1000_creates_reports_every_operation(app, http, monkeypatch):
    service = app.extensions["scim"]["service"]
    real_create, calls = service.create, []

    def create_failing_once(rtype, body):
        calls.append(1)
        if len(calls) == 500:
            raise sqlite3.OperationalError("database is locked")  # what a stuck writer caused
        return real_create(rtype, body)

    monkeypatch.setattr(service, "create", create_failing_once)
    operations = [{"method": "POST", "path": "/Users", "bulkId": f"u{i}",
                   "data": {"schemas": [USER], "userName": f"half-{i}@example.com"}} for i in range(1000)]
    answer = http.post("/scim/v2/Bulk", headers=AUTH, json={"schemas": [BULK], "Operations": operations})
    assert answer.status_code == 200
    reported = answer.get_json()["Operations"]
    assert [op["bulkId"] for op in reported] == [f"u{i}" for i in range(1000)]
    statuses = [op["status"] for op in reported]
    assert statuses.count("201") == 999 and statuses[499] == "500"
    assert reported[499]["response"]["schemas"] == [ERROR]
    created = {op["location"].rsplit("/", 1)[1] for op in reported if op["status"] == "201"}
    stored = http.get("/scim/v2/Users", headers=AUTH, query_string={"count": "1000"}).get_json()
    assert {user["id"] for user in stored["Resources"]} == created and stored["totalResults"] == 999


def _locked(*args, **kwargs):
    raise sqlite3.OperationalError("database is locked")


def test_a_write_and_its_sync_log_line_commit_together_or_not_at_all(app, http, monkeypatch):
    vendor = app.extensions["scim"]["vendor"]
    monkeypatch.setattr(vendor, "record_committed", _locked)
    answer = http.post("/scim/v2/Users", headers=AUTH, json={"schemas": [USER], "userName": "all-or-none@example.com"})
    assert_scim_error(answer, 500)
    assert http.get("/scim/v2/Users", headers=AUTH).get_json()["totalResults"] == 0  # the 500 is the truth: nothing kept
    monkeypatch.undo()
    assert http.post("/scim/v2/Users", headers=AUTH, json={"schemas": [USER],
                                                           "userName": "all-or-none@example.com"}).status_code == 201
    logged = http.get("/admin/v1/sync-logs", headers=ADMIN).get_json()  # newest first
    assert [(entry["status"], entry["httpStatus"]) for entry in logged] == [("SUCCESS", 201), ("FAILED", 500)]


def test_a_failing_sync_log_of_a_refusal_does_not_change_the_answer(app, http, monkeypatch):
    new_user(http, "taken@example.com")
    monkeypatch.setattr(app.extensions["scim"]["vendor"], "log", _locked)
    again = http.post("/scim/v2/Users", headers=AUTH, json={"schemas": [USER], "userName": "taken@example.com"})
    assert_scim_error(again, 409, "uniqueness")


# --- 4. refuse before storing ------------------------------------------------------------------------

def test_requests_without_a_valid_token_write_nothing(http, app):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic eDp5"}):
        for _ in range(20):
            answer = http.post("/scim/v2/Users/" + "x" * 500, headers=headers, json={"userName": "x"})
            assert answer.status_code == 401
    assert http.get("/admin/v1/sync-logs", headers=ADMIN).get_json() == []
    new_user(http, "logged@example.com")
    assert [entry["status"] for entry in http.get("/admin/v1/sync-logs", headers=ADMIN).get_json()] == ["SUCCESS"]


def test_an_unknown_token_is_refused_without_taking_the_write_lock(http, app):
    holder = sqlite3.connect(app.extensions["scim"]["config"].db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock for as long as this test runs
    try:
        answer = http.get("/scim/v2/Users", headers={"Authorization": "Bearer unknown"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert_scim_error(answer, 401)


def _raw_exchange(running, request: bytes, read_limit: int = 65536) -> bytes:
    with socket.create_connection((running.host, running.port), timeout=10) as conn:
        conn.sendall(request)
        received = b""
        while len(received) < read_limit:
            try:
                chunk = conn.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            received += chunk
        return received


def _split(raw: bytes) -> tuple[int, dict, dict]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, json.loads(body)


def test_a_body_past_max_payload_size_is_refused_from_its_length_before_it_is_read(live):
    request = (f"POST /scim/v2/Users HTTP/1.1\r\nHost: {live.host}\r\nContent-Type: application/scim+json\r\n"
               f"Content-Length: {1024**3}\r\n\r\n").encode() + b"{" * 1000  # a 1 GiB promise, 1 KB sent
    status, headers, body = _split(_raw_exchange(live, request))
    assert status == 413 and headers["content-type"].startswith("application/scim+json")
    assert body["schemas"] == [ERROR] and body["status"] == "413"


def test_a_body_just_under_max_payload_size_reaches_the_app(live):
    padding = "x" * (ServerConfig.max_payload_bytes - 200)
    answer = httpx.post(f"{live.base_url}/Users", headers=AUTH, json={"schemas": [USER], "userName": "big@example.com",
                                                                      "title": padding}, timeout=30)
    assert answer.status_code == 201


# --- 5. many idle connections ------------------------------------------------------------------------

def test_98_idle_connections_without_a_token_do_not_stop_102_clients_being_served(live):
    idle = [socket.create_connection((live.host, live.port), timeout=10) for _ in range(98)]
    try:
        def one_request(i: int) -> int:
            with httpx.Client(base_url=live.base_url, headers=AUTH, timeout=30) as client:
                return client.get("/Users", params={"count": "1"}).status_code

        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(one_request, range(102)))
    finally:
        for conn in idle:
            conn.close()
    assert statuses == [200] * 102


def test_connections_past_the_limit_get_a_scim_503_rather_than_silence(tmp_path, monkeypatch):
    monkeypatch.setattr(scim_server, "CONNECTION_LIMIT", 12)
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "limit.db"), tokens=[TOKEN]))
    idle = [socket.create_connection((running.host, running.port), timeout=10) for _ in range(12)]
    try:
        status, headers, body = _split(_raw_exchange(
            running, f"GET /scim/v2/Users HTTP/1.1\r\nHost: {running.host}\r\n\r\n".encode()))
    finally:
        for conn in idle:
            conn.close()
        running.stop()
    assert status == 503 and headers["retry-after"] == "5" and body["schemas"] == [ERROR]


# --- 6. waitress's own errors are SCIM Error bodies --------------------------------------------------

@pytest.mark.parametrize("request_bytes, status", [
    (b"GET /scim/v2/Users HTTP/1.1\r\nHost: h\r\nContent-Length: x\r\n\r\n", 400),
    (b"GET /scim/v2/Users HTTP/1.1\r\nHost: h\r\nX-Big: " + b"a" * 300_000 + b"\r\n\r\n", 431),
    (b"POST /scim/v2/Users HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
])
def test_http_level_errors_from_waitress_are_scim_errors(live, request_bytes, status):
    got_status, headers, body = _split(_raw_exchange(live, request_bytes))
    assert got_status == status and headers["content-type"].startswith("application/scim+json")
    assert body["schemas"] == [ERROR] and body["status"] == str(status) and body["detail"]


# --- 7. Location from configuration, not the Host header ---------------------------------------------

def test_the_host_header_is_not_reflected_in_location(live):
    answer = httpx.post(f"{live.base_url}/Users", headers={**AUTH, "Host": "attacker.example"},
                        json={"schemas": [USER], "userName": "host@example.com"})
    assert answer.status_code == 201
    assert answer.headers["Location"].startswith(live.base_url + "/Users/")
    assert answer.json()["meta"]["location"] == answer.headers["Location"]


def test_a_configured_base_url_and_trusted_hosts_name_the_server(tmp_path):
    http = create_app(ServerConfig(db_path=str(tmp_path / "b.db"), tokens=[TOKEN], trusted_hosts=["scim.internal:8443"],
                                   base_url="https://scim.example.com/scim/v2/")).test_client()
    created = http.post("/scim/v2/Users", headers={**AUTH, "Host": "attacker.example"},
                        json={"schemas": [USER], "userName": "b@example.com"})
    assert created.headers["Location"] == f"https://scim.example.com/scim/v2/Users/{created.get_json()['id']}"
    trusted = http.get(f"/scim/v2/Users/{created.get_json()['id']}", headers={**AUTH, "Host": "scim.internal:8443"})
    assert trusted.get_json()["meta"]["location"].startswith("http://scim.internal:8443/scim/v2/Users/")


def test_without_configuration_the_server_names_its_own_address(tmp_path):
    http = create_app(ServerConfig(db_path=str(tmp_path / "c.db"), tokens=[TOKEN])).test_client()
    created = http.post("/scim/v2/Users", headers={**AUTH, "Host": "attacker.example"},
                        json={"schemas": [USER], "userName": "c@example.com"})
    assert created.headers["Location"].startswith("http://localhost/scim/v2/Users/")


# --- 8. bounded logging ------------------------------------------------------------------------------

def test_a_flood_of_one_log_message_is_let_through_a_few_times_a_window():
    now = [0.0]
    limit = RateLimit(burst=5, window=60, clock=lambda: now[0])
    logger = logging.getLogger("scimulator-test-flood")
    records = [logger.makeRecord(logger.name, logging.WARNING, __file__, 1, "Task queue depth is %d", (i,), None)
               for i in range(40_000)]
    assert sum(limit.filter(record) for record in records) == 5
    now[0] = 61.0
    later = logger.makeRecord(logger.name, logging.WARNING, __file__, 1, "Task queue depth is %d", (1,), None)
    assert limit.filter(later) and "39995 more like this" in later.getMessage()


def test_a_flood_of_failures_logs_one_traceback(caplog):
    logger = logging.getLogger("reference_server.test-flood")
    with caplog.at_level(logging.ERROR, logger=logger.name):
        for _ in range(200):
            try:
                raise KeyError("boom")
            except KeyError:
                log_unexpected(logger, "GET /x")
    assert sum(1 for record in caplog.records if record.exc_info) == 1


def test_the_servers_loggers_are_rate_limited(live):
    for name in ("reference_server", "waitress", "waitress.queue"):
        assert any(isinstance(f, RateLimit) for f in logging.getLogger(name).filters), name


# --- 9. passwords ------------------------------------------------------------------------------------

def test_passwords_are_stored_as_scrypt_hashes(http, app, tmp_path):
    user = http.post("/scim/v2/Users", headers=AUTH, json={"schemas": [USER], "userName": "pw@example.com",
                                                           "password": "Tr0ub4dor&3"}).get_json()
    conn = sqlite3.connect(app.extensions["scim"]["config"].db_path)
    stored = conn.execute("SELECT password_hash FROM resources WHERE id = ?", (user["id"],)).fetchone()[0]
    conn.close()
    assert stored.startswith("scrypt$16384$8$1$") and "Tr0ub4dor" not in stored
    assert password_matches("Tr0ub4dor&3", stored) and not password_matches("Tr0ub4dor&4", stored)
    assert "password" not in user


# --- Show: a 10,000-operation PATCH and a concurrent writer -----------------------------------------

def test_a_10000_operation_patch_is_refused_while_a_concurrent_writer_is_served(live):
    with httpx.Client(base_url=live.base_url, headers=AUTH, timeout=60) as client:
        group = client.post("/Groups", json={"schemas": [GROUP], "displayName": "Target"}).json()
    operations = [{"op": "add", "path": "members", "value": [{"value": f"id-{i}"}]} for i in range(10_000)]
    start = threading.Barrier(2)

    def huge_patch() -> int:
        with httpx.Client(base_url=live.base_url, headers=AUTH, timeout=60) as client:
            start.wait()
            return client.patch(f"/Groups/{group['id']}", json={"schemas": [PATCH_OP], "Operations": operations}).status_code

    def other_writer() -> int:
        with httpx.Client(base_url=live.base_url, headers=AUTH, timeout=60) as client:
            start.wait()
            return client.post("/Users", json={"schemas": [USER], "userName": "meanwhile@example.com"}).status_code

    with ThreadPoolExecutor(2) as pool:
        patched, written = pool.submit(huge_patch), pool.submit(other_writer)
        assert patched.result() == 400
        assert written.result() == 201
