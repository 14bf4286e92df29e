"""reports/json_text.py writes the same characters as json.dumps(indent=2, ensure_ascii=False)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from scimulator.reports.json_text import indented

SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                           max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_the_same_text_as_json_indenting_it(value):
    assert indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_values_json_cannot_write_are_turned_into_text_as_json_does():
    value = {"when": object(), "bodies": [{"emails": [], "name": {}}, "é \" \\ \u2028"], "nan": float("nan")}
    assert indented(value, default=lambda thing: "thing") == json.dumps(value, indent=2, ensure_ascii=False,
                                                                        default=lambda thing: "thing")
