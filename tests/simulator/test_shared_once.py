"""What the harness builds once per process instead of once per scenario stays per scenario where it matters."""

from __future__ import annotations

import dataclasses
import random
import ssl

import pytest
from faker import Faker

from scimulator.simulator import VERIFY, Directory, Transport
from scimulator.simulator.directory import LOCALES, shared_faker
from scimulator.simulator.transport import tls_context


def people_of(directory: Directory) -> list[dict]:
    return [dataclasses.asdict(person) for person in directory.people.values()] + \
        [dataclasses.asdict(group) for group in directory.groups.values()]


def test_directories_drawing_in_turn_get_the_people_each_gets_alone():
    """Directories share one Faker per locale; each keeps its own random state, so interleaving changes nothing."""
    alone = Directory(seed=41, prefix="scimu-x-001-")
    alone.add_people(12)
    alone.add_groups(3)
    first, second = Directory(seed=41, prefix="scimu-x-001-"), Directory(seed=42, id_style="entra")
    for _ in range(12):
        first.add_person()
        second.add_person()
    for _ in range(3):
        second.add_group()
        first.add_group()
    assert people_of(first) == people_of(alone)
    assert people_of(second) != people_of(first)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_directorys_faker_draws_what_a_faker_with_every_provider_draws(locale):
    """The directory's Faker loads only the providers it draws from; the names, jobs and words are the same."""
    def draws(faker: Faker, seed: int) -> list[str]:
        faker.random = random.Random(seed)
        return [faker.first_name(), faker.last_name(), faker.job(), faker.word(), faker.first_name()]

    every_provider = Faker(locale)
    assert [draws(shared_faker(locale), seed) for seed in range(25)] == \
        [draws(every_provider, seed) for seed in range(25)]


def test_every_client_shares_one_tls_context_that_checks_certificates():
    one, other = Transport("https://scim.example.com/scim/v2", "shared-once-token-91c2", VERIFY), Transport("http://127.0.0.1:9/x", None, VERIFY)
    try:
        contexts = {id(transport._http._transport._pool._ssl_context) for transport in (one, other)}
        assert contexts == {id(tls_context())}
        assert tls_context().verify_mode == ssl.CERT_REQUIRED and tls_context().check_hostname
    finally:
        one.close()
        other.close()
