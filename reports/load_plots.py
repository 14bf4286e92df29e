"""The load report's plots: latency and throughput over time, as SVG to inline in report.html.

Drawn with matplotlib's object API (a ``Figure`` of its own, never pyplot's global state or a display
backend) and saved as SVG: text stays text, no file or address outside the page is referenced, and each
plot's element ids carry the plot's name so that two plots inlined in one page never share an id.
matplotlib is imported on first use, so importing the reports does not pay for it.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass

WIDTH_IN, HEIGHT_IN = 9.0, 3.0
SERIES_COLOURS = ("#2f6db5", "#c43c3c")


@dataclass(frozen=True)
class Plot:
    name: str  # the element id of the plot's figure in the page, and the prefix of every id inside its SVG
    title: str
    unit: str
    series: tuple[tuple[str, str], ...]  # (timeline field, legend label)


LATENCY = Plot("plot-latency", "Latency over time", "ms", (("p50_ms", "p50"), ("p95_ms", "p95")))
THROUGHPUT = Plot("plot-throughput", "Throughput over time", "per second",
                  (("rps", "requests/s"), ("failures_per_s", "failures/s")))
PLOTS = (LATENCY, THROUGHPUT)


def _value(sample: dict, field: str) -> float:
    """A sample's figure; a second with none (no request finished in it) is a gap in the line."""
    value = sample.get(field)
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else math.nan


def series_id(plot: Plot, field: str) -> str:
    """The id of one series' line inside the page: ``plot-latency-p50_ms``."""
    return f"{plot.name}-{field}"


def _draw(plot: Plot, timeline: list[dict]):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), layout="constrained")
    axes = figure.add_subplot()
    seconds = [_value(sample, "t_s") for sample in timeline]
    for (field, label), colour in zip(plot.series, SERIES_COLOURS):
        axes.plot(seconds, [_value(sample, field) for sample in timeline], label=label, color=colour,
                  linewidth=1.4, gid=field)
    axes.set_title(plot.title, loc="left")
    axes.set_xlabel("seconds since the start")
    axes.set_ylabel(plot.unit)
    axes.set_ylim(bottom=0)
    axes.grid(True, color="#e3e6ee")
    # above the lines (never over them), so that both plots keep axes of the same width
    axes.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=len(plot.series), frameon=False)
    return figure


def _svg_text(figure, salt: str) -> str:
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _inlinable(svg: str, prefix: str) -> str:
    """The <svg> element alone (no XML prolog, doctype or metadata), every id and reference to one prefixed."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    svg = re.sub(r'\bid="', f'id="{prefix}-', svg)
    svg = svg.replace("url(#", f"url(#{prefix}-").replace('href="#', f'href="#{prefix}-')
    return re.sub(r'\s(width|height)="[\d.]+pt"', "", svg, count=2)  # the page sizes it; the viewBox keeps the shape


def plot_svg(plot: Plot, timeline: list[dict]) -> str | None:
    """One plot of the timeline as inlinable SVG; None when the timeline has no sample."""
    if not timeline:
        return None
    return _inlinable(_svg_text(_draw(plot, timeline), plot.name), plot.name)


def timeline_plots(timeline: list[dict]) -> dict[str, str | None]:
    """Both plots, by name: latency (p50, p95 per second) and throughput (requests/s, failures/s)."""
    return {plot.name: plot_svg(plot, timeline) for plot in PLOTS}
