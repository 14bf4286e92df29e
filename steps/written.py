"""What a feature file says about a collected scenario, read with the Gherkin parser (gherkin-official).

The reports need a scenario's name, tags, description (its Source line), feature and steps even when it
never ran (skipped by a preset, or its setup failed), and a preset chooses scenarios by their steps before
any of them runs. pytest-bdd names the feature file and the scenario in the docstring of each test it
generates ("<feature file>: <scenario name>"); the file is parsed here, and an outline's steps are filled
in with the values of the item's example row, as pytest-bdd fills them in when it runs the scenario.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest
from gherkin.parser import Parser
from gherkin.token_scanner import TokenScanner

STEP_TYPES = {"Context": "given", "Action": "when", "Outcome": "then"}  # "And", "But" and "*" keep the one before
PARAMETER = re.compile(r"<(.+?)>")
FEATURE_SUFFIX = ".feature: "


@dataclass(frozen=True)
class WrittenStep:
    keyword: str  # "Given", "And", ... as pytest-bdd reports it
    name: str
    type: str  # given, when or then


@dataclass(frozen=True)
class WrittenScenario:
    name: str
    tags: tuple[str, ...]  # the scenario's own tags, without "@"
    description: str
    steps: tuple[WrittenStep, ...]
    feature_name: str
    feature_file: str  # the feature file's folder and name, e.g. "okta/unlink.feature"
    feature_tags: tuple[str, ...]


def written_scenario(item: pytest.Item) -> WrittenScenario | None:
    """The scenario behind a collected pytest-bdd item, example values filled in (None for other tests)."""
    named = _feature_and_scenario(item)
    if named is None:
        return None
    path, name = named
    template = _templates(path).get(name)
    if template is None:
        return None
    return _rendered(template, _example_row(item))


def _feature_and_scenario(item: pytest.Item) -> tuple[str, str] | None:
    doc = getattr(getattr(item, "obj", None), "__doc__", None) or ""
    path, found, name = doc.partition(FEATURE_SUFFIX)
    if not found or not Path(path + ".feature").is_file():
        return None
    return path + ".feature", name


def _example_row(item: pytest.Item) -> dict[str, str]:
    """The outline's example values this item runs with (empty for a plain scenario)."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    return next((value for value in params.values() if isinstance(value, dict)), {})


def _fill(text: str, row: dict[str, str]) -> str:
    return PARAMETER.sub(lambda match: str(row.get(match.group(1), match.group(0))), text)


def _rendered(template: WrittenScenario, row: dict[str, str]) -> WrittenScenario:
    if not row:
        return template
    steps = tuple(WrittenStep(step.keyword, _fill(step.name, row), step.type) for step in template.steps)
    return WrittenScenario(_fill(template.name, row), template.tags, template.description, steps,
                           template.feature_name, template.feature_file, template.feature_tags)


@lru_cache(maxsize=None)
def _templates(path: str) -> dict[str, WrittenScenario]:
    """Every scenario of one feature file by name (a later one of the same name wins, as in pytest-bdd)."""
    feature = Parser().parse(TokenScanner(Path(path).read_text(encoding="utf-8")))["feature"]
    file = f"{Path(path).parent.name}/{Path(path).name}"
    feature_tags = _tag_names(feature)
    found: dict[str, WrittenScenario] = {}

    def collect(children: list[dict], background: tuple[WrittenStep, ...]) -> None:
        for child in children:
            if "background" in child:
                background += _steps(child["background"]["steps"])
            elif "rule" in child:
                collect(child["rule"]["children"], background)
            elif "scenario" in child:
                scenario = child["scenario"]
                found[scenario["name"]] = WrittenScenario(
                    scenario["name"], _tag_names(scenario), textwrap.dedent(scenario["description"]),
                    background + _steps(scenario["steps"]), feature["name"], file, feature_tags)

    collect(feature["children"], ())
    return found


def _tag_names(node: dict) -> tuple[str, ...]:
    return tuple(sorted({tag["name"].lstrip("@") for tag in node.get("tags", [])}))


def _steps(steps: list[dict]) -> tuple[WrittenStep, ...]:
    written, kind = [], "given"
    for step in steps:
        kind = STEP_TYPES.get(step["keywordType"], kind)
        written.append(WrittenStep(step["keyword"].strip().title(), step["text"], kind))
    return tuple(written)
