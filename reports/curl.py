"""A curl command that sends an exchange's request again, with the token left to the environment."""

from __future__ import annotations

import json
import shlex

SKIPPED_HEADERS = {"authorization", "content-length", "host", "accept-encoding", "connection"}


def curl_command(exchange: dict) -> str:
    request = exchange["request"]
    parts = ["curl", "-i", "-X", request["method"], shlex.quote(request["url"])]
    if any(name.lower() == "authorization" for name in request.get("headers", {})):
        parts += ["-H", '"Authorization: Bearer $SCIMULATOR_TOKEN"']
    for name, value in request.get("headers", {}).items():
        if name.lower() not in SKIPPED_HEADERS:
            parts += ["-H", shlex.quote(f"{name}: {value}")]
    if request.get("body") is not None:
        parts += ["--data-binary", shlex.quote(json.dumps(request["body"], ensure_ascii=False))]
    return " ".join(parts)
