"""The load clients send what the engines send: the same bodies, headers and sequences, not a copy.

One iteration of a Locust client (run by ``scimulator load`` in its worker process) is compared, request
by request, with the engine's own requests for the same admin actions, both as the target received them.
"""

from __future__ import annotations

from scimulator.cli import main
from scimulator.simulator import ENTRA, OKTA, Directory, EntraEngine, OktaEngine, Transport
from scimulator.load.mixes import EntraInitialCycle, OktaAssignmentWaves
from tests.load.targets import TOKEN, Recorder, is_entra, serving


def okta_wave(base_url: str) -> None:
    """What Okta sends for one assignment wave, from its engine: assign five, push one profile, deactivate and
    reactivate one."""
    directory = Directory(seed=1, prefix="direct-okta-")
    with Transport(base_url, TOKEN, OKTA) as http:
        okta = OktaEngine(http, directory)
        people = directory.add_people(OktaAssignmentWaves.WAVE)
        for person in people:
            okta.assign(person)
        okta.push_profile(people[0])
        okta.deactivate(people[1])
        okta.reactivate(people[1])


def entra_initial_cycle(base_url: str) -> None:
    """What Entra sends for an initial cycle over a batch of people in one assigned group, from its engine."""
    directory = Directory(seed=1, id_style="entra", prefix="direct-entra-")
    with Transport(base_url, TOKEN, ENTRA) as http:
        entra = EntraEngine(http, directory)
        entra.assign_group(directory.add_group(members=directory.add_people(EntraInitialCycle.BATCH)))
        entra.start()


def test_one_iteration_of_each_load_client_matches_its_engine_request_for_request(tmp_path):
    direct = Recorder()
    with serving(tmp_path / "direct", direct) as url:
        okta_wave(url)
        entra_initial_cycle(url)
    loaded = Recorder()
    with serving(tmp_path / "loaded", loaded) as url:
        status = main(["load", "--target", url, "--token", TOKEN, "--duration", "3", "--report-dir",
                       str(tmp_path / "report"), "--mix", "okta-assignment-waves", "--mix", "entra-initial-cycle"])
    assert status in (0, 1)

    for idp in (False, True):
        expected = [s for s in direct.shapes if is_entra(s) == idp]
        sent = [s for s in loaded.shapes if is_entra(s) == idp]
        assert len(expected) > 10 and len(sent) >= len(expected), (idp, len(sent), len(expected))
        assert sent[:len(expected)] == expected
