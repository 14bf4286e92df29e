"""report.html: one self-contained file (no external CSS, script or font) a reviewer can open anywhere."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from .curl import curl_command
from .failure import root_causes
from .json_text import shown
from .model import RunResult, ScenarioResult, verdict_phrase
from .replay import replay_script
from .sources import linked_html

ORDER = {"failed": 0, "error": 1, "skipped": 2, "passed": 3}


def _pretty(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return shown(value)


def _failing_exchanges(scenario: ScenarioResult) -> list[dict]:
    """The exchanges to reproduce alone: the decisive one when the failure record names it (after the IdP's last
    write, when it is a read-back showing that write's effect); else those the target refused or garbled; else
    the IdP's last write and the read-back that showed its effect."""
    if scenario.failure is not None and scenario.failure.exchange is not None \
            and 0 <= scenario.failure.exchange < len(scenario.exchanges):
        decisive = scenario.exchanges[scenario.failure.exchange]
        earlier = scenario.exchanges[:scenario.failure.exchange]
        writes = [x for x in earlier if x["by"] == "idp" and x["request"]["method"] != "GET"] if decisive["by"] == "verify" else []
        return writes[-1:] + [decisive]
    bad = [x for x in scenario.exchanges if x.get("failure") or (x["response"]["status"] or 0) >= 400]
    if bad:
        return bad[-3:]
    writes = [x for x in scenario.exchanges if x["by"] == "idp" and x["request"]["method"] != "GET"]
    return writes[-1:] + scenario.exchanges[-1:]


def _headers_text(headers: dict) -> str:
    return "".join(f"{name}: {value}\n" for name, value in headers.items())


def exchange_html(x: dict, scenario_number: int, index: int, decisive: bool) -> Markup:
    """One exchange, folded: written here rather than in the template, as a run has thousands of them (the same
    HTML the template's loop wrote, each text escaped once)."""
    request, response = x["request"], x["response"]
    status = response["status"] if response["status"] is not None else x.get("failure")
    summary = f"#{index} [{x['by']}] {request['method']} {request['url']} → {status} ({x.get('elapsed_ms')} ms)"
    sent = f"{request['method']} {request['url']}\n{_headers_text(request['headers'])}\n{_pretty(request['body'])}"
    failure = f" — {x['failure']}" if x.get("failure") else ""
    answer = f"{response['status']}{failure}\n{_headers_text(response['headers'])}\n{_pretty(response['body'])}"
    return Markup(f'<details class="exchange by-{escape(x["by"])}{" decisive" if decisive else ""}" '
                  f'id="x-{scenario_number}-{index}"><summary>{escape(summary)}</summary>\n'
                  f"      <pre>{escape(sent)}</pre>\n      <pre>{escape(answer)}</pre>\n    </details>")


def render(run: RunResult) -> str:
    # Compiling the template takes 30 ms; Jinja keeps the compiled code in a folder of the user's own under the
    # system's temporary directory, keyed by the template's source, and reads it back in about 2 ms.
    environment = Environment(loader=PackageLoader(__package__, "templates"), autoescape=select_autoescape(["html", "j2"]),
                              bytecode_cache=FileSystemBytecodeCache())
    environment.filters["pretty"] = _pretty
    environment.filters["curl"] = curl_command
    environment.filters["cite"] = linked_html
    scenarios = sorted(run.scenarios, key=lambda s: (ORDER.get(s.outcome, 3), s.profile or "", s.feature, s.name))
    return environment.get_template("report.html.j2").render(
        run=run, summary=run.summary(), profiles=run.profiles(), scenarios=scenarios, certification=run.certification(),
        failing_exchanges=_failing_exchanges, root_causes=root_causes, exchange_html=exchange_html,
        replay=lambda scenario: replay_script(scenario, run.target_url), verdict_phrase=verdict_phrase)
