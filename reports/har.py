"""exchanges.har: every exchange of the run as HTTP Archive 1.2, for a browser's network panel or a HAR viewer.

One page per scenario (its title the scenario's name, its comment the scenario id); one entry per
exchange, pointing at its scenario with `pageref`; on a target the run removes its data from, one page
"cleanup" for those requests, after the scenarios'. The records are already redacted (the token,
passwords), and the archive keeps them so. Structure: the HAR 1.2 specification (the W3C Web
Performance working group draft, kept at github.com/ahmadnassri/har-spec, versions/1.2.md).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .json_text import compact
from .model import RunResult

HTTP_VERSION = "HTTP/1.1"
CLEANUP_TITLE = "removal of the run's data"


def _pairs(headers: dict[str, str]) -> list[dict]:
    return [{"name": name, "value": str(value)} for name, value in headers.items()]


def _text(body: Any) -> str | None:
    if body is None:
        return None
    return body if isinstance(body, str) else compact(body)


def _content_type(headers: dict[str, str], default: str = "") -> str:
    return next((str(v) for k, v in headers.items() if k.lower() == "content-type"), default)


def _request(request: dict) -> dict:
    headers = request.get("headers", {})
    text = _text(request.get("body"))
    entry = {"method": request["method"], "url": request["url"], "httpVersion": HTTP_VERSION, "cookies": [],
             "headers": _pairs(headers),
             "queryString": [{"name": k, "value": v} for k, v in parse_qsl(urlsplit(request["url"]).query,
                                                                           keep_blank_values=True)],
             "headersSize": -1, "bodySize": len(text.encode()) if text is not None else 0}
    if text is not None:
        entry["postData"] = {"mimeType": _content_type(headers, "application/scim+json"), "text": text}
    return entry


def _status_text(status: int | None) -> str:
    try:
        return HTTPStatus(status).phrase if status else ""
    except ValueError:
        return ""


def _response(exchange: dict) -> dict:
    response = exchange["response"]
    headers = response.get("headers", {})
    text = _text(response.get("body"))
    content = {"size": len(text.encode()) if text is not None else 0, "mimeType": _content_type(headers)}
    if text is not None:
        content["text"] = text
    entry = {"status": response["status"] or 0, "statusText": _status_text(response["status"]),
             "httpVersion": HTTP_VERSION, "cookies": [], "headers": _pairs(headers), "content": content,
             "redirectURL": next((str(v) for k, v in headers.items() if k.lower() == "location"), ""),
             "headersSize": -1, "bodySize": content["size"]}
    if exchange.get("failure"):
        entry["comment"] = exchange["failure"]
    return entry


def _entry(exchange: dict, page: str, title: str, started: str) -> dict:
    elapsed = float(exchange.get("elapsed_ms") or 0)
    return {"pageref": page, "startedDateTime": exchange.get("at") or started, "time": elapsed,
            "request": _request(exchange["request"]), "response": _response(exchange), "cache": {},
            "timings": {"send": 0, "wait": elapsed, "receive": 0},
            "comment": f"[{exchange['by']}] {title}"}


def render(run: RunResult) -> str:
    pages, entries = [], []
    for number, scenario in enumerate(run.scenarios):
        if not scenario.exchanges:
            continue
        page = f"scenario_{number}"
        started = scenario.exchanges[0].get("at") or run.started_at
        pages.append({"startedDateTime": started, "id": page, "title": scenario.name,
                      "pageTimings": {}, "comment": f"{scenario.outcome}: {scenario.id}"})
        entries += [_entry(exchange, page, scenario.name, run.started_at) for exchange in scenario.exchanges]
    if run.cleanup:
        pages.append({"startedDateTime": run.cleanup[0].get("at") or run.started_at, "id": "cleanup",
                      "title": CLEANUP_TITLE, "pageTimings": {}, "comment": "after the scenarios"})
        entries += [_entry(exchange, "cleanup", CLEANUP_TITLE, run.started_at) for exchange in run.cleanup]
    har = {"log": {"version": "1.2", "creator": {"name": "scimulator", "version": run.tool_version},
                   "pages": pages, "entries": entries,
                   "comment": f"scimulator run against {run.target_url}, started {run.started_at}"}}
    # Without indentation (HAR viewers and browsers' developer tools lay it out themselves), by msgspec: a run's
    # thousands of entries in a twentieth of the time json takes.
    return compact(har) + "\n"
