"""How Microsoft Entra ID shapes what it sends (idp-behaviour.md 2.3, 2.4, 2.5, 2.7): create bodies,
its attribute mappings as SCIM paths, and its two PATCH dialects [E2].

Without ``aadOptscim062020``: one operation per attribute, capitalised ``op``, booleans as the strings
"True"/"False". With it: lowercase ops, real booleans, and the plain replaces collapsed into one
pathless operation with dotted keys.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .attributes import ENTERPRISE_FIELDS
from .directory import Person
from .scim import ENTERPRISE, GROUP, PATCH_OP, USER

MS_GROUP_SCHEMA = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
WORK_EMAIL = 'emails[type eq "work"].value'
PRIMARY_ROLE = 'roles[primary eq "True"].value'  # SingleAppRoleAssignment's target path [F12]
ROLE_TYPE = "WindowsAzureActiveDirectoryRole"
MANAGER_SHAPES = ("documented", "field")
MANAGER_REMOVALS = ("replace_empty", "remove_filtered")
ROLE_MAPPINGS = (None, "SingleAppRoleAssignment", "AppRoleAssignmentsComplex")
BOOLEAN_FORMS = ("string", "boolean")
FLAG = "aadOptscim062020"


def flag_in_tenant_url(url: str) -> bool:
    """The flag is switched on by appending it to the Tenant URL: `https://host/scim/v2/?aadOptscim062020` [V3][J9]."""
    return FLAG.lower() in urlsplit(url).query.lower()


@dataclass
class EntraDialect:
    """One app's dialect: the flag, and the mapping choices where the sources disagree (see ``EntraEngine``)."""

    flag: bool = False
    matching: tuple[str, ...] = ("userName",)
    manager_shape: str = "documented"
    manager_removal: str = "replace_empty"
    roles_mapping: str | None = None
    boolean_form: str = "string"

    def __post_init__(self):
        if self.manager_shape not in MANAGER_SHAPES or self.roles_mapping not in ROLE_MAPPINGS \
                or self.boolean_form not in BOOLEAN_FORMS:
            raise ValueError(f"manager_shape is one of {MANAGER_SHAPES}, roles_mapping one of {ROLE_MAPPINGS}, "
                             f"boolean_form one of {BOOLEAN_FORMS}")
        if self.manager_removal not in MANAGER_REMOVALS:
            raise ValueError(f"manager_removal is one of {MANAGER_REMOVALS}")

    @contextmanager
    def flagless(self):
        """Provision on demand speaks the flagless dialect even where the app has the flag [E2]."""
        flag, self.flag = self.flag, False
        try:
            yield
        finally:
            self.flag = flag

    # --- PATCH ----------------------------------------------------------------------------------

    def op(self, name: str) -> str:
        """`Add`/`Replace`/`Remove` without the flag, lowercase with it [E1][E2]."""
        return name.lower() if self.flag else name

    def value(self, value: Any) -> Any:
        """Booleans as "True"/"False" without the flag, unless this app sends real booleans (boolean_form)."""
        return value if self.flag or self.boolean_form == "boolean" else entra_string(value)

    @staticmethod
    def patch_body(*operations: dict) -> dict:
        """Entra's PatchOp body: `Operations` before `schemas` [E1][F5][F6]; a server must not depend on key order."""
        return {"Operations": list(operations), "schemas": [PATCH_OP]}

    def patch_operations(self, old: dict[str, Any], new: dict[str, Any]) -> list[dict]:
        """The operations for what changed, in this job's dialect (2.4, 2.5)."""
        changed = [path for path in new if old.get(path) != new[path]]
        removed = [path for path in old if path not in new]
        if not self.flag:
            ops = [{"op": "Replace" if path in old else "Add", "path": path, "value": self.value(new[path])}
                   for path in changed]
            return ops + [{"op": "Remove", "path": path} for path in removed]
        filtered = [path for path in changed if "[" in path]
        plain = [path for path in changed if "[" not in path]
        ops = [{"op": "replace" if path in old else "add", "path": path, "value": new[path]} for path in filtered]
        if plain == ["active"]:
            ops.append({"op": "replace", "path": "active", "value": new["active"]})  # 2.5 with the flag [E2]
        elif plain:
            ops.append({"op": "replace", "value": {path: new[path] for path in plain}})
        return ops + [{"op": "remove", "path": path} for path in removed]

    def active_operation(self, active: bool) -> dict:
        """Disable (2.5) or restore (2.6): `Replace active "False"` or `Replace active false` (boolean_form
        [F16]), or `replace` with a real boolean with the flag [E2]."""
        return {"op": self.op("Replace"), "path": "active", "value": self.value(active)}

    def manager_operation(self, manager_target: str | None, previous: str | None, base_url: str) -> dict:
        """`Add` in the documented shape (`path: manager`, a $ref list [E1]) or the field shape (the
        enterprise-URN path, a plain id [F5][F11]); a removed manager is a `Replace` with an empty
        value, as Microsoft's Logic App removes it (SCIM_Update_Manager_Test, INF for the engine), or a
        `remove` through a value filter on the old manager's id [F24]."""
        path = "manager" if self.manager_shape == "documented" else f"{ENTERPRISE}:manager"
        if manager_target is None and self.manager_removal == "remove_filtered":
            return {"op": "remove", "path": f'manager[value eq "{previous}"]'}
        if manager_target is None:
            return {"op": self.op("Replace"), "path": path, "value": ""}
        value: Any = manager_target
        if self.manager_shape == "documented":
            value = [{"$ref": f"{base_url}/Users/{manager_target}", "value": manager_target}]
        return {"op": self.op("Add"), "path": path, "value": value}

    def roles_operation(self, added: list[str]) -> dict:
        """AppRoleAssignmentsComplex: `Add` on `roles` with `{id, value, displayName}` items [F13][F14]."""
        value = [{"id": str(uuid.uuid5(uuid.NAMESPACE_URL, role)), "value": role, "displayName": role} for role in added]
        return {"op": self.op("Add"), "path": "roles", "value": value}

    def rename_operation(self, name: str) -> dict:
        return {"op": self.op("Replace"), "path": "displayName", "value": name}

    def member_add_operation(self, target_ids: list[str]) -> dict:
        """Members added in one `Add`; without the flag each carries a null `$ref` (2.7)."""
        value = [{"value": target} if self.flag else {"$ref": None, "value": target} for target in target_ids]
        return {"op": self.op("Add"), "path": "members", "value": value}

    def member_remove_operations(self, target_ids: list[str]) -> list[dict]:
        """With the flag, one `remove` per member through a value filter; without, one `Remove` with a value list (2.7)."""
        if self.flag:
            return [{"op": "remove", "path": f'members[value eq "{target}"]'} for target in target_ids]
        return [{"op": "Remove", "path": "members", "value": [{"value": target} for target in target_ids]}]

    # --- bodies ---------------------------------------------------------------------------------

    def external_id(self, person: Person) -> str:
        """The object id where externalId is a matching attribute [F7][F8], else mailNickname [E1]."""
        return person.id if "externalId" in self.matching else person.mail_nickname

    def user_attributes(self, person: Person) -> dict[str, Any]:
        """Entra's default attribute mappings [E1], as SCIM paths; null sources are skipped [E6]."""
        attributes = {"userName": person.login, "active": person.active, "displayName": person.display_name,
                      WORK_EMAIL: person.email, "name.givenName": person.given_name,
                      "name.familyName": person.family_name, "name.formatted": f"{person.given_name} {person.family_name}",
                      "externalId": self.external_id(person), "title": person.title,
                      **{f"{ENTERPRISE}:{name}": getattr(person, source) for source, name in ENTERPRISE_FIELDS.items()}}
        if self.roles_mapping == "SingleAppRoleAssignment":
            attributes[PRIMARY_ROLE] = person.roles[0] if person.roles else None
        return {path: value for path, value in attributes.items() if value is not None}

    def create_body(self, person: Person) -> dict:
        """The create body of 2.3 [E1]: `active` always sent [J17], `meta.resourceType`, the roles (`[]` unmapped)."""
        body: dict[str, Any] = {
            "schemas": [USER, ENTERPRISE], "externalId": self.external_id(person), "userName": person.login,
            "active": person.active, "displayName": person.display_name,
            "meta": {"resourceType": "User"},
            "name": {"formatted": f"{person.given_name} {person.family_name}", "familyName": person.family_name,
                     "givenName": person.given_name},
            "roles": self.created_roles(person)}
        if person.email:  # null source attributes are skipped [E6]
            body["emails"] = [{"primary": True, "type": "work", "value": person.email}]
        if person.title:
            body["title"] = person.title
        enterprise = {name: getattr(person, source) for source, name in ENTERPRISE_FIELDS.items()
                      if getattr(person, source) is not None}
        if enterprise:
            body[ENTERPRISE] = enterprise
        return body

    def created_roles(self, person: Person) -> list[dict]:
        """SingleAppRoleAssignment: the one role as primary [F12]; AppRoleAssignmentsComplex: every role [F13][F14]."""
        if self.roles_mapping == "SingleAppRoleAssignment" and person.roles:
            return [{"primary": True, "type": ROLE_TYPE, "value": person.roles[0]}]
        if self.roles_mapping == "AppRoleAssignmentsComplex":
            return [{"primary": False, "type": ROLE_TYPE, "displayName": role, "value": role} for role in person.roles]
        return []

    @staticmethod
    def group_create_body(group_id: str, name: str) -> dict:
        return {"schemas": [GROUP, MS_GROUP_SCHEMA], "externalId": group_id, "displayName": name,
                "meta": {"resourceType": "Group"}}


def entra_string(value: Any) -> Any:
    """Without the flag, booleans travel as "True"/"False" [E2]."""
    if isinstance(value, bool):
        return "True" if value else "False"
    return value


def mapped_attributes(resource: dict) -> dict[str, Any]:
    """A target's user read as the paths Entra maps, for the comparison after a match."""
    name = resource.get("name") if isinstance(resource.get("name"), dict) else {}
    emails = resource.get("emails") if isinstance(resource.get("emails"), list) else []
    work = next((e.get("value") for e in emails if isinstance(e, dict) and e.get("type") == "work"), None)
    enterprise = resource.get(ENTERPRISE) if isinstance(resource.get(ENTERPRISE), dict) else {}
    roles = resource.get("roles") if isinstance(resource.get("roles"), list) else []
    flat = {"userName": resource.get("userName"), "active": resource.get("active"),
            "displayName": resource.get("displayName"), WORK_EMAIL: work, "name.givenName": name.get("givenName"),
            "name.familyName": name.get("familyName"), "name.formatted": name.get("formatted"),
            "externalId": resource.get("externalId"), "title": resource.get("title"),
            PRIMARY_ROLE: next((r.get("value") for r in roles if isinstance(r, dict) and r.get("primary") is True), None),
            **{f"{ENTERPRISE}:{name}": enterprise.get(name) for name in ENTERPRISE_FIELDS.values()}}
    return {path: value for path, value in flat.items() if value is not None}
