"""Step definitions are looked up once per place in the suite, not once per step of every scenario.

pytest-bdd finds a step's definition by asking pytest, for every fixture name the session knows, which
definitions are visible to the scenario, then trying each step definition's parser on the step text: some
hundred thousand fixture lookups for a run of the bundled suite, over a second of the harness's time.
Which step definitions a scenario can see depends only on where it sits (its parent node), so this plugin
lists them once per parent and tries only their parsers on each step text (once per text and place), in the
order pytest-bdd would, and yields the same definitions. Scenarios still get them through pytest-bdd's own
injection. tests/suite/test_step_lookup.py compares both searches on every step of the bundled features.
Likewise pytest-bdd reads each step function's signature twice for every step it runs (``inspect.signature``
and its ``get_required_args``); both answers are remembered per step function for the session. And a parser is
tried on a step text only when the text starts with the parser's literal beginning (steps/language.py ``may_match``,
which the step-language check uses too).

Where pytest-bdd's search or its helpers are not found (another pytest-bdd version), nothing changes.
"""

from __future__ import annotations

import importlib

import pytest

from .language import comparable, may_match

ORIGINAL = pytest.StashKey[dict]()


def _pytest_bdd_parts():
    """pytest-bdd's scenario module and the helpers its search uses, or None when this version lacks them."""
    try:
        scenario = importlib.import_module("pytest_bdd.scenario")  # the module (pytest_bdd.scenario is also a function)
        from pytest_bdd.compat import get_fixture_names, getfixturedefs
        from pytest_bdd.steps import step_function_context_registry
    except ImportError:
        return None
    if not hasattr(scenario, "find_fixturedefs_for_step"):
        return None
    return scenario, get_fixture_names, getfixturedefs, step_function_context_registry


PARTS = _pytest_bdd_parts()
# pytest-bdd's own search as imported, before any session replaced it (sessions may nest: a test running pytest).
PYTEST_BDD_SEARCH = PARTS[0].find_fixturedefs_for_step if PARTS else None


def listed_once(get_fixture_names, getfixturedefs, registry):
    """A search for a step's definitions that lists the step definitions visible to each parent node once."""
    visible: dict[tuple[int, str], list] = {}
    matching: dict[tuple, list] = {}

    def place(fixturemanager, node) -> tuple[int, str]:
        return id(fixturemanager), node.parent.nodeid if node.parent is not None else node.nodeid

    def step_definitions(fixturemanager, node) -> list:
        key = place(fixturemanager, node)
        if key not in visible:
            visible[key] = [(fixturedef, registry[fixturedef.func])
                            for name in get_fixture_names(fixturemanager=fixturemanager)
                            for fixturedef in getfixturedefs(fixturemanager, name, node) or []
                            if fixturedef.func in registry]
        return visible[key]

    def find_fixturedefs_for_step(step, fixturemanager, node):
        """The same step text in the same place (outlines, shared Given steps) is matched once."""
        key = (*place(fixturemanager, node), step.type, step.name)
        if key not in matching:
            lowered = comparable(step.name)
            matching[key] = [fixturedef for fixturedef, context in step_definitions(fixturemanager, node)
                             if (context.type is None or context.type == step.type)
                             and may_match(context.parser, lowered) and context.parser.is_matching(step.name)]
        return iter(matching[key])

    return find_fixturedefs_for_step


def remembered(read):
    """``read(function)`` asked once per function (a signature never changes); an unhashable callable is read
    each time."""
    known: dict = {}

    def read_once(function):
        try:
            return known[function]
        except KeyError:
            known[function] = answer = read(function)
            return answer
        except TypeError:
            return read(function)

    return read_once


# pytest-bdd's names this plugin replaces for a session, and put back when it ends.
REPLACED = ("find_fixturedefs_for_step", "signature", "get_required_args")


def pytest_configure(config: pytest.Config) -> None:
    if PARTS is None:
        return
    scenario, get_fixture_names, getfixturedefs, registry = PARTS
    config.stash[ORIGINAL] = {name: getattr(scenario, name) for name in REPLACED if hasattr(scenario, name)}
    scenario.find_fixturedefs_for_step = listed_once(get_fixture_names, getfixturedefs, registry)
    for name in ("signature", "get_required_args"):
        if name in config.stash[ORIGINAL]:
            setattr(scenario, name, remembered(config.stash[ORIGINAL][name]))


def pytest_unconfigure(config: pytest.Config) -> None:
    for name, original in config.stash.get(ORIGINAL, {}).items():
        setattr(PARTS[0], name, original)
