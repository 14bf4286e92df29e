"""Broken targets for the SCIM 2.0 Interoperability Profile's scenarios (features/interop/).

Each breaker does one thing draft-zollner-scim-interop-profile-01 forbids (or, for its MAY and SHOULD
rows, the one thing its scenario judges), names the scenario it must fail and one it must leave passing.
"""

from __future__ import annotations

import base64
import json
import re

from scimulator.reference_server.schema import USER as USER_RESOURCE
from scimulator.simulator.scim import LIST_RESPONSE
from tests.suite.broken_entra import USER_BY_ID
from tests.suite.broken_targets import (Broken, Call, _json_response, breaker, case_sensitive_user_name_filter,
                                       resources_of, scim_error)

CONFORMANCE_FLAG = "interopProfileConformant"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
BROKEN_PAGE_CAP = 50  # below the 100 the profile makes every target honour
BROKEN_DEFAULT_PAGE = 10

CLAIM_STRICT = "test_a_target_that_claims_the_profile_says_true_and_refuses_what_the_profile_forbids"
CLAIM_TOLERANT = "test_a_target_that_accepts_what_the_profile_forbids_does_not_claim_conformance"
DECLARED = "test_every_attribute_the_target_returns_for_a_user_is_declared_in_schemas"
SCHEMAS_SERVED = "test_every_schema_a_resource_type_names_is_served_at_schemas"
ID_IS_NAME = "test_every_resource_types_id_is_its_name"
CASE_RULES = "test_a_filter_and_a_create_apply_the_same_case_rules_to_username"
ID_CASE = "test_a_filter_on_a_users_id_with_its_case_changed_finds_nothing"
EXTERNAL_ID_CASE = "test_a_filter_on_a_users_externalid_with_its_case_changed_finds_nothing"
CANONICAL_VALUES = "test_every_typed_multivalued_attribute_declares_its_type_values_in_canonicalvalues"
OWN_ENDPOINT = "test_users_and_groups_each_have_an_endpoint_of_their_own"
ADDRESSED_BY_ID = "test_a_user_is_addressed_by_its_id_never_by_its_username"
SCIM_JSON_ANSWERS = "test_every_answer_carrying_scim_data_is_json_labelled_applicationscimjson"
COUNT_100 = "test_a_page_asked_with_count100_holds_100_users"
DEFAULT_PAGE = "test_without_a_count_a_page_holds_at_least_100_users_and_the_page_maximum_is_stated_and_kept"
COMPLEX_ADD = "test_add_on_a_whole_complex_attribute_merges_into_it"
COLLECTION_REPLACE = "test_replace_on_a_whole_multivalued_attribute_replaces_the_collection"
COLLECTION_ADD = "test_add_on_a_whole_multivalued_attribute_appends_to_the_collection"
ELEMENT_PATH = "test_a_patch_on_a_filtered_element_itself_is_applied_or_refused_with_400"
CONDITIONAL = "test_a_conditional_header_is_ignored_or_the_request_refused_never_answered_with_a_server_error"
BULK = "test_where_the_target_advertises_bulk_a_bulk_request_creates_a_user"
BASIC = "test_http_basic_authentication_is_not_accepted"
STRICT_INPUT = "test_an_attribute_or_a_schema_uri_no_schema_defines_is_refused_with_400_invalidsyntax"
PATHLESS = "test_a_patch_operation_without_a_path_is_refused_with_400_invalidsyntax"
COMPLEX_REPLACE = "test_replace_on_a_whole_complex_attribute_replaces_it_entirely"
# What a target keeping none of the tolerances passes (tests/suite/test_standard_profiles.py runs them against it).
CONFORMING = (CLAIM_STRICT, CLAIM_TOLERANT, STRICT_INPUT, PATHLESS, COMPLEX_REPLACE)


def _changed_json(call: Call, change) -> tuple[str, list, bytes]:
    """Forward, then answer `change(body)` in place of a 200 JSON body."""
    status, headers, data = call.forward()
    if not status.startswith("200"):
        return status, headers, data
    return _json_response(status, headers, change(json.loads(data)))


# --- section 4: the conformance flag --------------------------------------------------------------------------

def _claiming(config: dict) -> dict:
    return {**config, CONFORMANCE_FLAG: True}


@breaker
def claims_conformance_keeping_tolerances(call: Call):
    """/ServiceProviderConfig says interopProfileConformant true while path-less PATCH and undefined attributes
    are still accepted, as the reference server accepts them for Okta and Entra."""
    if call.method == "GET" and call.path.endswith("/ServiceProviderConfig"):
        return _changed_json(call, _claiming)
    return call.forward()


# --- section 5.1: discovery --------------------------------------------------------------------------------------

def _list_changed(body: dict, change) -> dict:
    return {**body, "Resources": [change(r) for r in body.get("Resources", [])]}


def _without_attribute(schema: dict, name: str) -> dict:
    return {**schema, "attributes": [a for a in schema.get("attributes", []) if a.get("name") != name]}


@breaker
def schemas_leave_out_emails(call: Call):
    """/Schemas leaves emails out of the User schema, though users carry them."""
    if call.method == "GET" and call.path.endswith("/Schemas"):
        return _changed_json(call, lambda body: _list_changed(body, lambda s: _without_attribute(s, "emails")))
    return call.forward()


@breaker
def schemas_leave_out_the_enterprise_extension(call: Call):
    """/Schemas does not serve the enterprise extension the User resource type names."""
    if call.method == "GET" and call.path.endswith("/Schemas"):
        return _changed_json(call, lambda body: {**body, "Resources": [
            s for s in body.get("Resources", []) if s.get("id") != ENTERPRISE]})
    return call.forward()


@breaker
def resource_type_ids_differ_from_names(call: Call):
    """Every ResourceType's id is its name in lower case ("user", not "User")."""
    if call.method == "GET" and call.path.endswith("/ResourceTypes"):
        return _changed_json(call, lambda body: _list_changed(body, lambda r: {**r, "id": str(r.get("id")).lower()}))
    return call.forward()


def _without_canonical_values(attribute: dict) -> dict:
    subs = [{k: v for k, v in s.items() if k != "canonicalValues"} for s in attribute.get("subAttributes", [])]
    return {**attribute, "subAttributes": subs} if subs else attribute


@breaker
def no_canonical_values(call: Call):
    """/Schemas declares no canonicalValues for any type sub-attribute."""
    if call.method == "GET" and call.path.endswith("/Schemas"):
        return _changed_json(call, lambda body: _list_changed(body, lambda s: {
            **s, "attributes": [_without_canonical_values(a) for a in s.get("attributes", [])]}))
    return call.forward()


# --- section 5.2: case rules ------------------------------------------------------------------------------------

# A userName eq filter that compares exactly, while a create still refuses a userName differing only in case:
# broken_targets.case_sensitive_user_name_filter does exactly that.



def _case_blind_filter(call: Call, attribute: str):
    """`attribute eq "v"` answered from the whole list, comparing without case."""
    match = re.fullmatch(rf'\s*{attribute} eq "(.*)"\s*', call.query.get("filter", ""), re.IGNORECASE)
    if not (call.method == "GET" and call.path.endswith("/Users") and match):
        return call.forward()
    status, headers, data = call.forward(query={"startIndex": "1", "count": "1000"})
    wanted = match.group(1).lower()
    found = [r for r in resources_of(json.loads(data)) if str(r.get(attribute, "")).lower() == wanted]
    return _json_response(status, headers, {"schemas": [LIST_RESPONSE], "totalResults": len(found), "startIndex": 1,
                                            "itemsPerPage": len(found), "Resources": found})


@breaker
def id_filter_ignores_case(call: Call):
    """A filter on id finds a user whatever the case of the id written."""
    return _case_blind_filter(call, "id")


@breaker
def external_id_filter_ignores_case(call: Call):
    """A filter on externalId finds a user whatever the case of the externalId written."""
    return _case_blind_filter(call, "externalId")


# --- section 6.1: endpoints --------------------------------------------------------------------------------------

@breaker
def users_list_holds_groups(call: Call):
    """A list of /Users holds the groups too, as one shared endpoint would."""
    status, headers, data = call.forward()
    if call.method == "GET" and call.path.endswith("/Users") and status.startswith("200"):
        _, _, groups = call.forward(path=call.path[: -len("/Users")] + "/Groups", query={"count": "5"})
        body = json.loads(data)
        body["Resources"] = body.get("Resources", []) + resources_of(json.loads(groups))
        body["totalResults"] = body.get("totalResults", 0) + len(resources_of(json.loads(groups)))
        body["itemsPerPage"] = len(body["Resources"])
        return _json_response(status, headers, body)
    return status, headers, data


@breaker
def user_addressed_by_user_name(call: Call):
    """GET /Users/{userName} answers the user with that userName when no id matches."""
    status, headers, data = call.forward()
    if call.method == "GET" and USER_BY_ID.fullmatch(call.path) and status.startswith("404"):
        user_name = call.path.rsplit("/", 1)[-1]
        _, _, listed = call.forward(path=call.path.rsplit("/", 1)[0], query={"filter": f'userName eq "{user_name}"'})
        found = resources_of(json.loads(listed))
        if found:
            return _json_response("200 OK", [("Content-Type", "application/scim+json")], found[0])
    return status, headers, data


# --- section 6.2: media type -------------------------------------------------------------------------------------

@breaker
def answers_as_plain_json(call: Call):
    """Every answer says Content-Type application/json instead of application/scim+json."""
    status, headers, data = call.forward()
    headers = [(k, "application/json" if k.lower() == "content-type" else v) for k, v in headers]
    return status, headers, data


# --- section 6.4: pages --------------------------------------------------------------------------------------------

def _listing_users(call: Call) -> bool:
    return call.method == "GET" and call.path.endswith("/Users") and "filter" not in call.query


@breaker
def pages_capped_at_fifty(call: Call):
    """No page holds more than 50 resources, whatever count asks for."""
    count = call.query.get("count", "")
    if _listing_users(call) and (not count.isdigit() or int(count) > BROKEN_PAGE_CAP):
        return call.forward(query={**call.query, "count": str(BROKEN_PAGE_CAP)})
    return call.forward()


@breaker
def default_page_of_ten(call: Call):
    """A list asked without count answers 10 resources."""
    if _listing_users(call) and "count" not in call.query:
        return call.forward(query={**call.query, "count": str(BROKEN_DEFAULT_PAGE)})
    return call.forward()


# --- section 6.5.2: PATCH semantics ------------------------------------------------------------------------------

def _patched(call: Call, rewrite) -> tuple[str, list, bytes]:
    """A PATCH of one user with each operation replaced by `rewrite(operation)` (a list of operations)."""
    body = call.json()
    if call.method != "PATCH" or not USER_BY_ID.fullmatch(call.path) or not isinstance(body, dict):
        return call.forward()
    operations = [new for op in body.get("Operations", []) for new in rewrite(op)]
    return call.forward(body=json.dumps({**body, "Operations": operations}).encode())


def _op(operation: dict) -> str:
    return str(operation.get("op", "")).lower()


@breaker
def complex_add_replaces(call: Call):
    """add on the whole name replaces it: sub-attributes not sent are lost."""
    def rewrite(op):
        if _op(op) == "add" and op.get("path") == "name":
            return [{"op": "remove", "path": "name"}, op]
        return [op]
    return _patched(call, rewrite)


@breaker
def collection_replace_appends(call: Call):
    """replace on the whole emails collection appends instead."""
    return _patched(call, lambda op: [{**op, "op": "add"}] if _op(op) == "replace" and op.get("path") == "emails"
                    else [op])


@breaker
def collection_add_replaces(call: Call):
    """add on the whole emails collection replaces it."""
    return _patched(call, lambda op: [{**op, "op": "replace"}] if _op(op) == "add" and op.get("path") == "emails"
                    else [op])


@breaker
def element_path_refused_with_422(call: Call):
    """A PATCH whose path targets a filtered element itself is refused with 422, not the 400 the profile allows."""
    body = call.json()
    paths = [str(op.get("path", "")) for op in body.get("Operations", [])] if isinstance(body, dict) else []
    if call.method == "PATCH" and any(path.endswith("]") for path in paths):
        return scim_error("422 UNPROCESSABLE ENTITY", "Filtered paths must name a sub-attribute.", "invalidPath")
    return call.forward()


# --- sections 6.7, 6.8, 7.2 ------------------------------------------------------------------------------------------

@breaker
def conditional_header_crashes(call: Call):
    """Any If-Match header is answered with a server error."""
    if "HTTP_IF_MATCH" in call.environ:
        return scim_error("500 INTERNAL SERVER ERROR", "Conditional requests are not handled.")
    return call.forward()


@breaker
def bulk_operations_fail(call: Call):
    """/Bulk is advertised, but each of its operations fails with 500."""
    body = call.json()
    if call.method == "POST" and call.path.endswith("/Bulk") and isinstance(body, dict):
        results = [{"method": op.get("method"), "bulkId": op.get("bulkId"), "status": "500"}
                   for op in body.get("Operations", [])]
        return _json_response("200 OK", [("Content-Type", "application/scim+json")], {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkResponse"], "Operations": results})
    return call.forward()


@breaker
def accepts_basic_authentication(call: Call):
    """HTTP Basic credentials are accepted: the password is taken as the bearer token."""
    scheme, _, credentials = call.environ.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() == "basic":
        password = base64.b64decode(credentials).decode().partition(":")[2]
        call.environ["HTTP_AUTHORIZATION"] = f"Bearer {password}"
    return call.forward()


# --- sections 5.3 and 6.5.1.1: the tolerances, and a target that keeps none ----------------------------------------

def _undefined_in_body(body: dict) -> str | None:
    """A top-level attribute or schema URI of a User body that no schema of the User resource type defines."""
    for urn in body.get("schemas") or []:
        if str(urn).lower() != USER_RESOURCE.schema.lower() and USER_RESOURCE.extension_urn(str(urn)) is None:
            return str(urn)
    for key in body:
        if key != "schemas" and USER_RESOURCE.extension_urn(key) is None and USER_RESOURCE.attribute(None, key) is None:
            return key
    return None


def _undefined_in_patch(body: dict) -> str | None:
    for operation in body.get("Operations") or []:
        path = operation.get("path") if isinstance(operation, dict) else None
        if not path:
            return "an operation without a path"
        name = re.split(r"[\[.]", str(path).rsplit(":", 1)[-1], maxsplit=1)[0]
        if ":" not in str(path) and USER_RESOURCE.attribute(None, name) is None:
            return str(path)
    return None


def _strictly(call: Call):
    """Refuse, as the profile makes a conforming target refuse, what the reference server tolerates."""
    body = call.json()
    writes_user = call.method in ("POST", "PUT") and re.fullmatch(r".*/Users(/[^/]+)?", call.path)
    undefined = (_undefined_in_body(body) if writes_user and isinstance(body, dict) else
                 _undefined_in_patch(body) if call.method == "PATCH" and USER_BY_ID.fullmatch(call.path)
                 and isinstance(body, dict) else None)
    if undefined:
        return scim_error("400 BAD REQUEST", f"{undefined} is not defined by this service provider.", "invalidSyntax")
    return None


def _singular_complex(path) -> bool:
    found = USER_RESOURCE.attribute(None, str(path)) if path and "." not in str(path) else None
    return found is not None and found[1].type == "complex" and not found[1].multi_valued


def _replaced_whole(operation: dict) -> list[dict]:
    """A replace of a whole singular complex attribute as the profile reads it (section 6.5.2.1): remove, then add."""
    if _op(operation) == "replace" and _singular_complex(operation.get("path")):
        return [{"op": "remove", "path": operation["path"]}, {**operation, "op": "add"}]
    return [operation]


def _claiming_and_strict(call: Call, rewrite) -> tuple[str, list, bytes]:
    """Refuse what the profile forbids, claim conformance, and apply each PATCH operation as `rewrite` has it."""
    refused = _strictly(call)
    if refused:
        return refused
    if call.method == "GET" and call.path.endswith("/ServiceProviderConfig"):
        return _changed_json(call, _claiming)
    return _patched(call, rewrite)


@breaker
def conforming_target(call: Call):
    """Not broken: the reference server made to refuse what the profile forbids, to replace a whole complex
    attribute entirely, and claiming conformance."""
    return _claiming_and_strict(call, _replaced_whole)


@breaker
def conforming_but_complex_replace_merges(call: Call):
    """Claims the profile and refuses what it forbids, but merges a replace of a whole complex attribute as
    RFC 7644 section 3.5.2.3 has it."""
    return _claiming_and_strict(call, lambda operation: [operation])


BREAKERS = {
    "claims_conformance_keeping_tolerances": Broken(claims_conformance_keeping_tolerances,
                                                    must_fail=(CLAIM_STRICT, CLAIM_TOLERANT, STRICT_INPUT, PATHLESS,
                                                               COMPLEX_REPLACE),
                                                    must_pass=(ID_IS_NAME,)),
    "schemas_leave_out_emails": Broken(schemas_leave_out_emails, must_fail=(DECLARED,), must_pass=(SCHEMAS_SERVED,)),
    "schemas_leave_out_the_enterprise_extension": Broken(schemas_leave_out_the_enterprise_extension,
                                                         must_fail=(SCHEMAS_SERVED,), must_pass=(DECLARED,)),
    "resource_type_ids_differ_from_names": Broken(resource_type_ids_differ_from_names, must_fail=(ID_IS_NAME,),
                                                  must_pass=(SCHEMAS_SERVED,)),
    "no_canonical_values": Broken(no_canonical_values, must_fail=(CANONICAL_VALUES,), must_pass=(DECLARED,)),
    "user_name_filter_exact_but_uniqueness_not": Broken(case_sensitive_user_name_filter,
                                                        must_fail=(CASE_RULES,), must_pass=(ID_CASE,)),
    "id_filter_ignores_case": Broken(id_filter_ignores_case, must_fail=(ID_CASE,), must_pass=(EXTERNAL_ID_CASE,)),
    "external_id_filter_ignores_case": Broken(external_id_filter_ignores_case, must_fail=(EXTERNAL_ID_CASE,),
                                              must_pass=(ID_CASE,)),
    "users_list_holds_groups": Broken(users_list_holds_groups, must_fail=(OWN_ENDPOINT,), must_pass=(ADDRESSED_BY_ID,)),
    "user_addressed_by_user_name": Broken(user_addressed_by_user_name, must_fail=(ADDRESSED_BY_ID,),
                                          must_pass=(OWN_ENDPOINT,)),
    "answers_as_plain_json": Broken(answers_as_plain_json, must_fail=(SCIM_JSON_ANSWERS,), must_pass=(ID_IS_NAME,)),
    "pages_capped_at_fifty": Broken(pages_capped_at_fifty, must_fail=(COUNT_100,), must_pass=(ID_IS_NAME,)),
    "default_page_of_ten": Broken(default_page_of_ten, must_fail=(DEFAULT_PAGE,), must_pass=(COUNT_100,)),
    "complex_add_replaces": Broken(complex_add_replaces, must_fail=(COMPLEX_ADD,), must_pass=(COLLECTION_ADD,)),
    "collection_replace_appends": Broken(collection_replace_appends, must_fail=(COLLECTION_REPLACE,),
                                         must_pass=(COLLECTION_ADD,)),
    "collection_add_replaces": Broken(collection_add_replaces, must_fail=(COLLECTION_ADD,),
                                      must_pass=(COLLECTION_REPLACE,)),
    "element_path_refused_with_422": Broken(element_path_refused_with_422, must_fail=(ELEMENT_PATH,),
                                            must_pass=(COLLECTION_REPLACE,)),
    "conditional_header_crashes": Broken(conditional_header_crashes, must_fail=(CONDITIONAL,), must_pass=(ADDRESSED_BY_ID,)),
    "bulk_operations_fail": Broken(bulk_operations_fail, must_fail=(BULK,), must_pass=(ID_IS_NAME,)),
    "conforming_but_complex_replace_merges": Broken(conforming_but_complex_replace_merges,
                                                    must_fail=(COMPLEX_REPLACE,), must_pass=(STRICT_INPUT, PATHLESS)),
    "accepts_basic_authentication": Broken(accepts_basic_authentication, must_fail=(BASIC,), must_pass=(ID_IS_NAME,)),
}
