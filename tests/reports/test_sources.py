"""Every scenario names public documents a reader can follow, and the project's page lists them all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scimulator.reports.sources import cited, page, unknown_keys

ROOT = Path(__file__).resolve().parents[2]
FEATURES = sorted((ROOT / "features").rglob("*.feature"))
SCENARIO = re.compile(r"^\s*Scenario(?: Outline)?:\s*(.+)$")


def scenarios_with_descriptions(path: Path) -> list[tuple[str, str]]:
    """(scenario name, the text between its title and its first step) for every scenario of a feature file."""
    out, name, text = [], None, []
    for line in path.read_text().splitlines():
        match = SCENARIO.match(line)
        stripped = line.strip()
        if match:
            if name:
                out.append((name, "\n".join(text)))
            name, text = match.group(1), []
        elif name and not re.match(r"^(Given|When|Then|And|But|Examples:|\||@|#|\"\"\")", stripped):
            text.append(stripped)
        elif name and stripped and not stripped.startswith("@"):
            out.append((name, "\n".join(text)))
            name, text = None, []
    if name:
        out.append((name, "\n".join(text)))
    return out


def test_the_sources_page_is_the_registry_rendered():
    assert (ROOT / "docs" / "sources.md").read_text() == page(), "run: python -m reports.sources > docs/sources.md"


@pytest.mark.parametrize("path", FEATURES, ids=[str(p.relative_to(ROOT / "features")) for p in FEATURES])
def test_every_scenario_cites_public_documents_only(path):
    for name, description in scenarios_with_descriptions(path):
        assert "Source:" in description, f"{name}: no Source line"
        assert not re.search(r"\b[\w-]+\.md\b", description), f"{name}: cites an internal file: {description}"
        assert not unknown_keys(description), f"{name}: keys not in reports/sources.json: {unknown_keys(description)}"
        assert cited(description), f"{name}: its Source line names no document a reader can follow"


def test_the_report_links_each_key_and_rfc_section_to_its_document():
    from scimulator.reports.sources import linked_html

    html = str(linked_html('Okta\'s reference [O1]; a weak one [I14 LOW]; RFC 7644 section 3.5.2; <b>"x"</b>'))
    assert '<a href="https://developer.okta.com/docs/reference/scim/scim-20/"' in html and ">[O1]</a>" in html
    assert "[I14 LOW]" in html and "I14 LOW]</a>" not in html  # no public address: named, not linked
    assert '<a href="https://www.rfc-editor.org/rfc/rfc7644#section-3.5.2">RFC 7644 section 3.5.2</a>' in html
    assert "<b>" not in html and "&lt;b&gt;" in html  # the rest of the text stays escaped


def test_report_json_names_each_scenarios_documents():
    from scimulator.reports.model import ScenarioResult

    scenario = ScenarioResult(id="x", feature="f", name="n", tags=["okta"], outcome="passed", duration_s=0.1,
                              source="Source: Microsoft's SCIM tutorial [E1]; RFC 7643 section 4.1.")
    assert [d["key"] for d in scenario.to_dict()["sources"]] == ["E1", "RFC 7643 section 4.1"]
