"""An Entra initial cycle of 10,000 users and 500 groups, timed against each target.

The simulator's Entra engine provisions everything in scope in one cycle: a lookup and a create
per user, then per group a lookup, a create, a read and the member batches. Objects per second is
users plus groups over the cycle's wall time.
"""

from __future__ import annotations

import time

from bench.targets import CYCLE_TARGETS, TOKEN
from scimulator.simulator import ENTRA, Directory, EntraEngine, Transport, VirtualClock


def run(users: int, groups: int, members_each: int, log) -> list[dict]:
    rows = []
    for start_target in CYCLE_TARGETS:
        directory = Directory(seed=2026, id_style="entra")
        directory.add_people(users)
        directory.add_groups(groups, members_each=members_each)
        log(f"  {start_target.__name__}: Entra initial cycle of {users:,} users and {groups:,} groups ...")
        with start_target(0) as target, Transport(target.base_url, TOKEN, ENTRA, VirtualClock()) as http:
            engine = EntraEngine(http, directory)
            for person in directory.people.values():
                engine.assign_user(person)
            for group in directory.groups.values():
                engine.assign_group(group)
            started = time.perf_counter()
            engine.start()
            seconds = time.perf_counter() - started
            failures = len(engine.failures())
        objects = users + groups
        rows.append({"target": target.name, "users": users, "groups": groups, "requests": len(http.record),
                     "failures": failures, "seconds": round(seconds, 2), "objects_per_second": round(objects / seconds, 1)})
        log(f"    {objects / seconds:8.1f} objects/s  ({len(http.record):,} requests in {seconds:.1f} s, {failures} failures)")
    return rows
