"""Steps of the SCIM 2.0 Interoperability Profile's scenarios (features/interop/).

They judge what a service provider shows over HTTP: its discovery documents, its case rules, its
pages, its answers' media type, and whether it claims the profile's conformance. Requests are sent
with the plain protocol steps (steps/protocol_steps.py); these steps read the target back and judge.
"""

from __future__ import annotations

import base64
import json
import socket
import ssl
from urllib.parse import urlsplit

import pytest

from scimulator.reports.certification import NOT_APPLICABLE, PROFILES
from scimulator.simulator import VERIFY, Transport
from scimulator.simulator.scim import USER, eq_filter, list_problem, resources_of
from .certification import selected_profile
from .judge import aliases, failed, held_in_target, read
from .language import given, then, when
from .protocol_steps import _has, expand, last, value_at

SCIM_JSON = "application/scim+json"
INTEROP_PROFILE = "scim-interop"
CONFORMANCE_FLAG = "interopProfileConformant"
COMMON_ATTRIBUTES = {"id", "externalId", "meta", "schemas"}  # RFC 7643 section 3.1: in no schema's attribute list
BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
BULK_CHUNK = 100  # operations per bulk request when the target states no maximum
HANDSHAKE_TIMEOUT_S = 10


# --- reading the target's discovery documents ---------------------------------------------------------------

def _discovery_list(verify: Transport, endpoint: str) -> list[dict]:
    return _listed(verify.get(endpoint))


def _service_provider_config(verify: Transport) -> dict:
    return read(verify, "/ServiceProviderConfig", "The ServiceProviderConfig")


def _member(document: dict, name: str):
    """A member of a JSON object by name, case-insensitively (RFC 7643 section 2.1)."""
    return next((value for key, value in document.items() if key.lower() == name.lower()), None)


def _claims_conformance(config: dict) -> bool:
    flag = _member(config, CONFORMANCE_FLAG)
    return flag is True or (isinstance(flag, str) and flag.strip().lower() == "true")


@pytest.fixture
def conformance_claim() -> dict:
    """What the target's ServiceProviderConfig said of the interop profile."""
    return {}


@given("the target claims conformance to the SCIM interop profile")
def claims_conformance(verify, conformance_claim):
    """A target that does not claim it (flag absent or false) is skipped: the requirement is not applicable to it."""
    config = _service_provider_config(verify)
    if not _claims_conformance(config):
        pytest.skip(f"{NOT_APPLICABLE}the target does not claim conformance to the SCIM interop profile "
                    f"(its ServiceProviderConfig's {CONFORMANCE_FLAG} is "
                    f"{json.dumps(_member(config, CONFORMANCE_FLAG))}).")
    conformance_claim["flag"] = _member(config, CONFORMANCE_FLAG)


@given("the target keeps none of the tolerances the SCIM interop profile forbids")
def keeps_no_forbidden_tolerance(request, scim_target, verify):
    """Judged under --profile scim-interop, or on a target that claims the profile.

    Okta (path-less PATCH) and Entra and Okta (undefined attributes) need a server to accept what these
    scenarios make it refuse, which RFC 7644 allows: a run about the IdPs does not fail a target for it. The
    bundled reference server keeps these tolerances on purpose; its profile result says "tolerance kept".
    """
    _judged_for_the_profile(request, scim_target, verify,
                            bundled="The bundled reference server keeps this tolerance for Okta and Entra",
                            elsewhere="Okta and Entra need the tolerance it forbids, and RFC 7644 allows it")


@given("the target follows the SCIM interop profile where it departs from RFC 7644")
def departs_from_rfc_7644(request, scim_target, verify):
    """Where the profile contradicts RFC 7644: judged under --profile scim-interop or on a target claiming it.

    RFC 7644 section 3.5.2.3 leaves the sub-attributes a replace of a whole complex attribute does not send
    unchanged; the profile (section 6.5.2.1) makes the replace drop them. A run about RFC 7644 or the IdPs does not
    fail a target for following the RFC; the bundled reference server follows it, and its profile result says so.
    """
    _judged_for_the_profile(request, scim_target, verify,
                            bundled="The bundled reference server follows RFC 7644 section 3.5.2.3 here",
                            elsewhere="RFC 7644 section 3.5.2.3 asks for the opposite")


@given("the target is judged on the SCIM interop profile's transport security")
def judged_on_transport_security(request, scim_target, verify):
    """TLS: judged under --profile scim-interop or on a target claiming the profile.

    A test target reached over plain HTTP (a developer's own machine, a loopback port) is not failed for it
    otherwise; the bundled reference server speaks plain HTTP on loopback, and its profile result says so.
    """
    _judged_for_the_profile(request, scim_target, verify,
                            bundled="The bundled reference server speaks plain HTTP on loopback, for local runs",
                            elsewhere="a test target reached over plain HTTP is not failed for it otherwise")


def _judged_for_the_profile(request, scim_target, verify, bundled: str, elsewhere: str) -> None:
    """Skip with `bundled` on the bundled server, and with `elsewhere` on a run neither asking for the profile nor
    against a target claiming it."""
    if scim_target.bundled:
        pytest.skip(f"{bundled}; the profile result says \"tolerance kept\" for the requirement.")
    if not _interop_asked_for(request.config) and not _claims_conformance(_service_provider_config(verify)):
        pytest.skip(f"Judged only under --profile scim-interop (or a profile asking conformance to it, as IPSIE does) "
                    f"or on a target claiming the profile: {elsewhere}.")


def _interop_asked_for(config: pytest.Config) -> bool:
    """The run's profile is the interop profile, or one that asks conformance to it (IPSIE section 4.2)."""
    name = selected_profile(config)
    return bool(name) and INTEROP_PROFILE in PROFILES[name].includes


@then("the target's interopProfileConformant is the boolean true")
def claim_is_boolean_true(conformance_claim):
    if conformance_claim.get("flag") is not True:
        raise failed(f"{CONFORMANCE_FLAG} is a Boolean (draft-zollner-scim-interop-profile-01 section 4): a target "
                     f"claiming conformance says true, not {json.dumps(conformance_claim.get('flag'))}.")


@then("the target claims no conformance to the SCIM interop profile if it accepted any of these requests")
def no_claim_while_tolerant(answers, verify):
    accepted = [answer for answer in answers if answer.ok]
    if not accepted:
        return
    answer = verify.get("/ServiceProviderConfig")
    config = answer.response_body if isinstance(answer.response_body, dict) else {}
    if _claims_conformance(config):
        raise failed(f"The target accepted {accepted[0].method} {accepted[0].url}, which the SCIM interop profile "
                     f"makes it refuse with 400 invalidSyntax, yet its ServiceProviderConfig says {CONFORMANCE_FLAG} "
                     "true: a target that does not conform omits the flag or says false.", answer)


@then("every resource type in the answer has an id equal to its name")
def resource_type_ids_are_names(answers):
    answer = last(answers)
    wrong = [(r.get("id"), r.get("name")) for r in _listed(answer) if not r.get("id") or r.get("id") != r.get("name")]
    if wrong:
        raise failed(f"Every ResourceType's id must equal its name; (id, name): {wrong}.", answer)


@then("no two resource types in the answer share an endpoint")
def endpoints_are_distinct(answers):
    answer = last(answers)
    endpoints = [str(r.get("endpoint", "")).rstrip("/").lower() for r in _listed(answer)]
    shared = sorted({e for e in endpoints if endpoints.count(e) > 1 or not e})
    if shared:
        raise failed(f"Each resource type needs an endpoint of its own; shared or missing: {shared}.", answer)


def _listed(answer) -> list[dict]:
    if answer.status != 200 or list_problem(answer.response_body):
        raise failed(f"{answer.method} {urlsplit(answer.url).path} must answer 200 with a ListResponse "
                     "(RFC 7644 section 4).", answer)
    return resources_of(answer.response_body)


def _schemas_by_id(verify: Transport) -> dict[str, dict]:
    return {str(schema.get("id", "")).lower(): schema for schema in _discovery_list(verify, "/Schemas")}


@then("every schema the resource types in the answer name is served at /Schemas")
def resource_type_schemas_are_served(answers, verify):
    answer = last(answers)
    named = {str(urn) for r in _listed(answer)
             for urn in [r.get("schema"), *(e.get("schema") for e in r.get("schemaExtensions") or [] if isinstance(e, dict))]
             if urn}
    served = _schemas_by_id(verify)
    missing = sorted(urn for urn in named if urn.lower() not in served)
    if missing:
        raise failed(f"Every schema a ResourceType names must be available at /Schemas; missing: {missing}.", answer)


def _typed_without_canonical_values(schema: dict) -> list[str]:
    found = []
    for attribute in schema.get("attributes") or []:
        if not (attribute.get("multiValued") and attribute.get("type") == "complex"):
            continue
        kind = next((s for s in attribute.get("subAttributes") or [] if str(s.get("name", "")).lower() == "type"), None)
        values = (kind or {}).get("canonicalValues")
        if kind is not None and not (isinstance(values, list) and all(isinstance(v, str) for v in values)):
            found.append(f"{schema.get('name') or schema.get('id')}.{attribute.get('name')}")
    return found


@then("every multi-valued attribute with a type sub-attribute in the answer declares its canonicalValues")
def typed_attributes_declare_canonical_values(answers):
    answer = last(answers)
    missing = [name for schema in _listed(answer) for name in _typed_without_canonical_values(schema)]
    if missing:
        raise failed("Each multi-valued complex attribute with a type sub-attribute must declare the type values it "
                     f"accepts in canonicalValues (a list of strings); without: {missing}.", answer)


# --- what a resource holds, against what /Schemas declares --------------------------------------------------------

def _declared(attributes: list[dict]) -> dict[str, dict]:
    return {str(a.get("name", "")).lower(): a for a in attributes if isinstance(a, dict)}


def _undeclared_in(document: dict, declared: dict[str, dict], where: str) -> list[str]:
    found = []
    for key, value in document.items():
        attribute = declared.get(key.lower())
        if attribute is None:
            found.append(f"{where}{key}")
            continue
        subs = _declared(attribute.get("subAttributes") or [])
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, dict) and subs:
                found.extend(_undeclared_in(item, subs, f"{where}{key}."))
    return sorted(set(found))


def _user_resource_type(verify: Transport) -> dict:
    types = _discovery_list(verify, "/ResourceTypes")
    found = next((t for t in types if str(t.get("schema", "")).lower() == USER.lower()), None)
    if found is None:
        raise failed("/ResourceTypes must name the User resource type the target serves at /Users.")
    return found


def undeclared_attributes(resource: dict, resource_type: dict, schemas: dict[str, dict]) -> list[str]:
    """The attributes of a resource that no schema of its resource type declares, as dotted names."""
    core = schemas.get(str(resource_type.get("schema", "")).lower(), {})
    extensions = {str(e.get("schema", "")).lower() for e in resource_type.get("schemaExtensions") or []
                  if isinstance(e, dict)}
    found = []
    for key, value in resource.items():
        if key in COMMON_ATTRIBUTES:
            continue
        if key.lower() in extensions and isinstance(value, dict):
            found.extend(_undeclared_in(value, _declared(schemas.get(key.lower(), {}).get("attributes") or []),
                                        f"{key}:"))
        else:
            found.extend(_undeclared_in({key: value}, _declared(core.get("attributes") or []), ""))
    return found


@then('every attribute the target returns for the user "{resource}" is declared in /Schemas')
def returned_attributes_are_declared(resource, verify, created_ids):
    user = read(verify, f"/Users/{created_ids[resource]}", "The user")
    undeclared = undeclared_attributes(user, _user_resource_type(verify), _schemas_by_id(verify))
    if undeclared:
        raise failed("/Schemas must list exactly the attributes the target implements: it returns "
                     f"{undeclared}, which no schema of the User resource type declares.")


# --- case rules ---------------------------------------------------------------------------------------------------

def _other_case(value: str) -> str:
    return value.swapcase()


@then('a filter and a create with the userName of "{resource}" in other case agree on whether it is taken')
def case_rules_agree(resource, verify, created_ids, answers):
    user = read(verify, f"/Users/{created_ids[resource]}", "The user")
    other = _other_case(str(user.get("userName", "")))
    listed = verify.get("/Users", [("filter", eq_filter("userName", other))])
    answers.append(listed)
    if listed.status != 200 or list_problem(listed.response_body):
        raise failed("The target must answer a userName eq filter with a ListResponse.", listed)
    found = any(r.get("id") == created_ids[resource] for r in resources_of(listed.response_body))
    created = verify.post("/Users", {"schemas": [USER], "userName": other, "active": True})
    answers.append(created)
    conflict = created.status == 409
    if found != conflict or created.status not in (201, 409):
        how = "finds" if found else "does not find"
        raise failed(f"Filtering and uniqueness must apply the same case rules to userName: a filter with the case "
                     f"changed ({other!r}) {how} the user, so a POST of that userName must answer "
                     f"{'409 uniqueness' if found else '201'}.", created)


@then('a filter on the {attribute_path} of "{resource}" finds it as written and not with its case changed')
def case_exact_filter(attribute_path, resource, verify, created_ids, answers):
    user = read(verify, f"/Users/{created_ids[resource]}", "The user")
    value = str(value_at(user, attribute_path) or "")
    if value == _other_case(value):
        pytest.skip(f"Its {attribute_path} {value!r} has no letters, so its case cannot be changed.")
    for written, expected in ((value, True), (_other_case(value), False)):
        listed = verify.get("/Users", [("filter", eq_filter(attribute_path, written))])
        answers.append(listed)
        if listed.status != 200 or list_problem(listed.response_body):
            raise failed(f"The target must answer a filter on {attribute_path} with a ListResponse.", listed)
        found = any(r.get("id") == created_ids[resource] for r in resources_of(listed.response_body))
        if found != expected:
            raise failed(f"{attribute_path} is case-exact (RFC 7643 section 3.1): a filter on {written!r} must "
                         f"{'find' if expected else 'not find'} the user whose {attribute_path} is {value!r}.", listed)


@given('the target holds the users {users} with the externalIds {values}')
def users_with_external_ids(users, values, verify, scenario_prefix, created_ids):
    """Each externalId is made unique to the run with the scenario's prefix, as userNames are."""
    for name, external_id in zip(aliases(users), aliases(values), strict=True):
        created = held_in_target(verify, "/Users", {"schemas": [USER], "userName": f"{scenario_prefix}{name}",
                                                    "externalId": f"{scenario_prefix}{external_id}", "active": True})
        created_ids[name] = created.get("id")


# --- answers: media type, lists, values ------------------------------------------------------------------------

@then("every answer of the scenario is JSON with the Content-Type application/scim+json")
def answers_are_scim_json(answers):
    for answer in answers:
        if answer.status in (204, 304) or answer.status is None:
            continue
        content_type = {k.lower(): v for k, v in answer.response_headers.items()}.get("content-type", "")
        if content_type.split(";")[0].strip().lower() != SCIM_JSON:
            raise failed(f"An answer carrying SCIM data must say Content-Type {SCIM_JSON}; it says {content_type!r}.",
                         answer)
        if not isinstance(answer.response_body, (dict, list)):
            raise failed("An answer carrying SCIM data must be JSON (RFC 7643).", answer)


@then('the answer lists only resources of the type "{resource_type}"')
def lists_one_type(resource_type, answers, verify):
    answer = last(answers)
    types = _discovery_list(verify, "/ResourceTypes")
    schema = next((str(t.get("schema", "")) for t in types if t.get("name") == resource_type), "")
    others = [r.get("id") for r in _listed(answer)
              if value_at(r, "meta.resourceType") not in (None, resource_type)
              or schema.lower() not in [str(s).lower() for s in r.get("schemas") or []]]
    if others:
        raise failed(f"Resources of different types must not share an endpoint: this list of {resource_type} "
                     f"resources holds others too (ids {others[:5]}).", answer)


@then('the answer\'s "{attribute_path}" holds exactly the values {values}')
def holds_exactly(attribute_path, values, answers, scenario_prefix):
    answer = last(answers)
    expected = sorted(v.replace("{prefix}", scenario_prefix) for v in aliases(values))
    items = value_at(answer.response_body, attribute_path) or []
    actual = sorted(str(item.get("value")) if isinstance(item, dict) else str(item) for item in items)
    if actual != expected:
        raise failed(f"The answer's {attribute_path} must hold exactly {expected}; it holds {actual}.", answer)


@then('the answer carries no "{attribute_path}"')
def carries_no(attribute_path, answers):
    """Absent, null or empty all count as not carried (RFC 7643 section 2.5: unassigned)."""
    answer = last(answers)
    if _has(answer.response_body if isinstance(answer.response_body, dict) else {}, attribute_path):
        raise failed(f"The answer must not carry {attribute_path}; it carries "
                     f"{json.dumps(value_at(answer.response_body, attribute_path))}.", answer)


@then("the answer is a success or a SCIM error 400")
def success_or_400(answers):
    answer = last(answers)
    if answer.ok:
        return
    body = answer.response_body if isinstance(answer.response_body, dict) else {}
    if answer.status != 400 or str(body.get("status")) != "400":
        raise failed("A PATCH the profile's constraints forbid may be refused, with 400 Bad Request (section 6.5.3); "
                     "or applied.", answer)


@then("the answer is a success or a client error")
def success_or_client_error(answers):
    answer = last(answers)
    if answer.status is None or not (200 <= answer.status < 300 or 400 <= answer.status < 500):
        raise failed("A conditional header may be ignored or the request refused (a 4xx), never answered with a "
                     "server error.", answer)


@when("the client sends GET {path} with HTTP Basic credentials")
def send_with_basic(path, scim_target, connect, answers, scenario_prefix, created_ids):
    """The run's token as the password of an HTTP Basic header, as a client configured for Basic would send it."""
    secret = scim_target.token or "scimulator"
    credentials = base64.b64encode(f"scimulator:{secret}".encode()).decode()
    client = connect(VERIFY, None)
    answers.append(client.request("GET", expand(path, scenario_prefix, created_ids),
                                  extra_headers={"Authorization": f"Basic {credentials}"}))


# --- pages: enough users, and the page maximum ---------------------------------------------------------------

def _total_users(verify: Transport) -> int:
    answer = verify.get("/Users", [("count", "0")])
    total = answer.response_body.get("totalResults") if isinstance(answer.response_body, dict) else None
    if answer.status != 200 or not isinstance(total, int):
        raise failed("The target must answer GET /Users?count=0 with its totalResults (RFC 7644 section 3.4.2.4).",
                     answer)
    return total


def _new_user(scenario_prefix: str, number: int) -> dict:
    return {"schemas": [USER], "userName": f"{scenario_prefix}page{number:03d}@example.com", "active": True}


def _remember_created(scim_target, user_ids: list[str]) -> None:
    """Users created through /Bulk are removed at the end of the run, as the ones POSTed are."""
    if not scim_target.keep_data:
        scim_target.created.extend(("Users", user_id) for user_id in user_ids)


def _bulk_maximum(config: dict) -> int | None:
    bulk = _member(config, "bulk")
    if not (isinstance(bulk, dict) and bulk.get("supported") is True):
        return None
    maximum = bulk.get("maxOperations")
    return maximum if isinstance(maximum, int) and maximum > 0 else BULK_CHUNK


def bulk_create(verify: Transport, users: list[dict], maximum: int) -> list[str] | None:
    """Create the users with POST /Bulk, at most `maximum` operations a request: their ids, or None if refused."""
    ids: list[str] = []
    for start in range(0, len(users), maximum):
        chunk = users[start:start + maximum]
        operations = [{"method": "POST", "path": "/Users", "bulkId": f"u{start + i}", "data": user}
                      for i, user in enumerate(chunk)]
        answer = verify.post("/Bulk", {"schemas": [BULK_REQUEST], "Operations": operations})
        results = answer.response_body.get("Operations") if isinstance(answer.response_body, dict) else None
        if answer.status != 200 or not isinstance(results, list):
            return None if not ids else ids
        ids.extend(str(r.get("location", "")).rstrip("/").rsplit("/", 1)[-1] for r in results
                   if isinstance(r, dict) and str(r.get("status", "")).startswith("201"))
    return ids


@given("the target holds at least {total:d} users")
def at_least_users(total, verify, scim_target, scenario_prefix):
    """Users are added (their userNames under the scenario's prefix) through /Bulk where the target advertises it,
    else one POST each; either way they are removed at the end of the run."""
    missing = total - _total_users(verify)
    if missing <= 0:
        return
    users = [_new_user(scenario_prefix, n) for n in range(missing)]
    maximum = _bulk_maximum(_service_provider_config(verify))
    created = bulk_create(verify, users, maximum) if maximum else None
    _remember_created(scim_target, created or [])
    for user in users[len(created or []):]:
        answer = verify.post("/Users", user)  # recorded, so removed at the end of the run like any POST
        if answer.status != 201:
            raise failed("The target must create users with POST /Users (201).", answer)


@then("every operation of the bulk answer succeeded")
def bulk_operations_succeeded(answers, scim_target):
    answer = last(answers)
    results = answer.response_body.get("Operations") if isinstance(answer.response_body, dict) else None
    if answer.status != 200 or not isinstance(results, list) or not results:
        raise failed("POST /Bulk must answer 200 with a BulkResponse listing each operation (RFC 7644 section 3.7).",
                     answer)
    _remember_created(scim_target, [str(r.get("location", "")).rstrip("/").rsplit("/", 1)[-1] for r in results
                                    if isinstance(r, dict) and str(r.get("status", "")).startswith("201")])
    refused = [r for r in results if not (isinstance(r, dict) and str(r.get("status", "")).startswith("2"))]
    if refused:
        raise failed(f"Every operation of the bulk request must succeed; these did not: {refused[:3]}.", answer)


@then("the target advertises a page maximum and a count above it gives at most that many")
def page_maximum(verify, answers):
    config = _service_provider_config(verify)
    maximum = (_member(config, "filter") or {}).get("maxResults") if isinstance(_member(config, "filter"), dict) else None
    if not isinstance(maximum, int) or maximum <= 0:
        raise failed("A server-specified page maximum is stated as filter.maxResults in /ServiceProviderConfig "
                     f"(RFC 7643 section 5); it says {json.dumps(maximum)}.")
    answer = verify.get("/Users", [("startIndex", "1"), ("count", str(maximum + 1))])
    answers.append(answer)
    held = len(resources_of(answer.response_body)) if answer.status == 200 else None
    if held is None or held > maximum:
        raise failed(f"A count above the maximum ({maximum}) must give a page of at most {maximum} resources; "
                     f"it gave {held}.", answer)


# --- section 7.1: transport security ----------------------------------------------------------------------------

@then("the target's base URL is https")
def base_url_is_https(scim_target):
    """Every exchange over TLS (section 7.1): an http:// base URL fails, in one sentence."""
    scheme = urlsplit(scim_target.url).scheme.lower()
    if scheme != "https":
        raise failed(f"The SCIM interop profile (section 7.1) requires TLS on every exchange, but the target's base "
                     f"URL {scim_target.url} is {scheme}://, not https://.")


def tls_13_handshake(host: str, port: int) -> str | None:
    """Why a TLS 1.3 handshake with host:port did not complete, or None if it did.

    Only the protocol version is judged here: the certificate is not checked (its validity is not this
    requirement's subject), while the run's own exchanges check certificates as the run is configured to.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    try:
        with socket.create_connection((host, port), timeout=HANDSHAKE_TIMEOUT_S) as raw:
            with context.wrap_socket(raw, server_hostname=host) as tls:
                version = tls.version()
    except (OSError, ssl.SSLError) as error:
        return f"{type(error).__name__}: {error}"
    return None if version == "TLSv1.3" else f"it negotiated {version}"


@then("the target's server completes a TLS 1.3 handshake")
def completes_tls_13(scim_target):
    """A handshake offering only TLS 1.3 with the base URL's host and port, 10 s at most; no certificate check."""
    parts = urlsplit(scim_target.url)
    if parts.scheme.lower() != "https":
        raise failed(f"The SCIM interop profile (section 7.1) requires TLS 1.3, but the target's base URL "
                     f"{scim_target.url} is {parts.scheme}://, so it offers no TLS at all.")
    why = tls_13_handshake(parts.hostname or "", parts.port or 443)
    if why:
        raise failed(f"The SCIM interop profile (section 7.1) requires TLS 1.3, but a handshake with "
                     f"{parts.hostname}:{parts.port or 443} offering only TLS 1.3 did not complete ({why}).")
