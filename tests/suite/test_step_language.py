"""The closed step language: the catalogue is the code's, and a feature file that leaves it fails before any run.

A typo in a vocabulary word, an unknown attribute and an unknown alias each stop `scimulator run`
(exit 2) and pytest's collection with a sentence naming the file, the line and what is allowed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pytest_bdd.steps import step_function_context_registry

from scimulator.simulator import Directory
from scimulator.simulator.attributes import ATTRIBUTES, ENTRA, OKTA
from scimulator.steps.cast import Cast, UnknownAlias
from scimulator.steps.catalogue import catalogue_markdown, catalogue_text
from scimulator.steps.language import PARAMETERS, catalogue, placeholders, problems_in

ROOT = Path(__file__).resolve().parents[2]

TYPO = """@okta
Feature: A typo in an action word

  @must
  Scenario: Suspending a user
    Given an Okta OIN app connected to the target
    And "ann" is assigned to the app and provisioned
    When the Okta admin deactivats the Okta user "ann"
    Then Okta sent no DELETE
"""
UNKNOWN_ATTRIBUTE = """@entra
Feature: An attribute the language does not know

  @must
  Scenario: Changing a shoe size
    Given an Entra app connected to the target
    And "bo" is assigned to the Entra app
    And Entra provisioning has started
    When the Entra admin changes the shoe size of "bo" to "44"
    And 40 minutes pass
    Then the Entra provisioning log shows no failures
"""
UNKNOWN_ALIAS = """@okta
Feature: An alias nothing introduced

  Background:
    Given an Okta OIN app connected to the target

  @must
  Scenario: Reading a user nobody assigned
    Given "cy" is assigned to the app and provisioned
    Then the target's user "zed" is active
"""
FINE = """@entra
Feature: Written from the catalogue alone

  @must
  Scenario Outline: A renamed group keeps its members (<flag> the flag)
    Given an Entra app connected to the target <flag> the aadOptscim062020 flag
    And the group "Data" with the members "amy" and "ed" is assigned to the Entra app
    And Entra provisioning has started
    When the Entra admin renames the group "Data" to "Data Science"
    And the Entra admin changes the department of "amy" to "Research"
    And 40 minutes pass
    Then the target's group "Data Science" has exactly the members "amy" and "ed"
    And the target's user "amy" has the department "Research"

    Examples:
      | flag    |
      | with    |
      | without |
"""
TYPO_SENTENCE = ("'deactivats' is not an Okta action; allowed: deactivates, suspends")
ATTRIBUTE_SENTENCE = ("'shoe size' is not an attribute Entra changes; allowed: given name, family name, display name, "
                      "email, title, department, employee number, cost center, organization, division")
ALIAS_SENTENCE = ('no Given or When step before it mentions the person "zed"; add one first, e.g. '
                  "'Given \"zed\" is assigned to the app and provisioned' (Okta) or "
                  "'Given \"zed\" is assigned to the Entra app' (Entra)")


def features(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "team-features"
    folder.mkdir()
    for name, text in files.items():
        (folder / f"{name}.feature").write_text(text)
    return folder


def test_a_typo_in_an_action_word_names_the_file_line_and_the_allowed_words(tmp_path):
    folder = features(tmp_path, typo=TYPO)
    assert problems_in([folder]) == [f"{folder / 'typo.feature'}:8: When the Okta admin deactivats the Okta user "
                                     f"\"ann\": {TYPO_SENTENCE}"]


def test_an_unknown_attribute_names_the_attributes_the_idp_changes(tmp_path):
    folder = features(tmp_path, attribute=UNKNOWN_ATTRIBUTE)
    assert problems_in([folder]) == [f"{folder / 'attribute.feature'}:9: When the Entra admin changes the shoe size of "
                                     f"\"bo\" to \"44\": {ATTRIBUTE_SENTENCE}"]


def test_an_unknown_alias_names_the_step_to_add_first(tmp_path):
    folder = features(tmp_path, alias=UNKNOWN_ALIAS)
    assert problems_in([folder]) == [f"{folder / 'alias.feature'}:10: Then the target's user \"zed\" is active: "
                                     f"{ALIAS_SENTENCE}"]


def test_an_unknown_step_names_the_three_closest_steps(tmp_path):
    folder = features(tmp_path, unknown=TYPO.replace("Okta sent no DELETE", "Okta sent no DELET"))
    problems = problems_in([folder])
    assert problems[-1].startswith(f"{folder / 'unknown.feature'}:9: Then Okta sent no DELET: no step of the catalogue "
                                   "matches it; the closest are: Then Okta sent no DELETE | ")
    assert problems[-1].count(" | ") == 2


def test_an_examples_table_without_the_column_is_named(tmp_path):
    folder = features(tmp_path, outline=FINE.replace("| flag    |", "| flagg   |"))
    assert {p.split(": ", 1)[1] for p in problems_in([folder])} == {
        "Given an Entra app connected to the target <flag> the aadOptscim062020 flag: it uses <flag>, which its "
        "Examples table has no column for"}


def test_a_scenario_written_from_the_catalogue_passes_and_a_rename_re_aliases(tmp_path):
    assert problems_in([features(tmp_path, fine=FINE)]) == []


def test_scimulator_run_refuses_every_problem_of_every_file_together_with_exit_2(tmp_path):
    folder = features(tmp_path, typo=TYPO, attribute=UNKNOWN_ATTRIBUTE, alias=UNKNOWN_ALIAS)
    result = subprocess.run([sys.executable, "-m", "scimulator", "run", "--features", str(folder), "--report-dir",
                             str(tmp_path / "report")], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for sentence in (TYPO_SENTENCE, ATTRIBUTE_SENTENCE, ALIAS_SENTENCE):
        assert sentence in result.stderr


def test_pytest_collection_fails_with_the_sentences(tmp_path):
    folder = features(tmp_path, typo=TYPO, alias=UNKNOWN_ALIAS)
    result = subprocess.run([sys.executable, "-m", "pytest", "steps", "-p", "no:cacheprovider", "--collect-only", "-q",
                             "--features", str(folder)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "LanguageError" in result.stdout and "error" in result.stdout.lower()
    assert TYPO_SENTENCE in result.stdout and ALIAS_SENTENCE in result.stdout


def test_the_bundled_features_speak_the_language():
    assert problems_in([ROOT / "features"]) == []


# --- the catalogue ------------------------------------------------------------------------------------

def test_the_catalogue_holds_every_registered_step_of_the_suite():
    steps = catalogue()
    ours = {id(context.parser) for context in step_function_context_registry.values()
            if context.step_func.__module__.startswith("scimulator.steps.")}
    assert ours == {id(step.matcher) for step in steps}
    assert len(steps) > 150


def test_every_placeholder_is_declared_once_and_every_declaration_is_used():
    used = {name for step in catalogue() for name in step.parameters}
    assert used - set(PARAMETERS) == set(), "declare these placeholders in steps/language.py PARAMETERS"
    assert set(PARAMETERS) - used == set(), "these PARAMETERS are used by no step"


def test_placeholders_read_fields_and_skip_literal_braces():
    assert placeholders("Okta's {{{{{variable}}}}} at {count:d} {unit}") == ["variable", "count", "unit"]


def test_every_example_sentence_matches_its_own_step_and_speaks_the_language(tmp_path):
    steps = catalogue()
    unmatched = [step.pattern for step in steps if step.arguments(step.example) is None]
    assert unmatched == []
    for step in steps:
        arguments = step.arguments(step.example)
        wrong = [PARAMETERS[name].problem(arguments[name]) for name in step.parameters if PARAMETERS[name].problem(arguments[name])]
        assert wrong == [], step.pattern


@pytest.mark.parametrize("attribute", sorted(ATTRIBUTES))
def test_each_idp_that_changes_an_attribute_has_a_change_step_and_the_target_one_check(attribute):
    steps = catalogue()

    def speaks(keyword: str, text: str) -> bool:
        return any(s.keyword == keyword and s.arguments(text) is not None
                   and not any(PARAMETERS[n].problem(s.arguments(text)[n]) for n in s.parameters) for s in steps)
    for idp in ATTRIBUTES[attribute].changed_by:
        assert speaks("when", f'the {idp} admin changes the {attribute} of "alice" to "x"'), (idp, attribute)
    for idp in {OKTA, ENTRA} - set(ATTRIBUTES[attribute].changed_by):
        assert not speaks("when", f'the {idp} admin changes the {attribute} of "alice" to "x"'), (idp, attribute)
    assert speaks("then", f'the target\'s user "alice" has the {attribute} "x"')


def test_the_enterprise_attributes_are_read_inside_the_extension():
    department = ATTRIBUTES["department"]
    assert department.path == "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"
    assert department.enterprise and department.enterprise_name == "department"


def test_features_readme_is_the_generated_catalogue():
    assert (ROOT / "features" / "README.md").read_text() == catalogue_markdown(), (
        "regenerate it: scimulator steps --format markdown > features/README.md")


def test_scimulator_steps_prints_the_catalogue_with_allowed_values_and_examples():
    result = subprocess.run([sys.executable, "-m", "scimulator", "steps"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == catalogue_text() + "\n"
    for speaker in ("Okta admin", "Entra admin", "Okta's SPEC test", "Microsoft's SCIM Validation Logic App",
                    "The target holds", "Plain protocol", "Vendor admin"):
        assert f"\n{speaker}\n" in "\n" + result.stdout
    assert "{okta_action}: deactivates, suspends" in result.stdout
    assert 'e.g. When the Okta admin deactivates the Okta user "alice"' in result.stdout


# --- the alias registry at run time -----------------------------------------------------------------------

def test_the_registry_creates_on_first_mention_re_aliases_renames_and_names_unknown_aliases():
    cast = Cast(Directory(seed=1, prefix="t-"), {}, {})
    ann = cast.person("ann")
    assert cast.person("ann") is ann and cast.known_person("ann") is ann
    data = cast.group("Data", members=cast.people_named('"ann" and "ed"'))
    assert cast.rename_group("Data", "Data Science") is data and cast.known_group("Data Science") is data
    with pytest.raises(UnknownAlias) as unknown:
        cast.known_person("zed")
    assert str(unknown.value) == f"The scenario {ALIAS_SENTENCE}."
