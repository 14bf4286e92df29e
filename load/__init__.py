"""`scimulator load`: IdP-shaped load on Locust, with verdicts against named yardsticks.

The Locust users replay what the simulator's engines send (they build ``OktaEngine`` and
``EntraEngine`` over a transport that reports every exchange to Locust), as traffic mixes. One module
per job:

- ``kinds``: the request kind each exchange is counted under ("lookup user", "patch group members", ...);
- ``wire``: the transport that reports to Locust and the clock that really waits out a Retry-After;
- ``mixes``: the traffic mixes (Entra initial and incremental cycles, Okta assignment waves, Group
  Push bursts, Okta imports), each driving an engine;
- ``locustfile``: the Locust users, the per-tenant counts, the request cap, progress and the final figures;
- ``processes``: the bundled server, the Locust master and its workers as child processes;
- ``results``: the results reader (Locust's figures and CSV files into the report's "load" section);
- ``yardsticks``: the verdicts against named yardsticks.

Only the command (scimulator/load_command.py) imports this room; it imports simulator, reports and
reference_server.
"""
