"""simulator/transport.py `may_need_redaction` says False only where `redact` would change nothing: one search of the
answer's text stands in for the walk of every string against every secret, so it must never miss one."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from scimulator.simulator.transport import RETURNED_PASSWORD, known_secrets, may_need_redaction, redact, register_secret

SECRET = 'Pässwörd/"9\\x'  # escaped in JSON text three ways: \" \\ and, written ASCII-only, \u00e4
register_secret(SECRET)
TEXT = st.sampled_from(["", "ann", SECRET, f"a {SECRET} b", "Password", "pass", "word"]) | st.text(max_size=8)
VALUES = st.recursive(st.none() | st.booleans() | st.integers() | TEXT,
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                      max_leaves=12)


def written(value, ascii_only: bool, encoding: str) -> bytes:
    return json.dumps(value, ensure_ascii=ascii_only).encode(encoding)


@settings(max_examples=500, deadline=None)
@given(VALUES, st.booleans(), st.sampled_from(["utf-8", "utf-16", "utf-32"]))
def test_a_value_redaction_would_change_is_never_passed_over(value, ascii_only, encoding):
    text = written(value, ascii_only, encoding)
    assert json.loads(text) == value
    if redact(value, known_secrets(), RETURNED_PASSWORD) != value:
        assert may_need_redaction(text, value)


def test_a_plain_answer_is_passed_over_and_a_secret_however_escaped_is_not():
    plain = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ann@example.com",
             "meta": {"version": 'W/"3"'}, "name": {"givenName": "Zoë"}}
    assert not may_need_redaction(written(plain, True, "utf-8"), plain)
    for holding in ({"detail": SECRET}, {"PASSWORD": "x"}, [{"pAssWord": None}]):
        assert may_need_redaction(written(holding, True, "utf-8"), holding)
        assert may_need_redaction(written(holding, False, "utf-16"), holding)
