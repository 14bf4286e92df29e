"""The step catalogue, printed from the step language itself (`scimulator steps`, features/README.md).

Grouped by who speaks (the Okta admin, the Entra admin, the vendors' own tests, the target checks,
the plain protocol), each step with its parameters' allowed values and an example sentence.
features/README.md is `catalogue_markdown()`; tests/suite/test_step_language.py regenerates it and
compares.
"""

from __future__ import annotations

from scimulator.simulator.attributes import ATTRIBUTES
from .language import PARAMETERS, Step, catalogue

KEYWORD_ORDER = ("given", "when", "then")

README_INTRO = """# The conformance suite

<!-- Generated from the step definitions: `scimulator steps --format markdown > features/README.md`
     (tests/suite/test_step_language.py fails when this file and the code disagree). -->

Gherkin scenarios of what Okta and Microsoft Entra ID do to a SCIM endpoint, run by pytest-bdd.
Each scenario names its sources in its description, on a line starting `Source:`: the public
document in plain words with its key in brackets (`[O1]`, `[E2]`, `[F18]`; every key is listed with
its address in `docs/sources.md`, generated from `reports/sources.json`) or an RFC section
(`RFC 7644 section 3.5.2`). `(INF)` marks an inference from the source, `(LOW)` a weak source. The
reports link every key. A test fails any scenario without a Source line or with an unknown key.
Scenarios also carry tags:

- client: `@okta`, `@entra`, `@rfc7644` (plain protocol), `@vendor`;
- weight: `@must` (the IdP breaks when it fails; counts against the profile's verdict) or
  `@should` (a deviation the IdP tolerates);
- topic: `@connection_test`, `@user_lifecycle`, `@deactivate_not_delete`, `@push_groups`, `@unlink`,
  `@cycles`, `@quarantine`, `@escrow`, `@patch`, `@put`, `@filter`, `@pagination`, `@sorting`,
  `@attributes`, `@etag`, `@errors`, `@auth`, `@discovery`, `@spec_test`.

```sh
.venv/bin/pytest steps                                   # everything, against the bundled server
.venv/bin/pytest steps -m "okta and must"                # Okta's must-pass scenarios
.venv/bin/pytest steps --target https://host/scim/v2 --token "$TOKEN"
.venv/bin/pytest steps --target ... --keep-data   # leave the test data in the target
scimulator steps                                         # this catalogue, from the code
```

Against a real target, every login and group name starts with the run's prefix
(`scimu-<6 hex>-<scenario>-`), so scenarios never see each other's data or the target's own, and
everything created is removed at the end (DELETE, or `active: false` where DELETE is refused).

## Writing a scenario

Names in quotes are aliases: `"alice"` is a person of the scenario's directory (Faker, realistic
and awkward: accents, apostrophes, plus-addressed emails); the suite gives her a login of its own.
Group aliases become group names with the scenario's prefix. A person or group is created on its
first mention in a Given or When step, the same way for every IdP; a group rename makes the new
name an alias of the same group. A Then step may only name aliases an earlier step mentioned.

The language is closed: every step below, and nothing else. Before a run (and when pytest collects
the suite) every step of every feature file is checked: a step no pattern matches, a word outside
its parameter's allowed values, or an alias no earlier step mentioned stops the run with a sentence
naming the file, the line and what is allowed.

```gherkin
@okta @deactivate_not_delete
Feature: My endpoint keeps deactivated users

  @must
  Scenario: Unassignment deactivates and never deletes
    Source: Okta's SCIM 2.0 reference [O1]; Okta's SCIM FAQ [O2].

    Given an Okta OIN app connected to the target
    And "erin" is assigned to the app and provisioned
    When the Okta admin unassigns "erin" from the app
    Then Okta sent no DELETE
    And the target's user "erin" is inactive
```
"""

README_OUTRO = """
## Blocked, not failed

A setup step that cannot build what the scenario needs, for a reason that is not the behaviour the
scenario is about, raises `blocked(cause, sentence, exchange)` from `steps/judge.py` instead of
`failed(...)`: the scenario is reported skipped, with `"blocked_by": {"cause", "detail"}` in
report.json, and the reports group blocked scenarios by cause. Cause keys: `create-user`,
`create-group-with-members`, `filter-sw`, `service-provider-config`, `list-too-long`, `bulk`; add one when a
new setup needs another capability. Values a scenario writes that a server may keep unique (emails,
externalIds, group names, phone numbers) carry `{prefix}` in request bodies and go through
`directory.unique()` in steps (tests/suite/test_unique_values.py checks every feature file).

The vendor admin's steps drive the bundled reference server's admin API; against any other target
their scenarios are skipped with that reason.

## Presets

`pytest steps --preset singlestore` (or `scimulator run --preset …`) sets the Okta flavour and
Entra flag of the generic steps `Given an Okta app connected to the target` and `Given an Entra
app connected to the target`, and skips, with the reason, the scenarios the vendor does not
document. Tag a scenario `@filter_beyond_eq` when it filters with anything but `eq` on userName or
displayName, and `@singlestore`/`@cockroachdb`/`@cloudthinker` when it checks that vendor's own promise.
"""


def by_speaker(steps: list[Step]) -> dict[str, list[Step]]:
    """Speaker -> their steps, given before when before then, each keyword in the order the code registers them."""
    grouped: dict[str, list[Step]] = {}
    for step in steps:
        grouped.setdefault(step.speaker, []).append(step)
    return {speaker: sorted(entries, key=lambda s: KEYWORD_ORDER.index(s.keyword)) for speaker, entries in grouped.items()}


def _allowed(step: Step) -> list[str]:
    """'{flavour}: OIN, AIW' for each parameter with a vocabulary; '{person}: a person alias' for the others."""
    lines = []
    for name in dict.fromkeys(step.parameters):
        parameter = PARAMETERS[name]
        what = ", ".join(parameter.allowed) if parameter.allowed else parameter.kind
        lines.append(f"{{{name}}}: {what}")
    return lines


def catalogue_text() -> str:
    """The catalogue for a terminal."""
    lines = []
    for speaker, steps in by_speaker(catalogue()).items():
        lines += [speaker, "=" * len(speaker)]
        for step in steps:
            lines.append(f"{step.keyword.title()} {step.shown}")
            lines += [f"    {line}" for line in ([step.doc] if step.doc else []) + _allowed(step)]
            lines.append(f"    e.g. {step.keyword.title()} {step.example}")
        lines.append("")
    return "\n".join(lines)


def _code(text: str) -> str:
    """Inline Markdown code that may itself hold backticks."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def attribute_table() -> list[str]:
    """The attributes `{attribute}` names, where the target must hold each, and which IdP's steps change it."""
    lines = ["## Attributes", "", "What `{attribute}`, `{okta_attribute}` and `{entra_attribute}` name, where the target "
             "must hold it (the check reads it there, never elsewhere), and which IdPs change it. A value of an attribute "
             "a server may keep unique is made unique to the run, in the change and in the check. Okta sends the "
             "enterprise extension only from an app that maps it (`Given an Okta OIN app with the enterprise attributes "
             "mapped`).", "",
             "| attribute | where it lives in SCIM | changed by | unique to the run |", "|---|---|---|---|"]
    lines += [f"| {a.name} | `{a.path}` | {', '.join(a.changed_by)} | {'yes' if a.unique else 'no'} |"
              for a in ATTRIBUTES.values()]
    return lines + [""]


def catalogue_markdown() -> str:
    """features/README.md: the guide for writing scenarios, the attributes, then every step by speaker."""
    lines = [README_INTRO, *attribute_table(), "## Step catalogue", "",
             "Each step as its pattern, what it does, its parameters (the allowed values of a fixed vocabulary, or "
             "what kind of value it takes) and an example.", ""]
    for speaker, steps in by_speaker(catalogue()).items():
        lines += [f"### {speaker}", ""]
        for step in steps:
            lines.append(f"- {_code(step.keyword.title() + ' ' + step.shown)}" + (f": {step.doc}" if step.doc else ""))
            lines += [f"  - {_code(line.split(': ', 1)[0])}: {line.split(': ', 1)[1]}" for line in _allowed(step)]
            lines.append(f"  - e.g. {_code(step.keyword.title() + ' ' + step.example)}")
        lines.append("")
    return "\n".join(lines) + README_OUTRO
