"""junit.xml: one testsuite per feature, one testcase per scenario, for CI systems."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections import defaultdict

from reports.model import RunResult


def render(run: RunResult) -> str:
    root = ElementTree.Element("testsuites", name="scimulator", tests=str(len(run.scenarios)),
                               failures=str(run.count("failed")), skipped=str(run.count("skipped")),
                               time=f"{run.duration_s:.3f}")
    by_feature = defaultdict(list)
    for scenario in run.scenarios:
        by_feature[scenario.feature].append(scenario)
    for feature, scenarios in by_feature.items():
        suite = ElementTree.SubElement(root, "testsuite", name=feature, tests=str(len(scenarios)),
                                       failures=str(run.count("failed", scenarios)),
                                       skipped=str(run.count("skipped", scenarios)))
        for scenario in scenarios:
            case = ElementTree.SubElement(suite, "testcase", classname=scenario.profile or "scimulator",
                                          name=scenario.name, time=f"{scenario.duration_s:.3f}")
            if scenario.outcome == "failed":
                failure = ElementTree.SubElement(case, "failure", message=scenario.headline or "failed")
                failure.text = "\n".join(filter(None, [scenario.message, scenario.source]))
            elif scenario.outcome == "skipped":
                ElementTree.SubElement(case, "skipped", message=scenario.message or "skipped")
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
