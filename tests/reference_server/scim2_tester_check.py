"""Run scim2-tester, a third-party RFC 7643/7644 checker, against a running SCIM server.

    python -m tests.reference_server.scim2_tester_check http://127.0.0.1:8000/scim/v2 TOKEN

Prints one line per check and exits 1 when any check reports an ERROR (a violated MUST),
0 otherwise. tests/reference_server/test_scim2_tester.py runs it against `scimulator serve`.
"""

from __future__ import annotations

import sys
from collections import Counter


def run_checks(base_url: str, token: str) -> list:
    """All of scim2-tester's checks against base_url, with their results."""
    from httpx2 import Client
    from scim2_client.engines.httpx2 import SyncSCIMClient
    from scim2_tester import check_server

    with Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
        return check_server(SyncSCIMClient(http))


def describe(result) -> str:
    where = f"[{result.resource_type}] " if getattr(result, "resource_type", None) else ""
    reason = f": {result.reason}" if result.reason else ""
    return f"{result.status.name:<10} {where}{result.title}{reason}"


def errors_in(results: list) -> list:
    from scim2_tester import Status

    return [result for result in results if result.status == Status.ERROR]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m tests.reference_server.scim2_tester_check BASE_URL TOKEN", file=sys.stderr)
        return 2
    results = run_checks(*args)
    for result in results:
        print(describe(result))
    totals = Counter(result.status.name for result in results)
    print(", ".join(f"{count} {status}" for status, count in sorted(totals.items())))
    return 1 if errors_in(results) else 0


if __name__ == "__main__":
    sys.exit(main())
