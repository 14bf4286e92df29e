"""The IdP's directory: people and groups with realistic, awkward data, and an app's assignments.

Everything is deterministic from a seed, so that a failing scenario can be replayed exactly.
The data is chosen to break naive servers: non-ASCII names, apostrophes, plus-addressed emails
and long values appear in every population of a few dozen people.
"""

from __future__ import annotations

import functools
import random
import string
import unicodedata
import uuid
import zlib
from dataclasses import dataclass, field

from faker import Faker

# Locales whose names carry accents, apostrophes, non-Latin scripts and long compound surnames.
LOCALES = ["en_US", "en_IE", "de_DE", "fr_FR", "es_ES", "pl_PL", "ja_JP", "pt_BR", "sv_SE", "it_IT"]
EMAIL_DOMAIN = "example.com"
LONG_VALUE = 200  # characters: longer than many servers' VARCHAR(128) columns


@dataclass
class Person:
    id: str  # the IdP's own object id: Okta's 00u… id, Entra's objectId (a GUID)
    given_name: str
    family_name: str
    login: str  # Okta login / Entra userPrincipalName: the userName sent
    email: str
    display_name: str
    locale: str
    title: str | None = None
    department: str | None = None
    active: bool = True  # Okta status ACTIVE / Entra accountEnabled
    manager_id: str | None = None  # another Person's id (Entra's manager reference)
    # Enterprise User extension (RFC 7643 section 4.3), unique to the run where a server may index them.
    employee_number: str | None = None
    cost_center: str | None = None
    organization: str | None = None
    division: str | None = None
    phone: str | None = None  # a work phone number, unique to the run
    roles: list[str] = field(default_factory=list)  # app role values (Entra app role assignments)

    @property
    def mail_nickname(self) -> str:
        """Entra's mailNickname: the part of the UPN before the @."""
        return self.login.split("@", 1)[0]


@dataclass
class Group:
    id: str  # Okta 00g… id / Entra objectId
    name: str
    members: list[str] = field(default_factory=list)  # person ids, in the order they were added


# The Faker providers a directory draws from: person (first_name, last_name), job, lorem (word, for group names).
# Loading only these builds a locale's Faker in about 2 ms instead of 10 to 25 for all of Faker's providers; each
# provider draws the same values from the same random state either way (tests/simulator/test_directory.py).
FAKER_PROVIDERS = ("faker.providers.person", "faker.providers.job", "faker.providers.lorem")


@functools.cache
def shared_faker(locale: str) -> Faker:
    """One Faker per locale for the whole process: building one loads its providers, and every scenario has a
    directory. Directories hand it their own random state before each use (``Directory._faker``)."""
    return Faker(locale, providers=list(FAKER_PROVIDERS))


class Directory:
    """People and groups of one IdP tenant."""

    def __init__(self, seed: int = 0, id_style: str = "okta", prefix: str = "", email_is_login: bool = False):
        """``prefix`` starts every login and group name, so that a run's data on a real target can be found and removed.

        ``email_is_login``: the primary email is the login, as where it is the unique identifier (SingleStore [V2]).
        """
        self.email_is_login = email_is_login
        if id_style not in ("okta", "entra"):
            raise ValueError("id_style is 'okta' or 'entra'")
        self.seed = seed
        self.prefix = prefix
        self.id_style = id_style
        self._random = random.Random(seed)
        # Each locale's names come from a random state of this directory's own, seeded as before.
        self._faker_randoms = {locale: random.Random(seed * 100 + offset) for offset, locale in enumerate(LOCALES)}
        self.people: dict[str, Person] = {}
        self.groups: dict[str, Group] = {}
        self._logins: set[str] = set()
        # Phone numbers: a base of 8 digits drawn from the seed and prefix, then the person's number, so
        # that no two people of one directory, nor (but for a 1 in 10^8 chance) of two, share one.
        self._phone_base = zlib.crc32(f"{seed}/{prefix}".encode()) % 10**8

    def _faker(self, locale: str) -> Faker:
        """The process's Faker for a locale, drawing from this directory's random state for that locale."""
        faker = shared_faker(locale)
        faker.random = self._faker_randoms[locale]
        return faker

    # --- ids ------------------------------------------------------------------------------------

    def _object_id(self, okta_prefix: str) -> str:
        if self.id_style == "entra":
            return str(uuid.UUID(int=self._random.getrandbits(128), version=4))
        alphabet = string.ascii_letters + string.digits
        return okta_prefix + "".join(self._random.choice(alphabet) for _ in range(17))

    def random_guid(self) -> str:
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    # --- people ---------------------------------------------------------------------------------

    def add_person(self, **overrides) -> Person:
        n = len(self.people)
        locale = LOCALES[n % len(LOCALES)]
        faker = self._faker(locale)
        given, family = faker.first_name(), faker.last_name()
        if n % 7 == 3:
            family = "O'" + family  # apostrophes in filters and JSON
        if n % 11 == 5:
            family = (family + "-") * (LONG_VALUE // (len(family) + 1)) + family  # a long value
        local = self._ascii_local_part(given, family, n)
        plus = f"+scim{n}" if n % 5 == 2 else ""
        login = f"{local}@{EMAIL_DOMAIN}"
        person = Person(
            id=self._object_id("00u"),
            given_name=given,
            family_name=family,
            login=login,
            email=login if self.email_is_login else f"{local}{plus}@{EMAIL_DOMAIN}",
            display_name=f"{given} {family}",
            locale=locale.replace("_", "-"),
            title=faker.job()[:60] if n % 3 else None,
            department=self._random.choice(["Engineering", "Sales", "Support", "Finance", "R&D"]) if n % 4 else None,
            employee_number=f"{self._random.randrange(10**7, 10**8)}",
            cost_center=self._random.choice(["CC-1001", "CC-2040", "CC-3300"]),
            organization=self._random.choice(["Contoso", "Fabrikam", "Northwind"]),
            division=self._random.choice(["Cloud", "Devices", "Services"]),
            phone=f"+{self._phone_base:08d}{n:03d}",
        )
        for key, value in overrides.items():
            setattr(person, key, value)
        self._logins.add(person.login.lower())
        self.people[person.id] = person
        return person

    def _ascii_local_part(self, given: str, family: str, n: int) -> str:
        def ascii_of(text: str) -> str:
            decomposed = unicodedata.normalize("NFKD", text)
            kept = "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c in "'-"))
            return kept.lower().replace("'", "")[:30].strip("-")

        given_part, family_part = ascii_of(given), ascii_of(family)
        base = f"{given_part}.{family_part}" if given_part and family_part else f"user{n}"
        base = f"{self.prefix}{base}"
        candidate = base
        while f"{candidate}@{EMAIL_DOMAIN}" in self._logins:
            candidate = f"{base}{n}"
            n += 1
        return candidate

    def unique(self, value: str) -> str:
        """A value written in a feature file, made unique to this scenario of this run.

        Servers may keep emails, externalIds, phone numbers or group names unique (RFC 7643 leaves
        that to them), so two scenarios of one run, or two runs against one target, must never send
        the same literal. The scenario prefix goes in front: ``walt.new@example.com`` becomes
        ``scimu-1a2b3c-007-walt.new@example.com``, still a valid address.
        """
        return value if not self.prefix or value.startswith(self.prefix) else f"{self.prefix}{value}"

    def add_people(self, count: int) -> list[Person]:
        return [self.add_person() for _ in range(count)]

    # --- groups ---------------------------------------------------------------------------------

    def add_group(self, name: str | None = None, members: list[Person] = ()) -> Group:
        n = len(self.groups)
        if name is None:
            faker = self._faker(LOCALES[n % len(LOCALES)])
            name = f"{faker.word().capitalize()} {self._random.choice(['Team', 'Crew', 'Admins', 'Équipe', 'Guild'])} {n}"
        name = f"{self.prefix}{name}"
        group = Group(self._object_id("00g"), name, [p.id for p in members])
        self.groups[group.id] = group
        return group

    def add_groups(self, count: int, members_each: int = 0) -> list[Group]:
        people = list(self.people.values())
        groups = []
        for _ in range(count):
            members = self._random.sample(people, min(members_each, len(people))) if members_each else []
            groups.append(self.add_group(members=members))
        return groups

    def person(self, person_id: str) -> Person:
        return self.people[person_id]

    def group(self, group_id: str) -> Group:
        return self.groups[group_id]


@dataclass
class AppAssignments:
    """Who and what is assigned to one app integration, and which groups are pushed (Okta Group Push)."""

    people: set[str] = field(default_factory=set)
    groups: set[str] = field(default_factory=set)
    pushed_groups: set[str] = field(default_factory=set)
