"""The user attributes the feature language names, where each lives in SCIM, and which IdP changes it.

One table for both sides of a scenario: the IdP-side steps change a Person's field by its name
("department"), and the target-side check reads the same name back where SCIM puts it (the
enterprise extension, never the top level). RFC 7643 section 4.1 places the core attributes,
section 4.3 the Enterprise User extension; Entra's default mappings [E1] and Okta's profile push
[O1] say which IdP sends which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .scim import ENTERPRISE

OKTA, ENTRA = "Okta", "Entra"
# A SCIM attribute path as the IdPs write it: name, an optional [type eq "..."] and a sub-attribute.
SCIM_PATH = re.compile(r'(?P<name>[^.\[]+)(?:\[type eq "(?P<type>[^"]*)"\])?(?:\.(?P<sub>.+))?')


@dataclass(frozen=True)
class Attribute:
    """One attribute of the feature language.

    `field` is the Person field, `path` where it lives in SCIM (core path, or the enterprise URN and
    its attribute), `changed_by` the IdPs whose simulators send it, `unique` whether a server may keep
    it unique (a value written in a feature file is then made unique to the run).
    """

    name: str
    field: str
    path: str
    changed_by: tuple[str, ...]
    unique: bool = False

    @property
    def enterprise(self) -> bool:
        return self.path.startswith(ENTERPRISE + ":")

    @property
    def enterprise_name(self) -> str:
        """The attribute's name inside the extension ("employeeNumber"); only for enterprise attributes."""
        return self.path[len(ENTERPRISE) + 1:]


def _enterprise(name: str) -> str:
    return f"{ENTERPRISE}:{name}"


# Okta pushes the enterprise attributes when the app maps them [I14 LOW]; Entra maps department and
# employeeNumber by default [E1] and an admin adds the others (INF).
ATTRIBUTES: dict[str, Attribute] = {a.name: a for a in (
    Attribute("given name", "given_name", "name.givenName", (OKTA, ENTRA)),
    Attribute("family name", "family_name", "name.familyName", (OKTA, ENTRA)),
    Attribute("display name", "display_name", "displayName", (ENTRA,)),
    Attribute("email", "email", 'emails[type eq "work"].value', (OKTA, ENTRA), unique=True),
    Attribute("title", "title", "title", (ENTRA,)),
    Attribute("department", "department", _enterprise("department"), (OKTA, ENTRA)),
    Attribute("employee number", "employee_number", _enterprise("employeeNumber"), (OKTA, ENTRA), unique=True),
    Attribute("cost center", "cost_center", _enterprise("costCenter"), (OKTA, ENTRA)),
    Attribute("organization", "organization", _enterprise("organization"), (OKTA, ENTRA)),
    Attribute("division", "division", _enterprise("division"), (OKTA, ENTRA)),
)}

# Person field -> its name in the Enterprise User extension, for the engines that build the extension.
ENTERPRISE_FIELDS = {a.field: a.enterprise_name for a in ATTRIBUTES.values() if a.enterprise}


def changeable_by(idp: str) -> dict[str, Attribute]:
    """The attributes an IdP's simulator can change, by name."""
    return {name: a for name, a in ATTRIBUTES.items() if idp in a.changed_by}


def split_path(path: str) -> tuple[str | None, str]:
    """(the extension schema a path is in, or None for the core schema; the path inside it)."""
    if path.startswith(ENTERPRISE + ":"):
        return ENTERPRISE, path[len(ENTERPRISE) + 1:]
    return None, path


def _key(node: dict, name: str) -> Any:
    """A member of a JSON object by name, case insensitively (RFC 7643 section 2.1)."""
    return next((v for k, v in node.items() if k.lower() == name.lower()), None)


def read_path(resource: dict, path: str) -> Any:
    """The value at a SCIM attribute path in a resource (None when absent).

    `department` of the extension is read inside the extension's object, never at the top level.
    """
    extension, inner = split_path(path)
    node = resource.get(extension) if extension else resource
    match = SCIM_PATH.fullmatch(inner)
    if not isinstance(node, dict) or not match:
        return None
    value = _key(node, match["name"])
    if match["type"] is not None:
        value = next((item for item in value or [] if isinstance(item, dict)
                      and str(item.get("type", "")).lower() == match["type"].lower()), None)
    if match["sub"] and isinstance(value, dict):
        value = _key(value, match["sub"])
    elif match["sub"]:
        value = None
    return value
