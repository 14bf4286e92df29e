"""summary.md: short enough for a pull-request comment; the failures first, each with its first line."""

from __future__ import annotations

from .failure import format_failure, root_causes
from .model import RunResult, ScenarioResult, verdict_phrase
from .sources import cited

MAX_LISTED = 25


def render(run: RunResult) -> str:
    summary = run.summary()
    target = "the bundled reference server" if run.bundled else run.target_url
    blocked = f" ({summary['blocked']} blocked)" if summary.get("blocked") else ""
    notices = run.notices()
    lines = [f"## scimulator: {summary['passed']} passed, {summary['failed']} failed, {summary['skipped']} skipped{blocked}",
             "", f"Target: {target} · scimulator {run.tool_version} · {run.duration_s:.1f} s", "",
             *[f"- **{notice}**" for notice in notices], *([""] if notices else []),
             "| profile | verdict | passed | failed | skipped |", "|---|---|---:|---:|---:|"]
    for name, profile in run.profiles().items():
        mark = {"ready": "✅", "interrupted": "⏸️"}.get(profile["verdict"], "❌")
        lines.append(f"| {name} | {mark} {verdict_phrase(name, profile)} | {profile['passed']} | {profile['failed']} | {profile['skipped']} |")
    lines += certification_lines(run)
    failures = run.failures()
    if failures:
        lines += ["", "### Failures", ""]
        for scenario in failures[:MAX_LISTED]:
            accepted = " (accepted by the baseline)" if scenario.baseline == "accepted" else ""
            lines.append(f"- **[{scenario.profile or '-'} @{scenario.weight}] {_cell(scenario.name, 200)}**{accepted}: "
                         f"{_cell(scenario.headline, 300)}")
            lines += record_lines(scenario)
            documents = [f"[{d['key']}]({d['url']})" for d in cited(scenario.source) if d["url"]]
            if documents:
                lines.append(f"  - source: {', '.join(documents)}")
        if len(failures) > MAX_LISTED:
            lines.append(f"- … and {len(failures) - MAX_LISTED} more in report.html")
    lines += root_cause_lines(run)
    lines += blocked_lines(run)
    if run.baseline:
        lines += ["", f"Baseline `{run.baseline.file}`: {len(run.baseline.accepted)} accepted, "
                      f"{len(run.baseline.new)} new failures, {len(run.baseline.now_passing)} entries now pass."]
        for scenario_id in run.baseline.now_passing:
            lines.append(f"- now passes: `{scenario_id}`")
    return "\n".join(lines) + "\n"


def record_lines(scenario: ScenarioResult) -> list[str]:
    """The failure record's lines under a failure's headline (its first line, the expectation, is the headline)."""
    if scenario.failure is None:
        return []
    return [f"  - {_cell(line, 300)}" for line in format_failure(scenario.failure).splitlines()[1:]
            if not line.startswith("source: ")]


def root_cause_lines(run: RunResult) -> list[str]:
    """Failures and blocked scenarios that share a root cause, counted by it."""
    causes = root_causes(run.scenarios)
    if not causes:
        return []
    lines = ["", "### Root causes", "", "| root cause | failed | blocked |", "|---|---:|---:|"]
    for cause, grouped in list(causes.items())[:MAX_LISTED]:
        lines.append(f"| `{_cell(cause, 80)}` | {len(grouped['failed'])} | {len(grouped['blocked'])} |")
    return lines


def blocked_lines(run: RunResult) -> list[str]:
    """Blocked scenarios grouped by the capability their setup needed."""
    causes = run.blocked_by_cause()
    if not causes:
        return []
    lines = ["", "### Blocked (skipped: their setup needed another capability)", ""]
    for cause, scenarios in causes.items():
        lines.append(f"- blocked by **{cause}**: {len(scenarios)} scenario(s): "
                     + "; ".join(f"[{s.profile or '-'}] {s.name}" for s in scenarios[:MAX_LISTED]))
    return lines


OUTCOME_MARKS = {"passed": "✅", "failed": "❌", "warning": "⚠️", "not covered": "➖", "not runnable": "⏸️",
                 "not over HTTP": "⏸️", "tolerance kept": "🟡", "not applicable": "⏸️", "judged elsewhere": "↪️"}


def _cell(text: str, limit: int = 110) -> str:
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def certification_lines(run: RunResult) -> list[str]:
    """The certification profile's table: each official test, the scenarios judging it, its outcome."""
    certification = run.certification()
    if not certification:
        return []
    lines = ["", f"### Certification: {certification['title']}: {certification['verdict']}", "",
             *([certification["note"], ""] if certification.get("note") else []),
             "| official test | mandatory | scenarios | outcome |", "|---|---|---|---|"]
    for test in certification["tests"]:
        names = test["scenario_names"]
        scenarios = f"{len(names)}: {_cell(names[0], 60)}{' …' if len(names) > 1 else ''}" if names else "none"
        outcome = f"{OUTCOME_MARKS[test['outcome']]} {test['outcome']}"
        if test["reason"]:
            outcome += f": {_cell(test['reason'])}"
        lines.append(f"| {_cell(test['suite'].removeprefix('Okta SCIM 2.0 '), 30)} {test['number']}: {_cell(test['name'], 70)} "
                     f"| {'yes' if test['mandatory'] else 'optional'} | {scenarios} | {outcome} |")
    return lines
