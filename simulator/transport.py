"""HTTP as an IdP speaks it: its headers, its timeout, its query encoding; every exchange recorded.

A failure of the wire (refused connection, timeout, an answer that is not JSON) never raises: it
comes back as an ``Exchange`` whose ``failure`` says what happened in one sentence, and the engine
decides what the IdP would do with it. Secrets (the bearer token, any ``password`` the IdP sends)
are redacted in the record; the wire itself carries them, as the real IdP's does. Every one of them
becomes a secret of the run (``register_secret``), so that a target echoing it later, in a header or
an error's ``detail``, leaves it in no record and, through ``hide_secrets``, in no report. A
``password`` in an answer is redacted too, with a marker of its own, and noted in the exchange's
``findings``: SCIM never returns a password (RFC 7643 section 4.1), so the record keeps telling that
apart from the redaction of what was sent.

Every exchange is bounded: the answer is read streamed up to ``MAX_ANSWER_BYTES`` (the rest is never
read and the connection is closed), and the whole exchange, reading included, ends at the profile's
timeout (Okta's 60 s for IdP traffic [O2]), so a target trickling an endless answer a byte at a time
ends there too. JSON nested deeper than ``MAX_JSON_DEPTH`` is a failure of the exchange, not a crash.
"""

from __future__ import annotations

import functools
import html
import json
import ssl
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, quote_plus, urlencode, urlsplit, urlunsplit

import httpx

from .clock import VirtualClock
from .scim import retry_after_seconds
from .version import tool_version

REDACTED = "[REDACTED]"
RETURNED_PASSWORD = "[REDACTED: returned by the target]"
MIN_SECRET_LENGTH = 4
SCIM_JSON = "application/scim+json"
# An answer is read streamed and never past this many bytes (after Content-Encoding is undone): the
# excess is a failure of the exchange, left unread, and the connection is closed. The largest page a
# SCIM answer needs is far below it, so memory stays flat whatever a target sends.
MAX_ANSWER_BYTES = 8 * 1024 * 1024
ANSWER_CAP_WORDS = "8 MiB"
# Deeper JSON is recorded as text: SCIM resources nest a few levels, and the record must stay writable.
MAX_JSON_DEPTH = 64
TOO_DEEP = "the answer is JSON nested too deeply to read"
TEXT_HEAD_BYTES = 500
# The suite's own reads (not an IdP's traffic, whose engines decide for themselves) wait out a 429 this often,
# when its Retry-After is at most this long.
VERIFY_429_RETRIES = 3
VERIFY_MAX_RETRY_AFTER_S = 10.0


@dataclass(frozen=True)
class ClientProfile:
    """How one client presents itself on the wire."""

    name: str
    by: str  # "idp" for IdP traffic, "verify" for the suite's own read-backs
    headers: dict[str, str]
    write_content_type: str
    timeout_s: float
    space_in_query: str  # "%20" (Okta) or "+" (Entra)
    drop_default_user_agent: bool = False


# idp-behaviour.md 1.1 [O12][I8] and Okta's 2018 capture [F18]: these headers on every request, writes add the
# Content-Type; GETs carry none [I14 LOW]; 60 s timeout [O2]. The query encoding is an OktaEngine option.
OKTA = ClientProfile(
    name="okta", by="idp",
    headers={"User-Agent": "Okta SCIM Client 1.0.0", "Accept": SCIM_JSON, "Accept-Charset": "utf-8",
             "Accept-Encoding": "gzip,deflate", "Connection": "Keep-Alive"},
    write_content_type="application/scim+json; charset=utf-8", timeout_s=60.0, space_in_query="%20",
)

# idp-behaviour.md 2.1 and 5 [E1][F1][F3][F4]: writes use Content-type application/scim+json; no
# User-Agent (an nginx log shows none [F3][J12]); an ADSCIMVersion header, by which servers tell
# Entra apart [F1][F2] (its value format is LOW: "5.0" as in a 2019 capture); no SCIM media type in
# Accept (a server took Test Connection's GET for HTML [F4]), so httpx's `Accept: */*` goes. The
# timeout is not documented; 60 s is our assumption (INF). Observed queries encode spaces as '+' [J1].
ENTRA = ClientProfile(
    name="entra", by="idp", headers={"ADSCIMVersion": "5.0"}, write_content_type=SCIM_JSON, timeout_s=60.0,
    space_in_query="+", drop_default_user_agent=True,
)


def verify_profile(version: str) -> ClientProfile:
    """The suite's read-backs: not IdP traffic, and saying so in their User-Agent."""
    return ClientProfile(name="verify", by="verify", headers={"User-Agent": f"scimulator-verify/{version}", "Accept": SCIM_JSON},
                         write_content_type=SCIM_JSON, timeout_s=30.0, space_in_query="%20")


TOOL_VERSION = tool_version()
VERIFY = verify_profile(TOOL_VERSION)


@dataclass
class Exchange:
    """One request and what came back, as the report shows it (secrets already redacted)."""

    by: str
    method: str
    url: str
    request_headers: dict[str, str]
    request_body: Any
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: Any = None
    # From sending to the answer read and decoded (a failure of the wire: to the failure); the redaction of the
    # answer that follows is the harness's time, not the exchange's.
    elapsed_ms: float = 0.0
    failure: str | None = None  # a wire failure, in one plain sentence
    at: str = ""  # virtual time of sending
    findings: list[str] = field(default_factory=list)  # what the recording noticed in the answer (a returned password)

    @property
    def ok(self) -> bool:
        return self.failure is None and self.status is not None and 200 <= self.status < 300

    @property
    def json(self) -> Any:
        return self.response_body

    def describe(self) -> str:
        answer = self.failure or f"{self.status}"
        return f"{self.method} {self.url} -> {answer}"

    def to_dict(self) -> dict:
        """The shape report.json gives every exchange (architecture.md)."""
        return {"by": self.by, "at": self.at,
                "request": {"method": self.method, "url": self.url, "headers": self.request_headers, "body": self.request_body},
                "response": {"status": self.status, "headers": self.response_headers, "body": self.response_body},
                "elapsed_ms": round(self.elapsed_ms, 2), "failure": self.failure,
                **({"findings": self.findings} if self.findings else {})}


def redact(value: Any, secrets: tuple[str, ...] = (), marker: str = REDACTED) -> Any:
    """A copy of a JSON value with every ``password`` member (replaced by `marker`) and every known secret string hidden."""
    if isinstance(value, dict):
        return {k: (marker if _is_password(k, v) else redact(v, secrets, marker)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v, secrets, marker) for v in value]
    if isinstance(value, str):
        for secret in secrets:
            if secret and secret in value:
                value = value.replace(secret, REDACTED)
    return value


# Every secret this process has sent (tokens, every password in a request body): a target that echoes
# one anywhere (a header, an error's detail) must not put it into any record or report.
_KNOWN_SECRETS: set[str] = set()
# Derived from _KNOWN_SECRETS when a secret is added, not on every exchange or report string: the secrets
# longest first, and each with the forms it takes in text (as is, JSON-escaped, HTML-escaped).
_SORTED_SECRETS: tuple[str, ...] = ()
_SECRET_FORMS: tuple[str, ...] = ()
_SECRET_TEXTS: tuple[bytes, ...] = ()  # each secret as a JSON string writes it, in UTF-8: `may_need_redaction`


def register_secret(value: Any) -> None:
    """Make `value` a secret of the run: redacted wherever it appears from now on (too short a string is not searched)."""
    global _SORTED_SECRETS, _SECRET_FORMS, _SECRET_TEXTS
    if isinstance(value, str) and len(value) >= MIN_SECRET_LENGTH and value not in _KNOWN_SECRETS:
        _KNOWN_SECRETS.add(value)
        _SORTED_SECRETS = tuple(sorted(_KNOWN_SECRETS, key=len, reverse=True))
        _SECRET_FORMS = tuple(form for secret in _SORTED_SECRETS
                              for form in dict.fromkeys((secret, json.dumps(secret)[1:-1], html.escape(secret))))
        _SECRET_TEXTS = tuple(json.dumps(secret, ensure_ascii=False)[1:-1].encode("utf-8", "surrogatepass")
                              for secret in _SORTED_SECRETS)


def may_need_redaction(json_text: bytes, value: Any) -> bool:
    """False only when `value`, parsed from `json_text`, holds no ``password`` member and no secret of the run, so
    that `redact` would return an equal copy. One search of the text per secret, in place of one per secret and
    string of the value.

    The search runs on JSON text where every string is written as ``json.dumps(..., ensure_ascii=False)`` writes
    it, escaping only quotes, backslashes and control characters, one character at a time: a string holding a
    secret then holds the secret so escaped (`_SECRET_TEXTS`), and a member named password in any case is
    ``password`` in the lowercased text (all ASCII; no other character lowercases to one of its letters). UTF-8
    text without a backslash is already so written; other text (escapes, such as the \\uXXXX many servers write
    for every non-ASCII character, or UTF-16 and UTF-32, whose ASCII carries zero bytes) is written again."""
    if b"\\" in json_text or b"\x00" in json_text:
        json_text = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return b"password" in json_text.lower() or any(secret in json_text for secret in _SECRET_TEXTS)


def known_secrets() -> tuple[str, ...]:
    """The run's secrets, longest first, so that one inside another is never left half shown."""
    return _SORTED_SECRETS


def hide_secrets(text: str) -> str:
    """`text` with every secret of the run replaced, also where JSON or HTML escaped it."""
    for form in _SECRET_FORMS:
        text = text.replace(form, REDACTED)
    return text


def sent_passwords(value: Any) -> list[str]:
    """Every password member's value in a request body."""
    if isinstance(value, dict):
        return [found for k, v in value.items()
                for found in ([v] if _is_password(k, v) and isinstance(v, str) else sent_passwords(v))]
    if isinstance(value, list):
        return [found for v in value for found in sent_passwords(v)]
    return []


def _is_password(name: str, value: Any) -> bool:
    return name.lower() == "password" and value not in (None, "")


def returned_passwords(value: Any, where: str = "") -> list[str]:
    """Where a JSON answer holds a password with a value: ["Resources[0].password"]."""
    if isinstance(value, dict):
        return [found for k, v in value.items()
                for found in ([f"{where}.{k}".lstrip(".")] if _is_password(k, v) else returned_passwords(v, f"{where}.{k}"))]
    if isinstance(value, list):
        return [found for n, v in enumerate(value) for found in returned_passwords(v, f"{where}[{n}]")]
    return []


def _password_findings(body: Any) -> list[str]:
    return [f"The target returned a password at {where}; SCIM never returns one (RFC 7643 section 4.1, "
            "returned \"never\"). Its value is redacted here." for where in returned_passwords(body)]


CREDENTIAL_HEADERS = ("authorization", "proxy-authorization", "cookie", "set-cookie")


def query_text(query: list[tuple[str, Any]], space: str = "+") -> str:
    """``name=value&...``, every reserved character percent-encoded and spaces as ``+`` or ``%20``."""
    return urlencode([(k, str(v)) for k, v in query], quote_via=quote if space == "%20" else quote_plus)


def _redact_headers(headers: dict[str, str], secrets: tuple[str, ...]) -> dict[str, str]:
    """The headers with credentials hidden whole and every secret hidden inside the other values (searched for once
    in all the values together: a value holding a secret is a part of them)."""
    joined = "\n".join(map(str, headers.values()))
    holds_secret = any(secret in joined for secret in secrets)
    out = {}
    for name, value in headers.items():
        if name.lower() in CREDENTIAL_HEADERS:
            scheme = value.split(" ", 1)[0] if " " in value else ""
            out[name] = f"{scheme} {REDACTED}".strip()
        else:
            out[name] = redact(value, secrets) if holds_secret else value
    return out


NO_TOKEN = "no token to send"  # starts an exchange's failure when the token endpoint gave none


class AuthFailure(Exception):
    """The client could not get credentials to send (simulator/oauth.py); the message is one sentence."""


@functools.cache
def tls_context() -> ssl.SSLContext:
    """httpx's default TLS context (certificates checked against its CA bundle, or SSL_CERT_FILE), built once:
    building one reads the whole bundle, tens of milliseconds, and a run opens a client or more per scenario."""
    return httpx.create_ssl_context()


class SharedConnections(httpx.BaseTransport):
    """One pool of keep-alive connections under many clients of a run (each client keeps its own cookies, timeout
    and headers): a client closing leaves the pool open; `close_pool` closes it at the run's end."""

    def __init__(self) -> None:
        self._pool = httpx.HTTPTransport(verify=tls_context())

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._pool.handle_request(request)

    def close(self) -> None:
        """A client of the pool closes: the connections stay for the next one."""

    def close_pool(self) -> None:
        self._pool.close()


class Transport:
    """Sends requests to one SCIM base URL as one client, and keeps the record of every exchange."""

    def __init__(self, base_url: str, token: str | None, profile: ClientProfile, clock: VirtualClock | None = None,
                 record: list[Exchange] | None = None, http: httpx.Client | None = None,
                 auth: httpx.Auth | None = None, connections: SharedConnections | None = None):
        parts = urlsplit(base_url)
        self.base_url = urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))
        self.token = token
        self.auth = None if token else auth  # an explicit token wins (scenarios that send a wrong one)
        self.profile = profile
        self.clock = clock or VirtualClock()
        self.record: list[Exchange] = record if record is not None else []
        self._owns_http = http is None
        self._http = http or httpx.Client(timeout=profile.timeout_s, verify=tls_context(), transport=connections)
        # Authorization headers are always redacted whole; inside bodies a secret is found by its
        # text, which for a secret under 4 characters would mangle every record, so those are not searched.
        register_secret(token)

    @property
    def _secrets(self) -> tuple[str, ...]:
        return known_secrets()

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> "Transport":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def with_profile(self, profile: ClientProfile) -> "Transport":
        """The same target and record, spoken as another client (the suite's verify reads)."""
        other = Transport(self.base_url, self.token, profile, self.clock, self.record, self._http, self.auth)
        other._owns_http = False
        return other

    def url(self, path: str, query: list[tuple[str, Any]] | None = None) -> str:
        url = self.base_url + path
        if query:
            url += "?" + query_text(query, self.profile.space_in_query)
        return url

    def request(self, method: str, path: str, query: list[tuple[str, Any]] | None = None, body: Any = None,
                extra_headers: dict[str, str] | None = None) -> Exchange:
        """One exchange; the suite's own reads wait out a 429's short Retry-After in real time and send again
        (a target may rate-limit: RFC 6585 section 4), at most VERIFY_429_RETRIES times, each exchange recorded."""
        exchange = self._send_once(method, path, query, body, extra_headers)
        for _ in range(VERIFY_429_RETRIES):
            wait = self._verify_wait(exchange)
            if wait is None:
                break
            time.sleep(wait)
            exchange = self._send_once(method, path, query, body, extra_headers)
        return exchange

    def _verify_wait(self, exchange: Exchange) -> float | None:
        """How long the verify client waits before sending a throttled request again; None: it does not."""
        if self.profile.by != "verify" or exchange.status != 429:
            return None
        wait = retry_after_seconds(exchange.response_headers, default=1.0)
        return wait if wait <= VERIFY_MAX_RETRY_AFTER_S else None

    def _send_once(self, method: str, path: str, query: list[tuple[str, Any]] | None = None, body: Any = None,
                   extra_headers: dict[str, str] | None = None) -> Exchange:
        url = self.url(path, query)
        headers = dict(self.profile.headers)
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        content = None
        if body is not None:
            headers["Content-Type"] = self.profile.write_content_type
            content = json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers.update(extra_headers or {})  # may name another Content-Type, as a client writing plain JSON does
        if content is not None and may_need_redaction(content, body):
            for password in sent_passwords(body):
                register_secret(password)
            recorded = redact(body, self._secrets)
        else:  # the record's own copy of the body (the engine may change its dict after sending)
            recorded = json.loads(content) if content is not None else body
        exchange = Exchange(self.profile.by, method, url, _redact_headers(headers, self._secrets), recorded,
                            at=self.clock.iso())
        if self.auth is not None:
            exchange.request_headers["Authorization"] = f"Bearer {REDACTED}"
        request = self._http.build_request(method, url, headers=headers, content=content)
        if self.profile.drop_default_user_agent and "User-Agent" not in self.profile.headers:
            request.headers.pop("User-Agent", None)
        started = time.perf_counter()
        try:
            self._receive(request, exchange, started)
        except httpx.TimeoutException:
            exchange.failure = f"no answer within {self.profile.timeout_s:g} s (timeout)"
        except httpx.HTTPError as error:
            exchange.failure = f"the target could not be reached ({type(error).__name__}: {error})"
        except AuthFailure as error:
            exchange.failure = f"{NO_TOKEN} ({error})"
        if not exchange.elapsed_ms:  # the wire failed before an answer was read
            exchange.elapsed_ms = _milliseconds_since(started)
        if exchange.failure:
            exchange.failure = hide_secrets(exchange.failure)
        self.record.append(exchange)
        return exchange

    def _receive(self, request: httpx.Request, exchange: Exchange, started: float) -> None:
        """Send, then read the answer streamed, never past `MAX_ANSWER_BYTES` nor past the profile's timeout in all."""
        response = self._http.send(request, stream=True, auth=self.auth)
        try:
            exchange.status = response.status_code
            exchange.response_headers = _redact_headers(dict(response.headers), self._secrets)
            raw, cut_short = _read_bounded(response, started, self.profile.timeout_s)
        finally:
            response.close()  # an answer not read to its end closes the connection: nothing more is read
        if cut_short:
            exchange.elapsed_ms = _milliseconds_since(started)
            exchange.response_body = redact(_text_head(raw), self._secrets)
            exchange.failure = cut_short
            return
        body, problem = _decode(raw, response.headers.get("content-type", ""), response.status_code)
        exchange.elapsed_ms = _milliseconds_since(started)
        if isinstance(body, str) or may_need_redaction(raw, body):  # text that is not JSON: searched as always
            exchange.response_body = redact(body, self._secrets, RETURNED_PASSWORD)
            exchange.findings = _password_findings(body)
        else:  # parsed from the answer just now: nothing else holds it
            exchange.response_body = body
        exchange.failure = problem

    def get(self, path: str, query: list[tuple[str, Any]] | None = None) -> Exchange:
        return self.request("GET", path, query)

    def post(self, path: str, body: Any) -> Exchange:
        return self.request("POST", path, body=body)

    def put(self, path: str, body: Any) -> Exchange:
        return self.request("PUT", path, body=body)

    def patch(self, path: str, body: Any, query: list[tuple[str, Any]] | None = None) -> Exchange:
        return self.request("PATCH", path, query, body)

    def delete(self, path: str) -> Exchange:
        return self.request("DELETE", path)


def _milliseconds_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _read_bounded(response: httpx.Response, started: float, timeout_s: float) -> tuple[bytes, str | None]:
    """The answer's bytes, up to the cap and the deadline; with a sentence when either cut the reading short.

    The deadline is checked after every chunk, so a target that trickles its answer a byte at a time
    ends there too, not only one that stalls (that one meets httpx's per-read timeout first).
    """
    kept = bytearray()
    for chunk in response.iter_bytes():
        kept += chunk
        if len(kept) > MAX_ANSWER_BYTES:
            return bytes(kept[:MAX_ANSWER_BYTES]), f"the answer exceeded {ANSWER_CAP_WORDS}; the rest was not read"
        if time.perf_counter() - started > timeout_s:
            return bytes(kept), f"the answer was not complete within {timeout_s:g} s; the rest was not read (timeout)"
    return bytes(kept), None


def _text_head(raw: bytes) -> str:
    """The first bytes of an answer, as text a report can show; a secret cut by the end is still hidden whole."""
    longest = max(map(len, _KNOWN_SECRETS), default=0) * 4  # a character takes up to 4 bytes in UTF-8
    return hide_secrets(raw[:TEXT_HEAD_BYTES + longest].decode("utf-8", "replace"))[:TEXT_HEAD_BYTES]


def _depth(value: Any) -> int:
    """How deeply a JSON value nests, counted without recursion."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, level + 1) for child in children)
    return deepest


def _decode(raw: bytes, content_type: str, status: int) -> tuple[Any, str | None]:
    """The body as JSON when there is one; a plain sentence when the answer cannot be read.

    Both IdPs read answers as application/scim+json [E1]; JSON under another media type (text/html,
    text/plain) is kept but flagged. JSON nested deeper than `MAX_JSON_DEPTH` is kept as its first
    bytes of text: no SCIM resource nests that deep, and the record must stay writable.
    """
    if not raw.strip():
        return None, None
    try:
        body = json.loads(raw)
    except RecursionError:
        return _text_head(raw), TOO_DEEP
    except (ValueError, UnicodeDecodeError):
        return _text_head(raw), f"the answer is not JSON ({content_type or 'no content type'}, {len(raw)} bytes, HTTP {status})"
    if _depth(body) > MAX_JSON_DEPTH:
        return _text_head(raw), TOO_DEEP
    if "json" not in content_type.lower():
        return body, f"the answer's Content-Type is {content_type or 'missing'!r}, not application/scim+json"
    return body, None
