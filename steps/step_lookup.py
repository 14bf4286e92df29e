"""Step definitions are looked up once per place in the suite, not once per step of every scenario.

pytest-bdd finds a step's definition by asking pytest, for every fixture name the session knows, which
definitions are visible to the scenario, then trying each step definition's parser on the step text: some
hundred thousand fixture lookups for a run of the bundled suite, over a second of the harness's time.
Which step definitions a scenario can see depends only on where it sits (its parent node), so this plugin
lists them once per parent and tries only their parsers on each step text (once per text and place), in the
order pytest-bdd would, and yields the same definitions. Scenarios still get them through pytest-bdd's own
injection. tests/suite/test_step_lookup.py compares both searches on every step of the bundled features.
The definition each step runs is then chosen once per step text and place too: pytest-bdd would inject the
definitions found under a name made for the step and ask pytest's fixture machinery for it, for every step of
every scenario; the answer is the step context registered for the last definition found (pytest's choice
among fixtures of one name: the closest to the node), so it is remembered instead.
Likewise pytest-bdd reads each step function's signature twice for every step it runs (``inspect.signature``
and its ``get_required_args``); both answers are remembered per step function for the session. And a parser is
tried on a step text only when the text starts with the parser's literal beginning (steps/language.py ``may_match``,
which the step-language check uses too), and the parsers are found by the text's first word, not by trying each.

Where pytest-bdd's search or its helpers are not found (another pytest-bdd version), nothing changes.
"""

from __future__ import annotations

import importlib

import pytest

from .language import comparable, literal_head, may_match

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


class FirstWordIndex:
    """Which of a list of step parsers can match a text, by the text's first word: a parser whose literal beginning
    (steps/language.py ``literal_head``) holds a whole first word matches only texts starting with that word; the
    others (no literal beginning, or one shorter than a word) are tried on every text. Positions come back in the
    list's order, as the definitions are tried in pytest-bdd's order."""

    def __init__(self, parsers: list):
        self.size = len(parsers)
        self.always: list[int] = []
        self.by_word: dict[str, list[int]] = {}
        for position, parser in enumerate(parsers):
            head = literal_head(parser)
            if head is not None and " " in head:
                self.by_word.setdefault(head.split(" ", 1)[0], []).append(position)
            else:
                self.always.append(position)

    def candidates(self, lowered: str | None) -> list[int]:
        """Positions of the parsers that may match a text (``comparable(text)``; None: every parser)."""
        if lowered is None:
            return list(range(self.size))
        return sorted(self.always + self.by_word.get(lowered.split(" ", 1)[0], []))


def listed_once(get_fixture_names, getfixturedefs, registry):
    """A search for a step's definitions that lists the step definitions visible to each parent node once."""
    visible: dict[tuple[int, str], list] = {}
    indexes: dict[tuple[int, str], FirstWordIndex] = {}
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

    def by_first_word(fixturemanager, node) -> FirstWordIndex:
        key = place(fixturemanager, node)
        if key not in indexes:
            indexes[key] = FirstWordIndex([context.parser for _, context in step_definitions(fixturemanager, node)])
        return indexes[key]

    def find_fixturedefs_for_step(step, fixturemanager, node):
        """The same step text in the same place (outlines, shared Given steps) is matched once."""
        key = (*place(fixturemanager, node), step.type, step.name)
        if key not in matching:
            lowered = comparable(step.name)
            definitions = step_definitions(fixturemanager, node)
            tried = (definitions[n] for n in by_first_word(fixturemanager, node).candidates(lowered))
            matching[key] = [fixturedef for fixturedef, context in tried
                             if (context.type is None or context.type == step.type)
                             and may_match(context.parser, lowered) and context.parser.is_matching(step.name)]
        return iter(matching[key])

    return find_fixturedefs_for_step


def chosen_once(find, registry, parent_ids):
    """pytest-bdd's ``get_step_function(request, step)``: the context of the definition pytest would pick among those
    `find` yields, sorted as pytest-bdd sorts them (by `parent_ids` of their base node id, the closest last), or None
    when no definition matches. tests/suite/test_step_lookup.py compares it with pytest-bdd's on a whole run."""
    chosen: dict[tuple, object] = {}

    def get_step_function(request, step):
        node = request.node
        key = (id(request._fixturemanager), node.parent.nodeid if node.parent is not None else node.nodeid,
               step.type, step.name)
        if key not in chosen:
            fixturedefs = sorted(find(step=step, fixturemanager=request._fixturemanager, node=node),
                                 key=lambda fixturedef: list(parent_ids(fixturedef.baseid)))
            chosen[key] = registry[fixturedefs[-1].func] if fixturedefs else None
        return chosen[key]

    return get_step_function


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
REPLACED = ("find_fixturedefs_for_step", "get_step_function", "signature", "get_required_args")


def pytest_configure(config: pytest.Config) -> None:
    if PARTS is None:
        return
    scenario, get_fixture_names, getfixturedefs, registry = PARTS
    config.stash[ORIGINAL] = {name: getattr(scenario, name) for name in REPLACED if hasattr(scenario, name)}
    scenario.find_fixturedefs_for_step = listed_once(get_fixture_names, getfixturedefs, registry)
    if "get_step_function" in config.stash[ORIGINAL] and hasattr(scenario, "iterparentnodeids"):
        scenario.get_step_function = chosen_once(scenario.find_fixturedefs_for_step, registry,
                                                 scenario.iterparentnodeids)
    for name in ("signature", "get_required_args"):
        if name in config.stash[ORIGINAL]:
            setattr(scenario, name, remembered(config.stash[ORIGINAL][name]))


def pytest_unconfigure(config: pytest.Config) -> None:
    for name, original in config.stash.get(ORIGINAL, {}).items():
        setattr(PARTS[0], name, original)
