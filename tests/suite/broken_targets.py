"""The reference server with one behaviour switched off: targets the suite must fail.

Each breaker is WSGI middleware around the real reference server, so the broken target still
speaks SCIM over real HTTP and stores in SQLite; it just does one thing the way a naive server
would.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import parse_qsl, urlencode

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


class Call:
    """One request as middleware sees it, and a way to pass it (possibly changed) to the real server."""

    def __init__(self, app, environ: dict):
        self.app = app
        self.environ = environ
        length = int(environ.get("CONTENT_LENGTH") or 0)
        self.body = environ["wsgi.input"].read(length) if length else b""
        self.method = environ["REQUEST_METHOD"]
        self.path = environ.get("PATH_INFO", "")
        self.query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))

    def json(self) -> Any:
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None

    def forward(self, method: str | None = None, path: str | None = None, query: dict | None = None,
                body: bytes | None = None) -> tuple[str, list, bytes]:
        environ = dict(self.environ)
        payload = self.body if body is None else body
        environ.update({"REQUEST_METHOD": method or self.method, "PATH_INFO": path or self.path,
                        "QUERY_STRING": urlencode(self.query if query is None else query),
                        "wsgi.input": io.BytesIO(payload), "CONTENT_LENGTH": str(len(payload))})
        captured = {}

        def start_response(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers

        chunks = self.app(environ, start_response)
        data = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        return captured["status"], captured["headers"], data


def respond(start_response, status: str, headers: list, body: bytes) -> list[bytes]:
    headers = [(k, v) for k, v in headers if k.lower() != "content-length"] + [("Content-Length", str(len(body)))]
    start_response(status, headers)
    return [body]


def breaker(change: Callable[[Call], tuple[str, list, bytes]]):
    """Turn `change(call) -> (status, headers, body)` into a wrapper of the reference server's WSGI app."""
    def wrap(app):
        def broken(environ, start_response):
            return respond(start_response, *change(Call(app, environ)))
        return broken
    return wrap


def _json_response(status: str, headers: list, body: Any) -> tuple[str, list, bytes]:
    return status, headers, json.dumps(body).encode()


SCIM_JSON = [("Content-Type", "application/scim+json")]


def scim_error(status: str, detail: str, scim_type: str | None = None) -> tuple[str, list, bytes]:
    """A SCIM error response: `status` is the status line ("400 BAD REQUEST")."""
    body: dict[str, Any] = {"schemas": [ERROR], "status": status.split()[0], "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    return _json_response(status, SCIM_JSON, body)


def without_endpoint(call: Call, endpoint: str) -> tuple[str, list, bytes]:
    """GET of `endpoint` ("/Groups") answers 404 as an unknown route; every other request reaches the server."""
    if call.method == "GET" and call.path.endswith(endpoint):
        return scim_error("404 NOT FOUND", "No such endpoint.")
    return call.forward()


def resources_of(body: Any) -> list[dict]:
    """The resources of an answer: a ListResponse's Resources, or the one resource it is."""
    if not isinstance(body, dict):
        return []
    return [r for r in body.get("Resources", []) if isinstance(r, dict)] if "Resources" in body else [body]


def _sets_inactive(body: Any) -> bool:
    text = json.dumps(body) if body is not None else ""
    return bool(re.search(r'"active":\s*(false|"false")', text, re.IGNORECASE)) or bool(
        re.search(r'"path":\s*"active",\s*"value":\s*(false|"false")', text, re.IGNORECASE))


@breaker
def deletes_on_deactivation(call: Call):
    """Deactivating a user deletes it (Okta and Entra expect it to stay readable with active false)."""
    status, headers, data = call.forward()
    if call.method in ("PATCH", "PUT") and re.fullmatch(r".*/Users/[^/]+", call.path) and status.startswith("2") \
            and _sets_inactive(call.json()):
        call.forward(method="DELETE", body=b"")
    return status, headers, data


@breaker
def case_sensitive_user_name_filter(call: Call):
    """`userName eq` compares exactly (RFC 7643 says userName is caseExact false)."""
    status, headers, data = call.forward()
    match = re.fullmatch(r'\s*userName eq "(.*)"\s*', call.query.get("filter", ""), re.IGNORECASE)
    if call.method == "GET" and call.path.endswith("/Users") and match and status.startswith("200"):
        body = json.loads(data)
        body["Resources"] = [r for r in body.get("Resources", []) if r.get("userName") == match.group(1)]
        body["totalResults"] = body["itemsPerPage"] = len(body["Resources"])
        return _json_response(status, headers, body)
    return status, headers, data


@breaker
def ignores_paging(call: Call):
    """startIndex and count are ignored: every list is one page of everything."""
    query = {k: v for k, v in call.query.items() if k not in ("startIndex", "count")}
    return call.forward(query=query)


@breaker
def duplicates_on_second_post(call: Call):
    """A second POST of a userName creates another account instead of answering 409."""
    status, headers, data = call.forward()
    body = call.json()
    if call.method == "POST" and call.path.endswith("/Users") and status.startswith("409") and isinstance(body, dict):
        copy = dict(body, userName=f"{body.get('userName')}\u200b-duplicate")
        status, headers, data = call.forward(body=json.dumps(copy).encode())
        created = json.loads(data)
        created["userName"] = body.get("userName")
        return _json_response(status, headers, created)
    return status, headers, data


@breaker
def not_found_for_empty_lists(call: Call):
    """A filter that matches nothing answers 404 instead of an empty ListResponse."""
    status, headers, data = call.forward()
    if call.method == "GET" and call.query.get("filter") and status.startswith("200"):
        body = json.loads(data)
        if body.get("totalResults") == 0:
            return _json_response("404 NOT FOUND", headers, {"schemas": [ERROR], "status": "404",
                                                             "detail": "No resource matches the filter."})
    return status, headers, data


@breaker
def empties_group_on_entra_removal(call: Call):
    """Entra's {"op":"Remove","path":"members","value":[...]} removes every member (the value is ignored)."""
    body = call.json()
    if call.method == "PATCH" and "/Groups/" in call.path and isinstance(body, dict):
        for operation in body.get("Operations") or []:
            if str(operation.get("op", "")).lower() == "remove" and operation.get("path") == "members":
                operation.pop("value", None)
        return call.forward(body=json.dumps(body).encode())
    return call.forward()


@breaker
def booleans_as_strings(call: Call):
    """Answers `"active": "False"` (a string) where SCIM has a boolean."""
    status, headers, data = call.forward()
    if call.method == "GET" and "/Users/" in call.path and status.startswith("200"):
        body = json.loads(data)
        if isinstance(body.get("active"), bool):
            body["active"] = str(body["active"])
            return _json_response(status, headers, body)
    return status, headers, data


@dataclass(frozen=True)
class Broken:
    """A broken target and what the suite must say of it.

    ``must_fail``: scenario test names (pytest-bdd's, with the example in brackets) that judge the
    broken behaviour. ``must_pass``: scenarios it does not touch, which must still pass, so that a
    failure means something.
    """

    wrap: Callable
    must_fail: tuple[str, ...]
    must_pass: tuple[str, ...] = ()

    def server_options(self) -> dict:
        """ServerConfig settings the broken target needs beyond a token (a token endpoint, an admin API)."""
        return {}

    def run_args(self, base_url: str) -> tuple[str, ...]:
        """`scimulator run` options the suite needs against it."""
        return ()


BREAKERS = {
    "booleans_as_strings": Broken(booleans_as_strings, must_fail=(
        "test_spec_step_2_required_test_get_usersid",
    ), must_pass=("test_spec_step_7_required_test_verify_that_user_was_created",)),
    "deletes_on_deactivation": Broken(deletes_on_deactivation, must_fail=(
        "test_unassignment_deactivates_and_never_deletes_flavour_app[OIN]",
        "test_unassignment_deactivates_and_never_deletes_flavour_app[AIW]",
        "test_suspending_or_deactivating_the_okta_user_deactivates_it_in_the_target[suspends]",
        "test_unassignment_disables_and_never_deletes_flag_the_flag[without]",
        "test_unassignment_disables_and_never_deletes_flag_the_flag[with]",
        "test_a_soft_delete_disables_at_once_and_deletes_after_30_days",
    )),
    "case_sensitive_user_name_filter": Broken(case_sensitive_user_name_filter, must_fail=(
        "test_the_lookup_finds_a_user_whose_username_differs_only_in_case",
        "test_username_eq_ignores_case",
        "test_spec_step_9_required_test_username_case_sensitivity_check",
    ), must_pass=("test_a_user_the_target_already_holds_is_linked_not_duplicated",
                  "test_spec_step_5_required_test_make_sure_random_user_doesnt_exist")),
    "ignores_paging": Broken(ignores_paging, must_fail=(
        "test_startindex_and_count_select_a_page_and_totalresults_counts_them_all",
        "test_pages_are_stable_and_together_hold_every_user_once",
    ), must_pass=("test_assignment_looks_the_user_up_then_creates_it_flavour_app[OIN]",)),
    "duplicates_on_second_post": Broken(duplicates_on_second_post, must_fail=(
        "test_a_second_create_of_the_same_user_is_refused_with_409_which_stops_oktas_job",
        "test_a_second_user_with_the_same_username_is_a_409_uniqueness",
        "test_a_create_the_target_refuses_with_409_is_escrowed_and_retried_after_6_12_and_24_hours",
    )),
    "not_found_for_empty_lists": Broken(not_found_for_empty_lists, must_fail=(
        "test_test_connection_gets_an_empty_list_for_a_user_that_does_not_exist",
        "test_a_filter_that_matches_nothing_is_answered_with_an_empty_list_not_404_so_the_job_is_not_quarantined",
        "test_a_filter_that_matches_nothing_is_an_empty_list_not_a_404",
        "test_a_user_provisioned_on_demand_is_created_at_once_on_an_app_with_the_flag",
    )),
    "empties_group_on_entra_removal": Broken(empties_group_on_entra_removal, must_fail=(
        "test_removing_one_member_removes_only_that_member_flag_the_flag[without]",
    ), must_pass=("test_removing_one_member_removes_only_that_member_flag_the_flag[with]",
                  "test_members_are_added_and_removed_by_patch")),
}
