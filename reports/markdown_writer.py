"""summary.md: short enough for a pull-request comment; the failures first, each with its first line."""

from __future__ import annotations

from reports.model import RunResult

MAX_LISTED = 25


def render(run: RunResult) -> str:
    summary = run.summary()
    target = "the bundled reference server" if run.bundled else run.target_url
    lines = [f"## scimulator: {summary['passed']} passed, {summary['failed']} failed, {summary['skipped']} skipped",
             "", f"Target: {target} · scimulator {run.tool_version} · {run.duration_s:.1f} s", "",
             "| profile | verdict | passed | failed | skipped |", "|---|---|---:|---:|---:|"]
    for name, profile in run.profiles().items():
        mark = "✅" if profile["verdict"] == "ready" else "❌"
        lines.append(f"| {name} | {mark} {profile['verdict']} | {profile['passed']} | {profile['failed']} | {profile['skipped']} |")
    failures = run.failures()
    if failures:
        lines += ["", "### Failures", ""]
        for scenario in failures[:MAX_LISTED]:
            accepted = " (accepted by the baseline)" if scenario.baseline == "accepted" else ""
            lines.append(f"- **[{scenario.profile or '-'} @{scenario.weight}] {scenario.name}**{accepted}: "
                         f"{scenario.headline}")
            exchange = next((line for line in (scenario.message or "").splitlines() if line.startswith("exchange: ")), None)
            if exchange:
                lines.append(f"  - `{exchange.removeprefix('exchange: ')}`")
        if len(failures) > MAX_LISTED:
            lines.append(f"- … and {len(failures) - MAX_LISTED} more in report.html")
    if run.baseline:
        lines += ["", f"Baseline `{run.baseline.file}`: {len(run.baseline.accepted)} accepted, "
                      f"{len(run.baseline.new)} new failures, {len(run.baseline.now_passing)} entries now pass."]
        for scenario_id in run.baseline.now_passing:
            lines.append(f"- now passes: `{scenario_id}`")
    return "\n".join(lines) + "\n"
