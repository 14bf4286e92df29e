"""The reports of a load run (reports/load.py): report.json against its schema, report.html in headless Chromium
(both plots drawn, the tables, the verdicts, no request leaving the page), summary.md and junit.xml."""

from __future__ import annotations

import copy
import json
import os
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import jsonschema
import pytest

from scimulator.reports.load import failed_verdicts, write_load_report
from scimulator.reports.load_plots import LATENCY, SERIES_COLOURS, THROUGHPUT, plot_svg, series_id
from tests.reports.test_report_in_chromium import CHROMIUM, chromium

ROOT = Path(__file__).resolve().parents[2]
SECRET = "load-report-secret"
HOSTILE = '<script>document.title="owned"</script><img src="http://127.0.0.1:9/beacon.png">'
SECONDS = 30
KINDS = [  # kind, requests, failures, p50, p95, p99, max
    ("lookup user", 1480, 0, 9.0, 31.0, 58.0, 140.2), ("create user", 1320, 12, 14.0, 48.0, 95.0, 388.0),
    ("patch user", 410, 0, 11.0, 36.0, 61.0, 97.5), ("create group", 12, 0, 13.0, 22.0, 22.0, 22.4),
    ("patch group members", 96, 0, 42.0, 160.0, 310.0, 512.9), ("list users", 0, 0, None, None, None, None)]


def sample(second: int) -> dict:
    """One second of a run that ramps up over five seconds, with a burst of failures around second 20."""
    ramp = min(1.0, (second + 1) / 5)
    failing = 4.0 if 19 <= second <= 21 else 0.0
    return {"t_s": float(second), "rps": round(110.6 * ramp, 1), "failures_per_s": failing,
            "p50_ms": 10.0 + second % 4, "p95_ms": 35.0 + 3 * (second % 7) + 20 * failing}


def realistic_load() -> dict:
    """A load run as `scimulator load` reports it: two tenants of 500 users, Entra's initial cycle and Group Push."""
    kinds = [{"kind": kind, "requests": n, "failures": f, "p50_ms": p50, "p95_ms": p95, "p99_ms": p99, "max_ms": top,
              "rps": round(n / SECONDS, 2)} for kind, n, f, p50, p95, p99, top in KINDS]
    requests = sum(k["requests"] for k in kinds)
    failures = sum(k["failures"] for k in kinds)
    return {"target": f"http://scim:{SECRET}@127.0.0.1:8800/scim/v2", "started_at": "2026-11-25T07:10:00+00:00",
            "duration_s": float(SECONDS), "workers": 2, "tenants": 2, "users_per_tenant": 500, "rate_requested": 110.0,
            "mixes": ["entra-initial", "group-push"], "requests": requests, "failures": failures,
            "error_rate": round(failures / requests, 4), "kinds": kinds,
            "tenants_detail": [{"tenant": "tenant-1", "requests": 1710, "failures": 0, "achieved_rps": 57.0},
                               {"tenant": "tenant-2", "requests": 1608, "failures": 12, "achieved_rps": 53.6}],
            "timeline": [sample(second) for second in range(SECONDS)],
            "verdicts": [
                {"yardstick": "entra-gallery-25rps", "title": "Entra gallery: 25 requests/s per tenant with no errors",
                 "outcome": "failed", "detail": f"tenant-2 had 12 failed requests; the target answered 500 {HOSTILE}",
                 "source": "Microsoft's gallery checklist for SCIM apps [F23]; Microsoft's provisioning tutorial [E1]."},
                {"yardstick": "okta-60s-timeout", "title": "No request near Okta's 60 s timeout",
                 "outcome": "passed", "detail": "slowest request 512.9 ms; 30 s or more counts as near",
                 "source": "Okta's SCIM 2.0 reference [O2]."},
                {"yardstick": "large-group-push", "title": "A large Group Push completes", "outcome": "not judged",
                 "detail": "no group of 1,000 members or more was pushed in this run",
                 "source": "Okta's Group Push documentation (INF)."}],
            "csv": ["locust_stats.csv", "locust_stats_history.csv", "locust_failures.csv"]}


def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((ROOT / "reports" / "report.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("load-report")
    write_load_report(directory, realistic_load(), tool_version="0.1.0", bundled=False)
    return directory


def test_report_json_is_valid_keeps_the_contract_and_carries_the_load_section(report_dir):
    report = json.loads((report_dir / "report.json").read_text())
    validator().validate(report)
    assert report["tool"] == {"name": "scimulator", "version": "0.1.0"}
    assert report["scenarios"] == [] and report["profiles"] == {} and report["summary"]["failed"] == 0
    expected = realistic_load()
    expected["target"] = "http://127.0.0.1:8800/scim/v2"  # the user and password taken out
    assert report["load"] == expected and report["target"] == {"url": expected["target"], "bundled": False}
    assert report["started_at"] == expected["started_at"] and report["duration_s"] == SECONDS


def test_the_schema_refuses_a_load_section_it_does_not_describe():
    report = json.loads(json.dumps({"tool": {"name": "scimulator", "version": "0"}, "target": {"url": "x", "bundled": True},
                                    "started_at": "2026-11-25T07:10:00+00:00", "duration_s": 1.0,
                                    "summary": {"passed": 0, "failed": 0, "skipped": 0}, "profiles": {}, "scenarios": [],
                                    "load": realistic_load()}))
    validator().validate(report)
    for breaking in (lambda load: load["verdicts"][0].update(outcome="maybe"), lambda load: load.pop("timeline"),
                     lambda load: load["kinds"][0].update(p95_ms="fast")):
        broken = copy.deepcopy(report)
        breaking(broken["load"])
        assert list(validator().iter_errors(broken)), "the schema let a malformed load section through"


def test_no_report_file_shows_the_targets_credentials(report_dir):
    for path in report_dir.iterdir():
        assert SECRET not in path.read_text(encoding="utf-8"), path.name


def test_junit_has_one_testcase_per_verdict_and_the_failed_verdict_fails(report_dir):
    root = ElementTree.parse(report_dir / "junit.xml").getroot()
    cases = {case.get("name").split(":")[0]: case for case in root.iter("testcase")}
    assert set(cases) == {"entra-gallery-25rps", "okta-60s-timeout", "large-group-push"}
    assert cases["entra-gallery-25rps"].find("failure") is not None
    assert list(cases["okta-60s-timeout"]) == []
    assert cases["large-group-push"].find("skipped") is not None
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("3", "1", "1")


def test_summary_md_names_the_failed_verdict_the_kinds_and_the_tenants(report_dir):
    text = (report_dir / "summary.md").read_text()
    assert text.startswith("## scimulator load: 3,318 requests, 12 failed, 1 verdict(s) failed")
    assert "| Entra gallery: 25 requests/s per tenant with no errors | ❌ failed |" in text
    assert "| create user | 1,320 | 12 | 14.0 | 48.0 | 95.0 | 388.0 | 44.0 |" in text
    assert "| list users | 0 | 0 | – | – | – | – | 0.0 |" in text
    assert "| tenant-2 | 1,608 | 12 | 53.6 |" in text
    assert "[O2](" in text  # the source key links to its document


def test_failed_verdicts_are_those_that_failed():
    assert [v["yardstick"] for v in failed_verdicts(realistic_load())] == ["entra-gallery-25rps"]


def _points(svg: str, element_id: str) -> int:
    """How many points the line drawn in the group with this id has (0 when there is none)."""
    group = re.search(rf'<g id="{element_id}">\s*<path [^>]*?d="([^"]*)"', svg)
    return len(re.findall(r"[ML] [\d.]+ [\d.]+", group.group(1))) if group else 0


def test_each_plot_is_one_svg_with_a_line_per_series_and_ids_of_its_own():
    timeline = realistic_load()["timeline"]
    latency, throughput = plot_svg(LATENCY, timeline), plot_svg(THROUGHPUT, timeline)
    for plot, svg in ((LATENCY, latency), (THROUGHPUT, throughput)):
        assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
        for field, _ in plot.series:
            assert _points(svg, series_id(plot, field)) == SECONDS
    ids = set(re.findall(r'\bid="([^"]+)"', latency)) & set(re.findall(r'\bid="([^"]+)"', throughput))
    assert not ids, f"both plots use the ids {sorted(ids)[:5]}"
    assert plot_svg(LATENCY, []) is None


def test_a_second_without_figures_is_a_gap_not_a_zero():
    timeline = realistic_load()["timeline"]
    timeline[10]["p50_ms"] = timeline[10]["p95_ms"] = None
    svg = plot_svg(LATENCY, timeline)
    assert _points(svg, series_id(LATENCY, "p50_ms")) == SECONDS - 1
    line = re.search(r'<g id="plot-latency-p50_ms">\s*<path [^>]*?d="([^"]*)"', svg).group(1)
    assert len(re.findall(r"(?:^|\s)M ", line)) == 2  # two pieces of line


def test_a_run_without_samples_says_so_instead_of_plotting(tmp_path):
    load = realistic_load()
    load["timeline"] = []
    write_load_report(tmp_path, load, tool_version="0.1.0", bundled=True)
    validator().validate(json.loads((tmp_path / "report.json").read_text()))
    html = (tmp_path / "report.html").read_text()
    assert "<svg" not in html and html.count("No per-second samples") == 2
    assert "the bundled reference server" in html


needs_chromium = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("SCIMULATOR_REQUIRE_CHROMIUM"),
                                    reason="Debian's chromium is not installed (.ci/run installs it and requires this test)")


def page_requests(net_log: Path) -> list[str]:
    """The URLs Chromium's network stack fetched on behalf of a page opened from a file (not its own traffic)."""
    log = json.loads(net_log.read_text())
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [event["params"]["url"] for event in log["events"]
            if event["type"] == start_job and event.get("params", {}).get("network_isolation_key", "").startswith("file://")]


def open_in_chromium(page: Path, directory: Path) -> tuple[str, list[str]]:
    """The page's DOM once loaded, and every request the page made, from one headless Chromium."""
    net_log = directory / "net-log.json"
    dom = chromium(directory / "profile", f"--log-net-log={net_log}", "--dump-dom", page.as_uri()).stdout
    return dom, page_requests(net_log)


@needs_chromium
def test_the_request_check_sees_a_page_that_fetches_something(tmp_path):
    assert CHROMIUM, "chromium is required here (SCIMULATOR_REQUIRE_CHROMIUM is set) but not installed"
    page = tmp_path / "leaky.html"
    page.write_text('<!DOCTYPE html><p>plot</p><img src="http://127.0.0.1:9/plot.png">')
    _, requests = open_in_chromium(page, tmp_path)
    assert requests == ["http://127.0.0.1:9/plot.png"]


@pytest.fixture(scope="module")
def opened(report_dir, tmp_path_factory) -> tuple[str, list[str]]:
    assert CHROMIUM, "chromium is required here (SCIMULATOR_REQUIRE_CHROMIUM is set) but not installed"
    return open_in_chromium(report_dir / "report.html", tmp_path_factory.mktemp("chromium"))


@needs_chromium
def test_report_html_in_chromium_draws_both_plots_as_svg(opened):
    dom, _ = opened
    for plot in (LATENCY, THROUGHPUT):
        figure = re.search(rf'<figure class="plot" id="{plot.name}">(.*?)</figure>', dom, re.DOTALL)
        assert figure and figure.group(1).count("<svg") == 1, f"{plot.name} is not one inline SVG"
        for field, label in plot.series:
            assert _points(figure.group(1), series_id(plot, field)) == SECONDS, f"{plot.name}: no line for {label}"
    assert "Latency over time" in dom and "Throughput over time" in dom


def pixels_near(png: Path, colour: str, tolerance: int = 12) -> int:
    from PIL import Image  # matplotlib's own dependency

    target = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    colours = Image.open(png).convert("RGB").getcolors(1 << 24)
    return sum(count for count, rgb in colours if all(abs(a - b) <= tolerance for a, b in zip(rgb, target)))


@needs_chromium
def test_report_html_in_chromium_paints_the_plot_lines(report_dir, tmp_path):
    assert CHROMIUM, "chromium is required here (SCIMULATOR_REQUIRE_CHROMIUM is set) but not installed"
    screenshot = tmp_path / "load-report.png"
    shot = chromium(tmp_path / "profile", "--window-size=1280,2400", f"--screenshot={screenshot}",
                    (report_dir / "report.html").as_uri())
    assert screenshot.exists(), shot.stderr[-500:]
    assert pixels_near(screenshot, SERIES_COLOURS[0]) > 1000, "the first series of the plots is not painted"


@needs_chromium
def test_report_html_in_chromium_shows_the_kinds_the_tenants_and_the_verdicts(opened):
    dom, _ = opened
    kinds = re.search(r'<table class="load-table kinds" id="kinds">(.*?)</table>', dom, re.DOTALL).group(1)
    assert re.search(r"<td>patch group members</td><td>96</td><td>0</td>\s*<td>42\.0</td><td>160\.0</td>"
                     r"<td>310\.0</td><td>512\.9</td>", kinds)
    assert kinds.count("<tr") == 1 + len(KINDS)
    assert re.search(r"<td>tenant-2</td><td>1,608</td><td>12</td><td>53\.6</td>", dom)
    failed = re.search(r'<tr class="verdict failed" id="verdict-entra-gallery-25rps">(.*?)</tr>', dom, re.DOTALL)
    assert failed and '<span class="load-outcome">failed</span>' in failed.group(1)
    assert "tenant-2 had 12 failed requests" in failed.group(1) and ">[F23]</a>" in failed.group(1)
    assert re.search(r'<tr class="verdict passed" id="verdict-okta-60s-timeout">', dom)
    assert re.search(r'<tr class="verdict not-judged" id="verdict-large-group-push">', dom)
    assert '<p class="notice" id="notice-failed">' in dom


@needs_chromium
def test_report_html_in_chromium_escapes_the_target_and_fetches_nothing(opened):
    dom, requests = opened
    assert "<script" not in dom and "<img" not in dom and "<title>scimulator load report" in dom
    assert "&lt;script&gt;" in dom
    assert requests == [], f"the page is not self-contained: it fetched {requests}"
    assert SECRET not in dom
