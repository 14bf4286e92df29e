"""junit.xml: one testsuite per feature, one testcase per scenario, for CI systems.

Test names are unique: an outline's examples carry their values ("Name [OIN]"), and a name used twice
anyway gets a number. A failure carries its formatted record (reports/failure.py), replay hint included;
a failure the baseline accepts is a skipped test that says so, with a property, not a failure.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections import defaultdict

from .failure import failure_text
from .model import RunResult, ScenarioResult

ACCEPTED = "accepted by the baseline"


def _example(scenario: ScenarioResult) -> str:
    """The outline example's values, from the id's suffix: "...::Name[OIN]" -> "OIN"."""
    tail = scenario.id.rsplit("::", 1)[-1]
    return tail[len(scenario.name) + 1:-1] if tail.startswith(scenario.name + "[") and tail.endswith("]") else ""


def unique_names(scenarios: list[ScenarioResult]) -> dict[int, str]:
    names: dict[int, str] = {}
    seen: dict[str, int] = defaultdict(int)
    for scenario in scenarios:
        example = _example(scenario)
        name = f"{scenario.name} [{example}]" if example else scenario.name
        seen[name] += 1
        names[id(scenario)] = name if seen[name] == 1 else f"{name} ({seen[name]})"
    return names


def _accepted(scenario: ScenarioResult) -> bool:
    return scenario.outcome == "failed" and scenario.baseline == "accepted"


def _count_failures(scenarios: list[ScenarioResult]) -> int:
    return sum(1 for s in scenarios if s.outcome == "failed" and not _accepted(s))


def _count_skipped(scenarios: list[ScenarioResult]) -> int:
    return sum(1 for s in scenarios if s.outcome == "skipped" or _accepted(s))


def _testcase(suite: ElementTree.Element, scenario: ScenarioResult, name: str) -> None:
    case = ElementTree.SubElement(suite, "testcase", classname=scenario.profile or "scimulator", name=name,
                                  time=f"{scenario.duration_s:.3f}")
    if scenario.failure is not None:
        properties = ElementTree.SubElement(case, "properties")
        ElementTree.SubElement(properties, "property", name="root_cause", value=scenario.failure.cause)
        if _accepted(scenario):
            ElementTree.SubElement(properties, "property", name="baseline", value="accepted")
    if _accepted(scenario):
        skipped = ElementTree.SubElement(case, "skipped", message=f"{ACCEPTED}: {scenario.headline}")
        skipped.text = failure_text(scenario)
    elif scenario.outcome == "failed":
        failure = ElementTree.SubElement(case, "failure", message=scenario.headline or "failed")
        failure.text = "\n".join(filter(None, [failure_text(scenario), scenario.source]))
    elif scenario.outcome == "error":  # the scenario itself could not run: not a finding about the target
        ElementTree.SubElement(case, "error", message=scenario.headline or "error").text = scenario.message
    elif scenario.outcome == "skipped":
        ElementTree.SubElement(case, "skipped", message=scenario.message or "skipped")


def render(run: RunResult) -> str:
    names = unique_names(run.scenarios)
    root = ElementTree.Element("testsuites", name="scimulator", tests=str(len(run.scenarios)),
                               failures=str(_count_failures(run.scenarios)),
                               errors=str(run.count("error")), skipped=str(_count_skipped(run.scenarios)),
                               time=f"{run.duration_s:.3f}")
    by_feature = defaultdict(list)
    for scenario in run.scenarios:
        by_feature[scenario.feature].append(scenario)
    for feature, scenarios in by_feature.items():
        suite = ElementTree.SubElement(root, "testsuite", name=feature, tests=str(len(scenarios)),
                                       failures=str(_count_failures(scenarios)), errors=str(run.count("error", scenarios)),
                                       skipped=str(_count_skipped(scenarios)))
        for scenario in scenarios:
            _testcase(suite, scenario, names[id(scenario)])
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
