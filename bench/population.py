"""The users every benchmark target holds: the same names, so that the same requests find them."""

from __future__ import annotations


def user_name(index: int) -> str:
    return f"bench.user{index:06d}@example.com"


def user_body(index: int) -> dict:
    return {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": user_name(index),
            "name": {"givenName": "Bench", "familyName": f"User {index}"}, "active": True,
            "emails": [{"value": user_name(index), "type": "work", "primary": True}]}
