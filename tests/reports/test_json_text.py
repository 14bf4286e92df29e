"""reports/json_text.py writes the same characters as json.dumps(indent=2, ensure_ascii=False)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from scimulator.reports.json_text import compact, indented, shown

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


FINITE_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
                             | st.text(), lambda inner: st.lists(inner, max_size=4)
                             | st.dictionaries(st.text(), inner, max_size=4), max_leaves=30)
NO_FLOATS = st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                         lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                         max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(FINITE_VALUES)
def test_shown_and_compact_text_read_back_as_the_same_value(value):
    assert json.loads(shown(value)) == value
    assert json.loads(compact(value)) == value


@settings(max_examples=300, deadline=None)
@given(NO_FLOATS)
def test_without_floats_shown_is_indented_and_compact_is_json_without_spaces(value):
    assert shown(value) == indented(value)
    assert compact(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_integers_beyond_64_bits_are_written_whole():
    huge = 10 ** 30
    assert compact({"n": huge}) == '{"n":' + str(huge) + "}" and json.loads(shown([huge])) == [huge]


def test_report_json_turns_what_json_cannot_write_into_text_as_before():
    from pathlib import Path

    assert json.loads(shown({"where": Path("/x"), "n": [1.5]}, default=str)) == {"where": "/x", "n": [1.5]}
