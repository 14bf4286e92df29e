"""The IPSIE SCIM profile's requirements that no other step judges: rate limits, credential attributes,
large member PATCHes, /Bulk answers, error details, the token's scope and the RFC 8414 metadata.

The two rate-limit scenarios send many requests (a paced series, then a parallel burst), so they run
only when asked for: under an IPSIE profile (``--profile ipsie-al1`` ...) or a tag expression naming
``rate_limit``. Both are bounded by construction: a request cap and a time cap.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
import pytest

from scimulator.simulator import VERIFY
from scimulator.simulator.scim import USER, resources_of, retry_after_seconds
from scimulator.simulator.transport import hide_secrets
from .judge import failed, held_in_target, show
from .language import given, then, when
from .oauth_steps import _token_body, run_credentials
from .plugin import run_settings
from .protocol_steps import _list, last, value_at

PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SCIM_SCOPE = "scim"  # IPSIE 4.1: the access token includes "scim" and grants nothing broader
METADATA_PATH = "/.well-known/oauth-authorization-server"  # RFC 8414 section 3
CORE_SCHEMAS = ("urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:core:2.0:Group")
# Attribute names that hold a credential (IPSIE 6.1.2: passwords, password hashes, private keys, TOTP seeds).
CREDENTIAL_NAME = re.compile(r"password|passwd|secret|privatekey|private_key|totp|otpseed|pin$|credential|apikey",
                             re.IGNORECASE)
# What an error's detail must not show: a traceback, a source file, SQL, a driver's or framework's internals.
INTERNAL_DETAIL = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+|\.py\b|\.java:\d+|"
                             r"\bat [\w$.]+\([\w$]+\.java|sqlite3?\.|psycopg|SQLSTATE|\bSELECT\b.+\bFROM\b|"
                             r"\bINSERT INTO\b|\bUPDATE\b.+\bSET\b|/usr/(lib|local)/|site-packages|[A-Z]:\\\\",
                             re.IGNORECASE)
OPT_IN_TAG = "rate_limit"
BURST_WORKERS = 16  # parallel requests of the burst
PACED_WORKERS = 4  # at most this many of the paced requests at once (the embedded server handles 4 at once)
BURST_MAX_REQUESTS = 2000
BURST_MAX_SECONDS = 10.0
RECOVERY_MAX_WAIT_S = 10.0  # the longest Retry-After the scenario waits out
PACED_TIMEOUT_S = 30.0


def _asked_for_rate_limits(config: pytest.Config) -> bool:
    profile = run_settings(config).profile or ""
    expression = f"{config.option.markexpr or ''} {run_settings(config).tags or ''}"
    return profile.startswith("ipsie") or OPT_IN_TAG in expression


@given("the run asked for the rate-limit scenarios")
def rate_limits_asked_for(request):
    """They send hundreds of requests: only under an IPSIE profile or a tag expression naming rate_limit."""
    if not _asked_for_rate_limits(request.config):
        pytest.skip("The rate-limit scenarios send hundreds of requests; they run under an IPSIE profile "
                    "(--profile ipsie-al1, ipsie-al2, ipsie-al3 or ipsie-al1-draft), or with --tags rate_limit.")


@pytest.fixture
def raw_client(scim_target):
    """An httpx client of the target with the run's credentials, for request series too long to record one by one."""
    headers = {"Accept": "application/scim+json", "User-Agent": VERIFY.headers.get("User-Agent", "scimulator")}
    if scim_target.token:
        headers["Authorization"] = f"Bearer {scim_target.token}"
    with httpx.Client(base_url=scim_target.url, headers=headers, auth=scim_target.auth, timeout=PACED_TIMEOUT_S,
                      limits=httpx.Limits(max_connections=BURST_WORKERS)) as client:
        yield client


@dataclass
class Series:
    """What a series of requests got: each status, and the first 429 with its headers."""

    statuses: list[int] = field(default_factory=list)
    throttled: httpx.Response | None = None
    seconds: float = 0.0
    started: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, response: httpx.Response | None) -> None:
        with self.lock:
            self.statuses.append(response.status_code if response is not None else 0)
            if response is not None and response.status_code == 429 and self.throttled is None:
                self.throttled = response

    @property
    def rate(self) -> float:
        return len(self.statuses) / self.seconds if self.seconds else 0.0


def _send_series(client: httpx.Client, count: int, workers: int, go: Callable[[int, Series], bool]) -> Series:
    """Up to `count` GET /Users?count=1, `workers` at a time; request i is sent when `go(i, series)` says so
    (it may wait first), and skipped when it says no."""
    series = Series()

    def send(index: int) -> None:
        if go(index, series):
            series.note(_get_users(client))
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(send, range(count)))
    series.seconds = time.monotonic() - series.started
    return series


def _get_users(client: httpx.Client) -> httpx.Response | None:
    try:
        return client.get("/Users", params={"count": "1"})
    except httpx.HTTPError:
        return None


@when("the client sends GET /Users {count:d} times at {limit:d} requests per second", target_fixture="series")
def paced(count, limit, raw_client):
    """Request i leaves at i/limit seconds, up to PACED_WORKERS at once where the target is slow, so the pace holds."""
    def on_time(index: int, series: Series) -> bool:
        time.sleep(max(0.0, series.started + index / limit - time.monotonic()))
        return True
    return _send_series(raw_client, count, PACED_WORKERS, on_time)


@then("the target answered every one of them without a 429")
def none_throttled(series):
    refused = [status for status in series.statuses if status != 200]
    if series.throttled is not None or refused:
        raise failed(f"IPSIE asks for at least 25 SCIM requests per second per tenant: of {len(series.statuses)} "
                     f"requests sent at {series.rate:.0f} per second, {len(refused)} were not answered 200 "
                     f"(statuses {sorted(set(refused))}).")


@when("the client sends GET /Users in a burst of parallel requests", target_fixture="series")
def burst(raw_client):
    """Up to BURST_MAX_REQUESTS requests, BURST_WORKERS at a time, for at most BURST_MAX_SECONDS; stops at a 429."""
    def until_throttled(_: int, series: Series) -> bool:
        return series.throttled is None and time.monotonic() - series.started < BURST_MAX_SECONDS
    return _send_series(raw_client, BURST_MAX_REQUESTS, BURST_WORKERS, until_throttled)


@then("the target answers 429 with a Retry-After header")
def throttled(series):
    if series.throttled is None:
        raise failed(f"The target must enforce a rate limit and answer 429 Too Many Requests when it is exceeded "
                     f"(IPSIE 4.3 and 8); {len(series.statuses)} requests in {series.seconds:.1f} s "
                     f"({series.rate:.0f} per second, {BURST_WORKERS} in parallel) got no 429.")
    if "retry-after" not in {name.lower() for name in series.throttled.headers}:
        raise failed("A 429 must say when to come back with a Retry-After header (IPSIE 4.3); it had none: "
                     f"{hide_secrets(series.throttled.text[:300])}")


@then("after waiting as long as it says, the target answers again")
def recovers(series, raw_client):
    """Waits the Retry-After out (at most RECOVERY_MAX_WAIT_S), so the scenarios after it find the target serving."""
    wait = retry_after_seconds(dict(series.throttled.headers), default=1.0)
    time.sleep(min(wait, RECOVERY_MAX_WAIT_S) + 0.1)
    answer = _get_users(raw_client)
    if wait <= RECOVERY_MAX_WAIT_S and (answer is None or answer.status_code != 200):
        raise failed(f"After its Retry-After of {wait:g} s the target must answer again; it answered "
                     f"{answer.status_code if answer is not None else 'nothing'}.")


def _credential_attributes(schema: dict) -> list[str]:
    found = []

    def visit(attributes: list, where: str) -> None:
        for attribute in attributes or []:
            if not isinstance(attribute, dict):
                continue
            name = str(attribute.get("name", ""))
            if CREDENTIAL_NAME.search(name):
                found.append(f"{where}{name}")
            visit(attribute.get("subAttributes"), f"{where}{name}.")
    visit(schema.get("attributes"), f"{schema.get('id')}:")
    return found


@then("no schema beyond the core User and Group schemas describes a credential attribute")
def no_credential_attributes(verify):
    """GET /Schemas; the core User schema's password is judged by its own row (a tolerance for Okta)."""
    answer = verify.get("/Schemas")
    schemas = resources_of(answer.response_body) if answer.status == 200 and isinstance(answer.response_body, dict) \
        else answer.response_body if isinstance(answer.response_body, list) else None
    if schemas is None:
        raise failed("The target must list its schemas at GET /Schemas (RFC 7644 section 4).", answer)
    found = [name for schema in schemas if isinstance(schema, dict) and schema.get("id") not in CORE_SCHEMAS
             for name in _credential_attributes(schema)]
    if found:
        raise failed(f"IPSIE 6.1.2: the Application must not define attributes containing credentials in custom "
                     f"schemas; these do: {', '.join(found[:5])}.", answer)


@then("every operation of the bulk answer has the status {status:d}")
def bulk_statuses(status, answers):
    answer = last(answers)
    operations = (answer.response_body or {}).get("Operations") if isinstance(answer.response_body, dict) else None
    statuses = [str(op.get("status")) for op in operations or [] if isinstance(op, dict)]
    if not operations or any(s.split(".")[0] != str(status) for s in statuses):
        raise failed(f"Every operation of the BulkResponse must have the status {status} (RFC 7644 section 3.7.3); "
                     f"they have {statuses}.", answer)


@given('the target holds the group "{resource}" and {count:d} users outside it')
def group_and_outsiders(resource, count, verify, scenario_prefix, created_ids):
    """The group with no members, and users named outsider1..N under the scenario's prefix."""
    group = held_in_target(verify, "/Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                                               "displayName": f"{scenario_prefix}{resource}"})
    created_ids[resource] = group.get("id")
    created_ids["outsiders"] = [held_in_target(verify, "/Users", {
        "schemas": [USER], "userName": f"{scenario_prefix}outsider{n}@example.com", "active": True}).get("id")
        for n in range(1, count + 1)]


def _member_operations(op: str, ids: list[str]) -> list[dict]:
    if op == "add":
        return [{"op": "add", "path": "members", "value": [{"value": member}]} for member in ids]
    return [{"op": "remove", "path": f'members[value eq "{member}"]'} for member in ids]


def _send_member_patch(op: str, count: int, resource: str, verify, created_ids, answers) -> None:
    ids = created_ids["outsiders"][:count]
    answers.append(verify.patch(f"/Groups/{created_ids[resource]}",
                                {"schemas": [PATCH_OP], "Operations": _member_operations(op, ids)}))


@when('the client adds the {count:d} users to the group "{resource}" in one PATCH, one operation each')
def add_members_one_by_one(count, resource, verify, created_ids, answers):
    """One PATCH /Groups/{id} carrying one add operation per user."""
    _send_member_patch("add", count, resource, verify, created_ids, answers)


@when('the client removes the {count:d} users from the group "{resource}" in one PATCH, one operation each')
def remove_members_one_by_one(count, resource, verify, created_ids, answers):
    """One PATCH /Groups/{id} carrying one remove operation (members[value eq "id"]) per user."""
    _send_member_patch("remove", count, resource, verify, created_ids, answers)


@then('the group "{resource}" holds {count:d} members')
def group_member_count(resource, count, verify, created_ids):
    answer = verify.get(f"/Groups/{created_ids[resource]}")
    members = (answer.response_body or {}).get("members") or [] if answer.status == 200 else None
    if members is None or len(members) != count:
        held = "nothing readable" if members is None else f"{len(members)} members"
        raise failed(f"The group {resource} must hold {count} members after the PATCH; it holds {held}.", answer)


@then('the answer lists only the group "{resource}"')
def lists_only_group(resource, answers, created_ids):
    answer = last(answers)
    body = answer.response_body if answer.status == 200 and isinstance(answer.response_body, dict) else {}
    ids = [r.get("id") for r in resources_of(body)] if body else None
    if ids != [created_ids.get(resource)]:
        raise failed(f"The filter must find exactly the group {resource}; the target listed {ids}.", answer)


@then("the error's detail shows no internals")
def no_internal_detail(answers):
    """IPSIE 8: no stack trace, source file, SQL statement or server path in the error."""
    answer = last(answers)
    text = show(answer.response_body, 4000) if answer.response_body is not None else ""
    leak = INTERNAL_DETAIL.search(text)
    if leak:
        raise failed(f"Error responses must not leak internal details (IPSIE 8); this one shows {leak.group(0)!r}.",
                     answer)


@then('the token\'s scope is "scim" and nothing broader')
def scim_scope_only(token_answer):
    """The token answer's scope (RFC 6749 section 5.1) must name exactly scim."""
    scope = _token_body(token_answer).get("scope")
    if not isinstance(scope, str) or scope.split() != [SCIM_SCOPE]:
        raise failed(f'The access token must carry the "scim" scope and grant nothing broader (IPSIE 4.1); the '
                     f"token answer's scope is {scope!r}.")


@when("the client reads the authorization server metadata of the token endpoint's server",
      target_fixture="metadata_answer")
def read_metadata(scim_target):
    """GET {origin of the token URL}/.well-known/oauth-authorization-server, without a token."""
    token_url = run_credentials(scim_target).token_url
    parts = urlsplit(token_url)
    try:
        return httpx.get(f"{parts.scheme}://{parts.netloc}{METADATA_PATH}", timeout=PACED_TIMEOUT_S)
    except httpx.HTTPError as error:
        raise failed(f"The authorization server metadata must be readable at {METADATA_PATH} (RFC 8414 section 3); "
                     f"{type(error).__name__}: {error}") from None


@then("the metadata names the run's token endpoint")
def metadata_names_token_endpoint(metadata_answer, scim_target):
    """RFC 8414 section 2: issuer and token_endpoint; IPSIE 4.1: the token_endpoint is the Application's."""
    body = _token_body(metadata_answer)
    token_url = run_credentials(scim_target).token_url
    if metadata_answer.status_code != 200 or not isinstance(body.get("issuer"), str) \
            or body.get("token_endpoint") != token_url:
        raise failed(f"The authorization server metadata (RFC 8414) must answer 200 with an issuer and the "
                     f"token_endpoint {token_url}; it answered {metadata_answer.status_code} "
                     f"{hide_secrets(metadata_answer.text[:300])}")


@then('the answer\'s "{attribute_path}" is at most {limit:d}')
def answer_at_most(attribute_path, limit, answers):
    answer = last(answers)
    node = value_at(answer.response_body, attribute_path)
    if isinstance(node, bool) or not isinstance(node, int) or node > limit:
        raise failed(f"The answer's {attribute_path} must be a number of at most {limit}; it is {node!r}.", answer)


@then("the answer lists at most {limit:d} resources")
def lists_at_most(limit, answers):
    answer = last(answers)
    held = len(resources_of(_list(answer)))
    if held > limit:
        raise failed(f"A page must hold at most {limit} resources; this one holds {held}.", answer)
