"""Broken targets for the plain protocol scenarios (features/rfc7644): passwords, media types, paging.

Each is WSGI middleware around the real reference server (see tests/suite/broken_targets.py); the
suite must fail the scenarios about the broken behaviour and pass the ones it names beside them.
"""

from __future__ import annotations

import json
import re

from tests.suite.broken_targets import Broken, Call, _json_response, breaker, resources_of, scim_error

USER_PATH = re.compile(r".*/Users(/[^/]+)?")


def echoes_passwords():
    """Keeps the passwords it was sent and returns them with the user, as a naive store of the whole body does."""
    passwords: dict[str, str] = {}

    def remember(call: Call, body) -> None:
        sent = call.json() if isinstance(call.json(), dict) else {}
        replaced = [op.get("value") for op in sent.get("Operations") or [] if isinstance(op, dict)]
        candidates = [sent.get("password")] + [v.get("password") for v in replaced if isinstance(v, dict)]
        password = next((p for p in candidates if p), None)
        if password and isinstance(body, dict) and body.get("id"):
            passwords[body["id"]] = password

    @breaker
    def change(call: Call):
        status, headers, data = call.forward()
        if not (USER_PATH.fullmatch(call.path) and status[:1] == "2" and data):
            return status, headers, data
        body = json.loads(data)
        if call.method in ("POST", "PUT", "PATCH"):
            remember(call, body)
        for resource in resources_of(body):
            if resource.get("id") in passwords:
                resource["password"] = passwords[resource["id"]]
        return _json_response(status, headers, body)
    return change


@breaker
def refuses_plain_json(call: Call):
    """Answers 415 to a write labelled application/json (it wants application/scim+json only)."""
    media_type = call.environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if call.method in ("POST", "PUT", "PATCH") and media_type == "application/json":
        return scim_error("415 UNSUPPORTED MEDIA TYPE", "Content-Type must be application/scim+json.")
    return call.forward()


@breaker
def overlapping_pages(call: Call):
    """Every page after the first starts one resource early (an unstable order): a user comes twice."""
    start = call.query.get("startIndex", "")
    if call.method == "GET" and call.path.endswith("/Users") and start.isdigit() and int(start) > 1:
        status, headers, data = call.forward(query=dict(call.query, startIndex=str(int(start) - 1)))
        if status.startswith("200"):
            body = json.loads(data)
            body["startIndex"] = int(start)
            return _json_response(status, headers, body)
        return status, headers, data
    return call.forward()


@breaker
def inconsistent_totals(call: Call):
    """totalResults counts only the resources of the page it answers."""
    status, headers, data = call.forward()
    if call.method == "GET" and call.path.endswith("/Users") and status.startswith("200") and "startIndex" in call.query:
        body = json.loads(data)
        body["totalResults"] = body["startIndex"] - 1 + len(body.get("Resources", []))
        return _json_response(status, headers, body)
    return status, headers, data


@breaker
def no_groups_with_members_nor_sw(call: Call):
    """Refuses to create a group that has members, and every filter but eq: setups of other scenarios fail.

    Scenarios about something else (PATCH of members, sorting) must come out blocked by that cause,
    not failed: see tests/reports/test_protocol_reporting.py.
    """
    body = call.json()
    if call.method == "POST" and call.path.endswith("/Groups") and isinstance(body, dict) and body.get("members"):
        return scim_error("400 BAD REQUEST", "Create the group, then add its members.")
    if call.method == "GET" and re.search(r"\s(sw|co|ew)\s", call.query.get("filter", "")):
        return scim_error("400 BAD REQUEST", "Only eq is supported.", "invalidFilter")
    return call.forward()


def _outside_quotes(text: str) -> str:
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)


def refuses_filters_where(pattern: str, detail: str):
    """A target whose filter parser refuses what `pattern` finds outside the filter's quoted values."""
    @breaker
    def change(call: Call):
        if call.method == "GET" and re.search(pattern, _outside_quotes(call.query.get("filter", ""))):
            return scim_error("400 BAD REQUEST", detail, "invalidFilter")
        return call.forward()
    return change


@breaker
def refuses_out_of_range_paging(call: Call):
    """A startIndex below 1 or a negative count is a 400, where RFC 7644 says to read them as 1 and 0."""
    start, count = call.query.get("startIndex", "1"), call.query.get("count", "0")
    if call.method == "GET" and (start.lstrip("-").isdigit() and int(start) < 1 or count.startswith("-")):
        return scim_error("400 BAD REQUEST", "startIndex must be 1 or more and count 0 or more.", "invalidValue")
    return call.forward()


@breaker
def no_location(call: Call):
    """Answers a create without its Location header."""
    status, headers, data = call.forward()
    return status, [(k, v) for k, v in headers if k.lower() != "location"], data


@breaker
def keeps_client_meta(call: Call):
    """Answers a create with the meta.created the client sent (the store's own is hidden)."""
    status, headers, data = call.forward()
    sent = call.json()
    if call.method == "POST" and status.startswith("201") and isinstance(sent, dict) and isinstance(sent.get("meta"), dict):
        body = json.loads(data)
        body.setdefault("meta", {}).update({k: v for k, v in sent["meta"].items() if k in ("created", "lastModified")})
        return _json_response(status, headers, body)
    return status, headers, data


@breaker
def ignores_attribute_selection(call: Call):
    """attributes and excludedAttributes are ignored on /Users: every attribute comes back."""
    if call.method == "GET" and "/Users" in call.path:
        return call.forward(query={k: v for k, v in call.query.items() if k not in ("attributes", "excludedAttributes")})
    return call.forward()


BREAKERS = {
    "echoes_passwords": Broken(lambda app: echoes_passwords()(app), must_fail=(
        "test_a_password_the_client_sets_never_comes_back",
    ), must_pass=("test_put_replaces_the_user_and_answers_it",)),
    "refuses_plain_json": Broken(refuses_plain_json, must_fail=(
        "test_writes_labelled_applicationjson_are_accepted",
    ), must_pass=("test_patch_replaces_one_attribute", "test_a_password_the_client_sets_never_comes_back")),
    "overlapping_pages": Broken(overlapping_pages, must_fail=(
        "test_pages_are_stable_and_together_hold_every_user_once",
    ), must_pass=("test_count0_answers_only_the_total",)),
    "inconsistent_totals": Broken(inconsistent_totals, must_fail=(
        "test_pages_are_stable_and_together_hold_every_user_once",
    ), must_pass=("test_count0_answers_only_the_total",)),
    "refuses_out_of_range_paging": Broken(refuses_out_of_range_paging, must_fail=(
        "test_a_startindex_below_1_is_read_as_1",
        "test_a_negative_count_is_read_as_0",
    ), must_pass=("test_startindex_and_count_select_a_page_and_totalresults_counts_them_all",)),
    "case_sensitive_filter_grammar": Broken(refuses_filters_where(r"\b[A-Z]{2,}\b", "Operators are lower case."), must_fail=(
        "test_attribute_names_and_operators_in_a_filter_ignore_case",
    ), must_pass=("test_username_eq_ignores_case",)),
    "no_and_in_filters": Broken(refuses_filters_where(r"\sand\s", "Only one comparison."), must_fail=(
        "test_and_joins_two_eq_comparisons_as_entra_documents_it_may",
    ), must_pass=("test_username_eq_ignores_case", "test_eq_on_a_groups_displayname")),
    "no_value_path_filters": Broken(refuses_filters_where(r"\[", "No value paths."), must_fail=(
        "test_a_work_email_is_found_with_a_value_path_filter",
    ), must_pass=("test_username_eq_ignores_case",)),
    "ignores_attribute_selection": Broken(ignores_attribute_selection, must_fail=(
        "test_attributesusername_returns_username_and_id_only",
        "test_attributesusername_on_a_filtered_list_returns_username_and_id_only",
        "test_excludedattributesemails_leaves_the_emails_out",
    ), must_pass=("test_excludedattributesmembers_leaves_the_members_out",)),
    "no_location": Broken(no_location, must_fail=(
        "test_a_create_says_where_the_new_user_lives_in_location_and_in_metalocation",
    ), must_pass=("test_put_replaces_the_user_and_answers_it",)),
    "keeps_client_meta": Broken(keeps_client_meta, must_fail=(
        "test_the_meta_a_client_sends_is_ignored",
    ), must_pass=("test_a_create_says_where_the_new_user_lives_in_location_and_in_metalocation",)),
    "no_groups_with_members_nor_sw": Broken(no_groups_with_members_nor_sw, must_fail=(
        "test_sw_and_co_match_the_start_and_the_inside_of_a_value",
    ), must_pass=("test_pages_are_stable_and_together_hold_every_user_once",
                  "test_startindex_and_count_select_a_page_and_totalresults_counts_them_all")),
}
