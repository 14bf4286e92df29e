"""A SCIM target that uses the freedoms RFC 7643/7644 leave it, the way real services do.

WSGI middleware around the real reference server (like tests/suite/broken_targets.py). None of what it
changes is wrong for Okta or Entra, so the suite must not fail it on any @must scenario:

- emails are unique: a second user with an email another user holds is a 409 uniqueness (RFC 7643
  section 2.4 leaves uniqueness beyond userName to the service provider); so are externalIds and
  group displayNames (Microsoft Learn's SCIM tutorial: groups must be unique on displayName);
- every PATCH is answered 204 with no body (RFC 7644 section 3.5.2; Microsoft Learn's SCIM tutorial:
  the PATCH response need not carry the resource);
- pages are capped at 50 resources, whatever count asks (RFC 7644 section 3.4.2.4);
- filters: only ``eq`` comparisons, joined by ``and`` (Entra's documented operators are ``eq`` and
  ``and``; Okta's only ``eq``); anything else is a 400 invalidFilter (RFC 7644 section 3.4.2.2).
  ``legal_eq_only`` takes one ``eq`` comparison and nothing else;
- no ETags: no ETag header, no meta.version, and /ServiceProviderConfig says etag.supported false;
- no /Bulk: /ServiceProviderConfig says bulk.supported false, and /Bulk answers 501;
- no sorting: /ServiceProviderConfig says sort.supported false, and sortBy is ignored (RFC 7644
  section 3.4.2.3);
- every user carries an attribute of an extension schema of its own (RFC 7643 section 3.3);
- a ListResponse leaves out what RFC 7644 section 3.4.2 requires only of partial or non-empty
  lists: no Resources when totalResults is 0, no startIndex or itemsPerPage when one page holds all.
"""

from __future__ import annotations

import json
import re

from tests.suite.broken_targets import Call, _json_response, resources_of, scim_error

PAGE_CAP = 50
EXTENSION = "urn:scimulator:legal:2.0:User"

_VALUE = r'(?:"(?:[^"\\]|\\.)*"|true|false|null|-?\d+(?:\.\d+)?)'
_ATTRIBUTE = r"[A-Za-z][\w$-]*(?::[\w.$-]+)*"
_PATH = rf"{_ATTRIBUTE}(?:\[\s*{_ATTRIBUTE}\s+eq\s+{_VALUE}\s*\](?:\.{_ATTRIBUTE})?)?"
_COMPARISON = rf"{_PATH}\s+eq\s+{_VALUE}"
EQ_AND = re.compile(rf"\s*{_COMPARISON}(?:\s+and\s+{_COMPARISON})*\s*", re.IGNORECASE)
EQ_ONLY = re.compile(rf"\s*{_COMPARISON}\s*", re.IGNORECASE)  # one comparison: what Okta sends [O2]


def emails_of(resource) -> set[str]:
    emails = resource.get("emails") if isinstance(resource, dict) else None
    return {str(e.get("value", "")).lower() for e in emails or [] if isinstance(e, dict) and e.get("value")}


class LegalTarget:
    """The middleware; one instance per server, since it keeps which user holds which email."""

    def __init__(self, app, filters: re.Pattern = EQ_AND):
        self.app = app
        self.filters = filters
        self.email_holders: dict[str, str] = {}  # email (lower case) -> user id

    def __call__(self, environ, start_response):
        status, headers, data = self.handle(Call(self.app, environ))
        headers = [(k, v) for k, v in headers if k.lower() not in ("etag", "content-length")]
        start_response(status, headers + [("Content-Length", str(len(data)))])
        return [data]

    def handle(self, call: Call):
        call.environ.pop("HTTP_IF_MATCH", None)
        call.environ.pop("HTTP_IF_NONE_MATCH", None)
        if call.path.rstrip("/").endswith("/Bulk"):
            return scim_error("501 NOT IMPLEMENTED", "This service does not support /Bulk.")
        if call.method == "GET" and "filter" in call.query and not self.filters.fullmatch(call.query["filter"]):
            return scim_error("400 BAD REQUEST", "This filter is not supported: only eq comparisons"
                          + (", joined by and." if self.filters is EQ_AND else "."), "invalidFilter")
        taken = self.email_taken(call) or self.value_taken(call)
        if taken:
            return scim_error("409 CONFLICT", f"{taken} belongs to another resource.", "uniqueness")
        status, headers, data = call.forward(query=self.capped(call))
        if not status.startswith("2"):
            return status, headers, data
        if call.method == "DELETE":
            self.forget(call.path.rstrip("/").rsplit("/", 1)[-1])
            return status, headers, data
        body = json.loads(data) if data.strip() else None
        if "/Users" in call.path:
            self.remember(body)
        if call.method == "PATCH":
            return "204 NO CONTENT", [(k, v) for k, v in headers if k.lower() != "content-type"], b""
        return _json_response(status, headers, self.reshape(call, body)) if body is not None else (status, headers, data)

    def capped(self, call: Call) -> dict:
        query = {k: v for k, v in call.query.items() if k not in ("sortBy", "sortOrder")}
        if call.method == "GET" and re.search(r"/(Users|Groups)/?$", call.path):
            asked = query.get("count", "")
            query["count"] = str(min(int(asked), PAGE_CAP)) if asked.lstrip("-").isdigit() else str(PAGE_CAP)
        return query

    def email_taken(self, call: Call) -> str | None:
        if call.method not in ("POST", "PUT") or not re.search(r"/Users(/[^/]+)?/?$", call.path):
            return None
        own_id = call.path.rstrip("/").rsplit("/", 1)[-1] if call.method == "PUT" else None
        return next((f"The email {email}" for email in sorted(emails_of(call.json()))
                     if self.email_holders.get(email) not in (None, own_id)), None)

    def value_taken(self, call: Call) -> str | None:
        """externalId of a new user, displayName of a new group: looked up in the store with eq."""
        body = call.json()
        attribute = {"/Users": "externalId", "/Groups": "displayName"}.get(call.path[call.path.rfind("/"):])
        if call.method != "POST" or attribute is None or not isinstance(body, dict) or not body.get(attribute):
            return None
        value = str(body[attribute]).replace("\\", "\\\\").replace('"', '\\"')
        status, _, data = call.forward(method="GET", query={"filter": f'{attribute} eq "{value}"'}, body=b"")
        return f"The {attribute} {body[attribute]}" if status.startswith("200") and json.loads(data).get("totalResults") else None

    def remember(self, body) -> None:
        for user in resources_of(body):
            if user.get("id"):
                self.forget(user["id"])
                self.email_holders.update({email: user["id"] for email in emails_of(user)})

    def forget(self, user_id: str) -> None:
        for email in [e for e, holder in self.email_holders.items() if holder == user_id]:
            del self.email_holders[email]

    def reshape(self, call: Call, body):
        if call.path.endswith("/ServiceProviderConfig") and isinstance(body, dict):
            body["etag"] = {"supported": False}
            body["bulk"] = {"supported": False, "maxOperations": 0, "maxPayloadSize": 0}
            body["filter"] = {"supported": True, "maxResults": PAGE_CAP}
            body["sort"] = {"supported": False}
            return body
        if isinstance(body, dict) and "totalResults" in body:
            self.trim_list(body)
        for resource in resources_of(body):
            (resource.get("meta") or {}).pop("version", None)
            if "/Users" in call.path and resource.get("id"):
                resource["schemas"] = [*resource.get("schemas", []), EXTENSION]
                resource[EXTENSION] = {"costCode": "legal-variant"}
        return body

    @staticmethod
    def trim_list(body: dict) -> None:
        if body["totalResults"] == 0:
            body.pop("Resources", None)
        if len(body.get("Resources", [])) == body["totalResults"]:
            body.pop("startIndex", None)
            body.pop("itemsPerPage", None)


def legal(app) -> LegalTarget:
    return LegalTarget(app)


def legal_eq_only(app) -> LegalTarget:
    """The same target with one ``eq`` comparison per filter and nothing else, not even ``and``."""
    return LegalTarget(app, filters=EQ_ONLY)
