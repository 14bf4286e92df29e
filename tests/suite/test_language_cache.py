"""steps/language_cache.py: a feature file is checked and parsed once per text and code; any change, afresh."""

from __future__ import annotations

import os

import pytest
import pytest_bdd.feature
from pytest_bdd.parser import FeatureParser

from scimulator.steps import language, language_cache

GOOD = """Feature: Kept
  Scenario: A lookup
    Given "ann" is assigned to the app and provisioned
"""
BAD = """Feature: Kept
  Scenario: A step nobody defined
    Given the moon is made of cheese
"""


@pytest.fixture
def checks(tmp_path, monkeypatch):
    """The cache in a folder of the test's own; every feature_problems call counted."""
    monkeypatch.setenv("SCIMULATOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(language, "_CHECKED", {})
    calls = []
    checking = language.feature_problems
    monkeypatch.setattr(language, "feature_problems", lambda path, steps: calls.append(path) or checking(path, steps))
    return calls


def features(tmp_path, text: str):
    directory = tmp_path / "features"
    directory.mkdir(exist_ok=True)
    (directory / "kept.feature").write_text(text, encoding="utf-8")
    return directory


def a_new_process(monkeypatch):
    monkeypatch.setattr(language, "_CHECKED", {})


def test_a_file_checked_once_is_not_checked_again_in_another_run(tmp_path, monkeypatch, checks):
    directory = features(tmp_path, GOOD)
    assert language.problems_in([directory]) == []
    a_new_process(monkeypatch)
    assert language.problems_in([directory]) == []
    assert len(checks) == 1


def test_problems_are_kept_and_told_again(tmp_path, monkeypatch, checks):
    directory = features(tmp_path, BAD)
    first = language.problems_in([directory])
    a_new_process(monkeypatch)
    assert language.problems_in([directory]) == first and "the moon is made of cheese" in first[0]
    assert len(checks) == 1


def test_a_changed_file_is_checked_again(tmp_path, monkeypatch, checks):
    directory = features(tmp_path, GOOD)
    assert language.problems_in([directory]) == []
    a_new_process(monkeypatch)
    features(tmp_path, BAD)
    assert language.problems_in([directory]) != []
    assert len(checks) == 2


def test_changed_code_does_not_read_answers_kept_for_other_code(tmp_path, monkeypatch, checks):
    directory = features(tmp_path, GOOD)
    language.problems_in([directory])
    a_new_process(monkeypatch)
    monkeypatch.setattr(language_cache, "code_digest", lambda: "another version of the steps")
    language.problems_in([directory])
    assert len(checks) == 2


def test_a_step_registered_at_run_time_keeps_nothing_between_runs(tmp_path, monkeypatch, checks):
    directory = features(tmp_path, GOOD)
    extra = language.Step("given", "an extra step", language.parsers.parse("an extra step"), "", "a test's own module",
                          "an extra step")
    monkeypatch.setattr(language, "CATALOGUE", [*language.CATALOGUE, extra])
    language.problems_in([directory])
    assert not (tmp_path / "cache").exists()


def test_a_cache_that_cannot_be_read_or_written_changes_nothing(tmp_path, monkeypatch, checks):
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    monkeypatch.setenv("SCIMULATOR_CACHE_DIR", str(blocked))
    directory = features(tmp_path, BAD)
    first = language.problems_in([directory])
    a_new_process(monkeypatch)
    assert language.problems_in([directory]) == first != []
    assert len(checks) == 2


def test_a_damaged_cache_file_is_ignored(tmp_path, monkeypatch, checks):
    directory = features(tmp_path, GOOD)
    language.problems_in([directory])
    kept = language_cache.CheckedFiles()
    kept.path.write_text("{not json", encoding="utf-8")
    a_new_process(monkeypatch)
    assert language.problems_in([directory]) == []
    assert len(checks) == 2


@pytest.fixture
def parsed_features(tmp_path, monkeypatch):
    """pytest-bdd's table of parsed features, empty and the test's own; the cache in the test's own folder."""
    monkeypatch.setenv("SCIMULATOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(pytest_bdd.feature, "features", {})
    return pytest_bdd.feature.features


def parse_with_pytest_bdd(directory):
    return pytest_bdd.feature.get_features([str(directory)])


def test_a_feature_pytest_bdd_parsed_is_lent_to_the_next_run_unparsed(tmp_path, monkeypatch, parsed_features):
    directory = features(tmp_path, GOOD)
    files = sorted(directory.rglob("*.feature"))
    language_cache.ParsedFeatures(files).lend()
    first = parse_with_pytest_bdd(directory)
    language_cache.ParsedFeatures(files).keep()
    monkeypatch.setattr(pytest_bdd.feature, "features", {})  # the next run
    monkeypatch.setattr(FeatureParser, "parse", lambda self: pytest.fail("parsed again"))
    language_cache.ParsedFeatures(files).lend()
    again = parse_with_pytest_bdd(directory)
    assert [(f.filename, list(f.scenarios)) for f in again] == [(f.filename, list(f.scenarios)) for f in first]
    assert [step.name for step in again[0].scenarios["A lookup"].steps] == \
        ['"ann" is assigned to the app and provisioned']


def test_a_changed_feature_file_is_parsed_again(tmp_path, monkeypatch, parsed_features):
    directory = features(tmp_path, GOOD)
    files = sorted(directory.rglob("*.feature"))
    parse_with_pytest_bdd(directory)
    language_cache.ParsedFeatures(files).keep()
    monkeypatch.setattr(pytest_bdd.feature, "features", {})
    features(tmp_path, BAD)
    language_cache.ParsedFeatures(files).lend()
    assert pytest_bdd.feature.features == {}
    assert list(parse_with_pytest_bdd(directory)[0].scenarios) == ["A step nobody defined"]


def test_a_damaged_parsed_features_file_is_ignored(tmp_path, parsed_features):
    directory = features(tmp_path, GOOD)
    kept = language_cache.ParsedFeatures(sorted(directory.rglob("*.feature")))
    kept.path.parent.mkdir(parents=True)
    kept.path.write_bytes(b"not a pickle")
    kept.lend()
    assert pytest_bdd.feature.features == {}


def test_only_the_newest_versions_are_kept(tmp_path):
    folder = tmp_path / "cache"
    for version in range(language_cache.KEPT_VERSIONS + 3):
        language_cache.write_whole(folder / f"language-check-{version}.json", b"{}", "language-check-")
        os.utime(folder / f"language-check-{version}.json", (1000 + version, 1000 + version))
    language_cache.write_whole(folder / "parsed-features-x.pickle", b"", "parsed-features-")
    left = sorted(p.name for p in folder.iterdir())
    assert left == ["language-check-3.json", "language-check-4.json", "language-check-5.json",
                    "language-check-6.json", "parsed-features-x.pickle"]  # the newest KEPT_VERSIONS of a kind


def test_parsed_features_are_not_loaded_from_a_folder_others_may_write_to(tmp_path, monkeypatch, parsed_features):
    directory = features(tmp_path, GOOD)
    files = sorted(directory.rglob("*.feature"))
    parse_with_pytest_bdd(directory)
    language_cache.ParsedFeatures(files).keep()
    monkeypatch.setattr(pytest_bdd.feature, "features", {})
    (tmp_path / "cache").chmod(0o777)
    language_cache.ParsedFeatures(files).lend()
    assert pytest_bdd.feature.features == {}
    (tmp_path / "cache").chmod(0o700)
    language_cache.ParsedFeatures(files).lend()
    assert list(pytest_bdd.feature.features) == [str(files[0])]


def test_a_cache_file_keeps_the_newest_entries_only():
    many = {str(n): [] for n in range(language_cache.MAX_ENTRIES + 5)}
    assert list(language_cache.newest(many)) == [str(n) for n in range(5, language_cache.MAX_ENTRIES + 5)]
