"""One alias registry per scenario: the people and groups its steps name, the same way for every IdP.

A Given or When step creates a person or group in the scenario's directory on first mention; a
rename re-aliases the group under its new name; a Then step that names an alias nothing introduced
raises a sentence naming the step to add (the same sentence `check_features` gives at collection).
"""

from __future__ import annotations

import pytest

from scimulator.simulator import Directory
from scimulator.simulator.attributes import ATTRIBUTES
from scimulator.simulator.directory import Group, Person
from .judge import aliases
from .language import unknown_alias_sentence


def kept_unique(attribute: str, value: str, directory: Directory) -> str:
    """A value a step writes to an attribute: made unique to the run where a server may keep the attribute unique."""
    return directory.unique(value) if ATTRIBUTES[attribute].unique else value


class UnknownAlias(LookupError):
    """A step named a person or group that no earlier Given or When step introduced."""

    def __str__(self) -> str:
        return str(self.args[0])


class Cast:
    """The scenario's aliases: "alice" -> a Person, "Sales" -> a Group."""

    def __init__(self, directory: Directory, people: dict, groups: dict):
        self.directory, self.people, self.groups = directory, people, groups

    def person(self, alias: str) -> Person:
        """The person of that alias, created in the directory on first mention."""
        if alias not in self.people:
            self.people[alias] = self.directory.add_person()
        return self.people[alias]

    def people_named(self, text: str) -> list[Person]:
        """'"ann" and "ben"' -> their persons, each created on first mention."""
        return [self.person(alias) for alias in aliases(text)]

    def group(self, alias: str, members: list[Person] = ()) -> Group:
        """The group of that alias, created in the directory (with the members) on first mention."""
        if alias not in self.groups:
            self.groups[alias] = self.directory.add_group(alias, members=list(members))
        return self.groups[alias]

    def rename_group(self, alias: str, new_alias: str) -> Group:
        """Later steps name the group by its new alias (the old one keeps working)."""
        self.groups[new_alias] = self.known_group(alias)
        return self.groups[new_alias]

    def is_person(self, alias: str) -> bool:
        return alias in self.people

    def known_person(self, alias: str) -> Person:
        if alias not in self.people:
            raise UnknownAlias(f"The scenario {unknown_alias_sentence('person', alias)}.")
        return self.people[alias]

    def known_group(self, alias: str) -> Group:
        if alias not in self.groups:
            raise UnknownAlias(f"The scenario {unknown_alias_sentence('group', alias)}.")
        return self.groups[alias]


@pytest.fixture
def cast(directory, people, groups) -> Cast:
    """The scenario's alias registry, over the plugin's `people` and `groups` dictionaries."""
    return Cast(directory, people, groups)
