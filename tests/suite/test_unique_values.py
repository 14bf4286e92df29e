"""Every value a scenario writes that a server may keep unique is unique to the run.

A correct server may refuse a second user with an email it already holds (RFC 7643 leaves
uniqueness of emails, externalIds, phone numbers and group names to the service provider). Two
scenarios of one run, or two runs against one target, that send the same literal then fail for no
fault of the target. So: in request bodies written in the Gherkin, such literals carry ``{prefix}``;
in steps that take such a literal, the step definition passes it through the scenario's prefix
(``directory.unique()`` or ``scenario_prefix``); and step code never writes a bare literal email.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest
from pytest_bdd.steps import step_function_context_registry

ROOT = Path(__file__).resolve().parents[2]
FEATURES = sorted((ROOT / "features").rglob("*.feature"))
STEP_MODULES = sorted(f"scimulator.steps.{path.stem}" for path in (ROOT / "steps").glob("*_steps.py"))

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"\+?[\d][\d ()./-]{6,}")
PLACEHOLDER_ID = re.compile(r"\{id:[^}]*\}")
UNIQUE_KEYS = re.compile(r'"(userName|externalId|value|displayName)"\s*:\s*"([^"]*)"')
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
MADE_UNIQUE = ("unique(", "scenario_prefix", "directory.prefix")


def docstrings(text: str) -> list[tuple[int, str]]:
    """The request bodies of a feature file (between triple quotes), with the line each starts on."""
    found, lines, start, body = [], text.splitlines(), None, []
    for number, line in enumerate(lines, 1):
        if line.strip() == '"""':
            if start is None:
                start, body = number, []
            else:
                found.append((start, "\n".join(body)))
                start = None
        elif start is not None:
            body.append(line)
    return found


def literals_not_unique(body: str) -> list[str]:
    """Values in a request body a server may keep unique and that do not carry the scenario's prefix."""
    body = PLACEHOLDER_ID.sub("", body)
    bad = []
    for key, value in UNIQUE_KEYS.findall(body):
        needs_prefix = key in ("userName", "externalId") or EMAIL.fullmatch(value) or PHONE.fullmatch(value) \
            or (key == "displayName" and GROUP_SCHEMA in body)
        if needs_prefix and value and "{prefix}" not in value:
            bad.append(f"{key}: {value}")
    return bad


@pytest.mark.parametrize("feature", FEATURES, ids=lambda p: str(p.relative_to(ROOT / "features")))
def test_request_bodies_in_the_gherkin_make_their_unique_values_unique_to_the_run(feature):
    bad = [f"line {line}: {literal}" for line, body in docstrings(feature.read_text())
           for literal in literals_not_unique(body)]
    assert not bad, f"{feature.name}: write these with {{prefix}} in front: {bad}"


def step_definitions() -> list:
    for module in STEP_MODULES:
        importlib.import_module(module)
    return list(step_function_context_registry.values())


def step_lines(feature: Path) -> list[tuple[int, str, str, set[str]]]:
    """(line, keyword, text, names quoted by the earlier steps of its scenario and background) of every step."""
    inside, steps, keyword, background, named = False, [], "Given", set(), set()
    for number, line in enumerate(feature.read_text().splitlines(), 1):
        stripped = line.strip()
        if stripped == '"""':
            inside = not inside
            continue
        if inside:
            continue
        if stripped.startswith(("Scenario", "Example")) and not stripped.startswith("Examples"):
            background = background or set()
            named = set(background)
        match = re.match(r"(Given|When|Then|And|But) (.*)", stripped)
        if match:
            keyword = keyword if match.group(1) in ("And", "But") else match.group(1)
            steps.append((number, keyword, match.group(2), set(named)))
            named |= set(re.findall(r'"([^"]*)"', match.group(2)))
        if stripped.startswith("Background"):
            named = background = set()
    return steps


@pytest.mark.parametrize("feature", FEATURES, ids=lambda p: str(p.relative_to(ROOT / "features")))
def test_steps_that_write_a_literal_email_make_it_unique_to_the_run(feature):
    """A quoted email or phone number a step introduces (not a name an earlier step gave), or a group's new
    name, must be made unique by the step."""
    definitions = step_definitions()
    bad = []
    for line, keyword, text, named in step_lines(feature):
        introduced = [v for v in re.findall(r'"([^"]*)"', text) if v not in named
                      and (EMAIL.search(v) or PHONE.fullmatch(v) or " renames " in f" {text}")]
        if keyword == "Then" or not introduced:
            continue
        matching = [d for d in definitions if d.type in (keyword.lower(), None) and d.parser.is_matching(text)]
        sources = [inspect.getsource(d.step_func) for d in matching]
        if matching and not any(marker in source for source in sources for marker in MADE_UNIQUE):
            bad.append(f"line {line}: {text}")
    assert not bad, (f"{feature.name}: these steps send a literal email as written; pass it through "
                     f"directory.unique() (or the scenario prefix) in the step: {bad}")


def test_step_code_writes_no_bare_literal_email():
    bad = []
    for path in sorted((ROOT / "steps").glob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#")[0]
            strings = re.findall(r'f?"[^"]*"', code)
            if any(EMAIL.search(s) for s in strings) and not any(m in code for m in (*MADE_UNIQUE, "prefix")):
                bad.append(f"{path.name}:{number}: {line.strip()}")
    allowed = {line for line in bad if "INVALID_USER_EMAIL =" in line}  # Okta's own probe: must match no one
    assert not set(bad) - allowed, f"literal emails written by step code, not unique to the run: {sorted(set(bad) - allowed)}"
