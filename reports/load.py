"""The reports of a load run (`scimulator load`): report.json, report.html, summary.md and junit.xml.

The load command calls ``write_load_report(report_dir, load, tool_version=..., bundled=...)`` with the
results dict its results reader builds (the "load" shape of reports/report.schema.json: target, figures per
request kind, per tenant and per second, and the verdicts against their yardsticks) and nothing else;
``failed_verdicts(load)`` says which verdicts failed (for its exit code).

A load run has no scenarios. Its report.json keeps the fields every report.json has (tool, target,
started_at, duration_s, summary, profiles, scenarios), with no scenarios, zero counts and no profile, and
adds "load"; a conformance run's report.json is unchanged. report.html is a page of its own: the run's
figures, the latency and throughput plots (SVG inlined: the page stays one self-contained file), the
per-kind latency table, the per-tenant achieved rates and the verdicts with their yardstick and source.
junit.xml has one testcase per verdict (failed: a failure; not judged: skipped).
"""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from .json_text import shown
from .load_plots import timeline_plots
from .markdown_writer import _cell
from .sources import cited, linked_html

OUTCOME_MARKS = {"passed": "✅", "failed": "❌", "not judged": "➖"}


def without_credentials(url: str) -> str:
    """A target URL with any user and password taken out of it (a report never shows a secret)."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = (f"[{host}]" if ":" in host else host) + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def failed_verdicts(load: dict) -> list[dict]:
    return [verdict for verdict in load.get("verdicts", []) if verdict["outcome"] == "failed"]


def load_report(load: dict, *, tool_version: str, bundled: bool = False) -> dict:
    """report.json of a load run: the fields every report.json has, with no scenarios, and the "load" section."""
    section = copy.deepcopy(load)
    section["target"] = without_credentials(section["target"])
    return {"tool": {"name": "scimulator", "version": tool_version},
            "target": {"url": section["target"], "bundled": bundled},
            "started_at": section["started_at"], "duration_s": round(float(section["duration_s"]), 3),
            "summary": {"passed": 0, "failed": 0, "skipped": 0}, "profiles": {}, "scenarios": [],
            "load": section}


def render_json(report: dict) -> str:
    return shown(report, default=str) + "\n"


def _number(value, digits: int = 1) -> str:
    """A figure for a table: "–" when there is none (no request of that kind finished)."""
    if value is None:
        return "–"
    if digits == 0 or isinstance(value, int):
        return f"{round(value):,}"
    return f"{float(value):,.{digits}f}"


def _environment() -> Environment:
    environment = Environment(loader=PackageLoader(__package__, "templates"),
                              autoescape=select_autoescape(["html", "j2"]))
    environment.filters["cite"] = linked_html
    environment.filters["number"] = _number
    return environment


def render_html(report: dict) -> str:
    load = report["load"]
    plots = {name: Markup(svg) if svg else None for name, svg in timeline_plots(load.get("timeline", [])).items()}
    return _environment().get_template("load_report.html.j2").render(
        report=report, load=load, plots=plots, failed=failed_verdicts(load))


def _headline(load: dict) -> str:
    failed = len(failed_verdicts(load))
    return (f"## scimulator load: {_number(load['requests'], 0)} requests, {_number(load['failures'], 0)} failed, "
            f"{failed} verdict(s) failed")


def render_markdown(report: dict) -> str:
    """summary.md of a load run: the figures, the verdicts, the request kinds and the tenants, as tables."""
    load = report["load"]
    rate = f"{load['rate_requested']:g} requests/s requested" if load.get("rate_requested") else "no rate set"
    lines = [_headline(load), "",
             f"Target: {'the bundled reference server' if report['target']['bundled'] else load['target']} · "
             f"scimulator {report['tool']['version']} · {load['duration_s']:.1f} s · {load['workers']} worker(s) · "
             f"{load['tenants']} tenant(s) × {load['users_per_tenant']} users · {rate} · "
             f"error rate {load['error_rate']:.2%}", "",
             "| yardstick | outcome | detail | source |", "|---|---|---|---|"]
    for verdict in load["verdicts"]:
        documents = ", ".join(f"[{d['key']}]({d['url']})" if d["url"] else d["key"] for d in cited(verdict["source"]))
        lines.append(f"| {_cell(verdict['title'], 80)} | {OUTCOME_MARKS.get(verdict['outcome'], '')} {verdict['outcome']} "
                     f"| {_cell(verdict['detail'], 200)} | {documents or _cell(verdict['source'], 120)} |")
    lines += ["", "| request kind | requests | failures | p50 ms | p95 ms | p99 ms | max ms | requests/s |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for kind in load["kinds"]:
        lines.append(f"| {_cell(kind['kind'], 60)} | {_number(kind['requests'], 0)} | {_number(kind['failures'], 0)} "
                     f"| {_number(kind['p50_ms'])} | {_number(kind['p95_ms'])} | {_number(kind['p99_ms'])} "
                     f"| {_number(kind['max_ms'])} | {_number(kind['rps'])} |")
    lines += ["", "| tenant | requests | failures | achieved requests/s |", "|---|---:|---:|---:|"]
    for tenant in load["tenants_detail"]:
        lines.append(f"| {_cell(tenant['tenant'], 60)} | {_number(tenant['requests'], 0)} "
                     f"| {_number(tenant['failures'], 0)} | {_number(tenant['achieved_rps'])} |")
    return "\n".join(lines) + "\n"


def render_junit(report: dict) -> str:
    """junit.xml of a load run: one testcase per verdict, named by its yardstick."""
    verdicts = report["load"]["verdicts"]
    counts = {"tests": str(len(verdicts)), "failures": str(sum(v["outcome"] == "failed" for v in verdicts)),
              "errors": "0", "skipped": str(sum(v["outcome"] == "not judged" for v in verdicts))}
    root = ElementTree.Element("testsuites", name="scimulator load", **counts,
                               time=f"{float(report['duration_s']):.3f}")
    suite = ElementTree.SubElement(root, "testsuite", name="load", **counts)
    for verdict in verdicts:
        case = ElementTree.SubElement(suite, "testcase", classname="load",
                                      name=f"{verdict['yardstick']}: {verdict['title']}")
        if verdict["outcome"] == "failed":
            ElementTree.SubElement(case, "failure", message=verdict["detail"]).text = \
                f"{verdict['detail']}\n{verdict['source']}"
        elif verdict["outcome"] == "not judged":
            ElementTree.SubElement(case, "skipped", message=verdict["detail"])
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


FILES = {"report.json": render_json, "report.html": render_html, "summary.md": render_markdown,
         "junit.xml": render_junit}


def write_load_report(report_dir: Path | str, load: dict, *, tool_version: str, bundled: bool = False) -> dict[str, Path]:
    """Write a load run's report.json, report.html, summary.md and junit.xml into ``report_dir``; their paths by name.

    Locust's CSV files (``load["csv"]``) are the load command's to write there; the page links them.
    """
    directory = Path(report_dir)
    directory.mkdir(parents=True, exist_ok=True)
    report = load_report(load, tool_version=tool_version, bundled=bundled)
    written = {}
    for name, render in FILES.items():
        path = directory / name
        path.write_text(render(report), encoding="utf-8")
        written[name] = path
    return written
