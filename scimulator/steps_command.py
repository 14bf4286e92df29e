"""``scimulator steps``: the step catalogue, printed from the step definitions themselves."""

from __future__ import annotations

import sys

from scimulator.steps.catalogue import catalogue_markdown, catalogue_text


def print_catalogue(form: str) -> int:
    sys.stdout.write(catalogue_markdown() if form == "markdown" else catalogue_text() + "\n")
    return 0
