"""The public documents the scenarios cite, and links to them.

A scenario's ``Source:`` line names its documents in plain words with a key in brackets
(``[O1]``, ``[E2]``, ``[F18]``) or an RFC section (``RFC 7644 section 3.5.2``). The keys live in
``sources.json`` beside this module; ``python -m reports.sources`` renders them as the project's
page of sources (docs/sources.md), and the reports turn every key and RFC section into a link.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

REGISTRY = Path(__file__).resolve().parent / "sources.json"
KEY = re.compile(r"\[([A-Z][A-Z0-9-]*\d*[A-Z0-9]*)((?:\s+(?:LOW|INF))?)\]")
RFC_SECTION = re.compile(r"RFC (\d{4})(?:,? sections? ([\d.]+))?")


@lru_cache(maxsize=1)
def registry() -> dict[str, dict]:
    return {key: entry for key, entry in json.loads(REGISTRY.read_text()).items() if not key.startswith("_")}


def rfc_url(number: str, section: str | None = None) -> str:
    return f"https://www.rfc-editor.org/rfc/rfc{number}" + (f"#section-{section.rstrip('.')}" if section else "")


def cited(text: str | None) -> list[dict]:
    """Every document a Source text cites, in order, each once: ``{"key", "title", "url"}``."""
    found: dict[str, dict] = {}
    for match in KEY.finditer(text or ""):
        key = match.group(1)
        entry = registry().get(key)
        if entry and key not in found:
            found[key] = {"key": key, "title": entry["title"], "url": entry["url"]}
    for match in RFC_SECTION.finditer(text or ""):
        number, section = match.group(1), match.group(2)
        key = f"RFC {number}" + (f" section {section.rstrip('.')}" if section else "")
        found.setdefault(key, {"key": key, "title": key, "url": rfc_url(number, section)})
    return list(found.values())


def linked_html(text: str | None) -> Markup:
    """The Source text for report.html, every known key and RFC section a link to its document."""
    documents = {entry["key"]: entry for entry in cited(text)}

    def key_link(match: re.Match) -> str:
        entry = documents.get(match.group(1))
        if not entry or not entry["url"]:
            return match.group(0)
        return f'<a href="{escape(entry["url"])}" title="{escape(entry["title"])}">{match.group(0)}</a>'

    def rfc_link(match: re.Match) -> str:
        number, section = match.group(1), match.group(2)
        return f'<a href="{escape(rfc_url(number, section))}">{match.group(0)}</a>'

    html = str(escape(text or ""))
    html = RFC_SECTION.sub(rfc_link, html)
    return Markup(KEY.sub(key_link, html))


def unknown_keys(text: str) -> list[str]:
    """Keys in brackets that the registry does not know (a typo, or a document not listed yet)."""
    return [m.group(1) for m in KEY.finditer(text) if m.group(1) not in registry()]


def page() -> str:
    """docs/sources.md: every key with its document and address."""
    lines = ["# Sources", "",
             "Every scenario of scimulator names the public documents it encodes in its `Source:` line, by the "
             "keys below or by RFC section (RFC 7643, RFC 7644 at https://www.rfc-editor.org/). Reports link each "
             "key to its address. `(LOW)` in a Source line marks a weak source, `(INF)` an inference from one.",
             "", "Generated from `reports/sources.json` by `python -m reports.sources`; a test keeps the two in step.",
             "", "| key | document | address |", "| --- | --- | --- |"]
    for key, entry in registry().items():
        lines.append(f"| {key} | {entry['title']} | {entry['url'] or '(no stable public address)'} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(page(), end="")
