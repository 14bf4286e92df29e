"""steps/step_lookup.py finds, for every step of every bundled scenario, exactly what pytest-bdd's own search finds."""

from __future__ import annotations

import pytest
from pytest_bdd import parsers

from scimulator.run import pytest_arguments
from scimulator.steps import step_lookup
from scimulator.steps.settings import RunSettings
from scimulator.steps.language import comparable, may_match
from scimulator.steps.written import written_scenario


class CompareLookups:
    """After collection: each step of each scenario looked up both ways, with the scenario as the node."""

    def __init__(self):
        self.compared = 0
        self.differing: list[str] = []

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        original = step_lookup.PYTEST_BDD_SEARCH
        remembering = step_lookup.PARTS[0].find_fixturedefs_for_step
        manager = session._fixturemanager
        for item in session.items:
            for step in written_scenario(item).steps:
                found = list(original(step=step, fixturemanager=manager, node=item))
                remembered = list(remembering(step=step, fixturemanager=manager, node=item))
                self.compared += 1
                if found != remembered or not found:
                    self.differing.append(f"{item.name}: {step.type} {step.name}")


def test_the_remembered_lookup_finds_what_pytest_bdd_finds():
    compare = CompareLookups()
    status = pytest.main([*pytest_arguments(None), "--collect-only"], plugins=[compare])
    assert status == pytest.ExitCode.OK
    assert compare.compared > 1000
    assert compare.differing == []


class CompareChosenDefinitions:
    """Before each step of a real run: the definition the remembered choice runs, and pytest-bdd's own choice (its
    injection and pytest's fixture machinery) for the same step and scenario."""

    def __init__(self):
        self.compared = 0
        self.differing: list[str] = []

    def pytest_bdd_before_step(self, request, feature, scenario, step, step_func) -> None:
        own = step_lookup.PARTS[0].get_step_function
        with_pytest_bdd = request.config.stash[step_lookup.ORIGINAL]["get_step_function"](request=request, step=step)
        self.compared += 1
        if own.__module__ != step_lookup.__name__ or with_pytest_bdd is None or with_pytest_bdd.step_func is not step_func:
            self.differing.append(f"{scenario.name}: {step.type} {step.name}")


def test_each_step_runs_the_definition_pytest_bdd_would_choose(tmp_path):
    compare = CompareChosenDefinitions()
    status = pytest.main(pytest_arguments(None), plugins=[RunSettings(report_dir=str(tmp_path)), compare])
    assert status == pytest.ExitCode.OK
    assert compare.compared > 1000
    assert compare.differing == []


def test_the_lookup_is_put_back_when_the_session_ends():
    scenario = step_lookup.PARTS[0]
    before = (scenario.find_fixturedefs_for_step, scenario.get_step_function)
    during = []
    pytest.main([*pytest_arguments(None), "--collect-only"], plugins=[SeeLookup(during)])
    assert all(replaced is not original and replaced.__module__ == step_lookup.__name__
               for replaced, original in zip(during[0], before))
    assert (scenario.find_fixturedefs_for_step, scenario.get_step_function) == before


class SeeLookup:
    def __init__(self, seen: list):
        self.seen = seen

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.seen.append((step_lookup.PARTS[0].find_fixturedefs_for_step, step_lookup.PARTS[0].get_step_function))


def test_a_step_functions_signature_is_read_once_and_pytest_bdds_readers_are_put_back():
    scenario = step_lookup.PARTS[0]
    before = (scenario.signature, scenario.get_required_args)
    read: list = []
    signature_once = step_lookup.remembered(lambda function: read.append(function) or function.__name__)

    def a_step(alice, count=1):
        pass

    assert signature_once(a_step) == signature_once(a_step) == "a_step" and read == [a_step]
    assert pytest.main([*pytest_arguments(None), "--collect-only"]) == pytest.ExitCode.OK
    assert (scenario.signature, scenario.get_required_args) == before


@pytest.mark.parametrize("parser, text, may", [
    (parsers.parse("the target has {count:d} users"), "The TARGET has 3 users", True),  # parse ignores case
    (parsers.parse("the target has {count:d} users"), "the answer has 3 users", False),
    (parsers.parse("{who} arrives"), "alice arrives", True),  # no literal beginning: always tried
    (parsers.parse("{{literal}} {x}"), "{literal} y", True),  # an escaped brace: always tried
    (parsers.string("exactly this"), "exactly this", True),
    (parsers.re(r"the (?P<x>\w+)"), "anything at all", True),  # a regular expression: always tried
    (parsers.parse("naïve {x}"), "NAÏVE y", True),  # not ASCII: always tried
])
def test_a_parser_is_left_untried_only_when_it_cannot_match_the_text(parser, text, may):
    assert may_match(parser, comparable(text)) is may
    assert may or not parser.is_matching(text)
