"""The vendor admin's JSON API, under /admin/v1, protected by admin tokens distinct from SCIM tokens.

    POST   /admin/v1/scim-configurations                {"description"} -> the configuration and its secret, once
    GET    /admin/v1/scim-configurations
    POST   /admin/v1/scim-configurations/{id}/secret    regenerate: the old secret stops working now
    POST   /admin/v1/scim-configurations/{id}/rotate    rotate: the old secret works 24 more hours
    POST   /admin/v1/scim-configurations/{id}/activate  (deactivates the others) | /deactivate
    DELETE /admin/v1/scim-configurations/{id}           deletes the users and groups it provisioned
    GET    /admin/v1/teams                              groups as teams: role, workspaces, members
    PUT    /admin/v1/teams/{group id}                   {"role", "workspaces"}
    GET    /admin/v1/limits  |  PUT {"max_users", "max_groups"}   the documented limits (null: none)
    GET    /admin/v1/sync-logs?limit=N
    POST   /admin/v1/clock                              {"advance_seconds"} (servers started with a movable clock)
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, jsonify, request

from .auth import CHALLENGE, TokenVerifier
from .errors import ScimError, bad_request, not_found
from .limits import bounded_count, load_json
from .schema import GROUP, RESOURCE_TYPES
from .vendor import ROTATION_OVERLAP, ServerClock, VendorStore

ADMIN_PREFIX = "/admin/v1"
ROLES = ("Viewer", "Developer", "Admin", "Owner")
MAX_CLOCK_ADVANCE = 10 * 366 * 24 * 3600  # ten years, far inside what a date can hold


def admin_blueprint(vendor: VendorStore, service, clock: ServerClock, admin_tokens: list[str]) -> Blueprint:
    admin = Blueprint("admin", __name__, url_prefix=ADMIN_PREFIX)
    verifier = TokenVerifier(admin_tokens)

    @admin.before_request
    def authenticate_admin():
        if not verifier.accepts(verifier.presented(request.headers.get("Authorization"))):
            raise ScimError(401, "This endpoint needs an admin token (SCIM tokens are not accepted here).",
                            headers=CHALLENGE)

    def body() -> dict:
        data = load_json(request.get_data()) if request.get_data().strip() else None
        if not isinstance(data, dict):
            raise bad_request("invalidSyntax", "Send a JSON object.")
        return data

    def configuration_or_404(configuration_id: str):
        configuration = vendor.configuration(configuration_id)
        if configuration is None:
            raise not_found(f"No SCIM configuration '{configuration_id}'.")
        return configuration

    @admin.post("/scim-configurations")
    def create_configuration():
        description = body().get("description")
        if not isinstance(description, str) or not description.strip():
            raise bad_request("invalidValue", "'description' is required.")
        configuration, secret = vendor.create_configuration(description.strip())
        return jsonify({**configuration.to_dict(), "secret": secret,
                        "note": "The secret is shown only once: copy it into the identity provider now."}), 201

    @admin.get("/scim-configurations")
    def list_configurations():
        return jsonify([c.to_dict() for c in vendor.configurations()])

    @admin.post("/scim-configurations/<configuration_id>/<action>")
    def configuration_action(configuration_id: str, action: str):
        configuration = configuration_or_404(configuration_id)
        if action == "secret":
            return jsonify({**configuration.to_dict(), "secret": vendor.new_secret(configuration.id, None)})
        if action == "rotate":
            secret = vendor.new_secret(configuration.id, ROTATION_OVERLAP)
            return jsonify({**configuration.to_dict(), "secret": secret,
                            "note": "The previous secret keeps working for 24 hours."})
        if action in ("activate", "deactivate"):
            vendor.set_active(configuration.id, action == "activate")
            return jsonify(configuration_or_404(configuration_id).to_dict())
        raise not_found(f"No action '{action}' on SCIM configurations.")

    @admin.delete("/scim-configurations/<configuration_id>")
    def remove_configuration(configuration_id: str):
        configuration_or_404(configuration_id)
        removed = 0
        for resource_type, resource_id in vendor.remove_configuration(configuration_id):
            try:
                service.delete(RESOURCE_TYPES[resource_type], resource_id)
                removed += 1
            except ScimError:  # already deleted through SCIM
                continue
        return jsonify({"removed": configuration_id, "deleted_resources": removed})

    @admin.get("/teams")
    def list_teams():
        teams = []
        for stored in service.storage.find(GROUP, None):
            role, workspaces = vendor.team(stored.id) or ("Use connection role", [])
            teams.append({"id": stored.id, "name": stored.doc.get("displayName"), "role": role, "workspaces": workspaces,
                          "members": [{"id": m["value"], "role": role} for m in stored.members or []]})
        return jsonify(teams)

    @admin.put("/teams/<group_id>")
    def map_team(group_id: str):
        service.get(GROUP, group_id)
        data = body()
        role, workspaces = data.get("role"), data.get("workspaces", [])
        if role not in ROLES:
            raise bad_request("invalidValue", f"'role' is one of {', '.join(ROLES)}.")
        if not isinstance(workspaces, list) or not all(isinstance(w, str) for w in workspaces):
            raise bad_request("invalidValue", "'workspaces' is a list of names.")
        vendor.set_team(group_id, role, workspaces)
        return jsonify({"id": group_id, "role": role, "workspaces": workspaces})

    @admin.get("/limits")
    def get_limits():
        return jsonify({"max_users": service.limits.get("User"), "max_groups": service.limits.get("Group")})

    @admin.put("/limits")
    def set_limits():
        data = body()
        for key, kind in (("max_users", "User"), ("max_groups", "Group")):
            value = data.get(key)
            if value is None:
                service.limits.pop(kind, None)
            elif isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                service.limits[kind] = bounded_count(value, key)
            else:
                raise bad_request("invalidValue", f"'{key}' is a number of 0 or more, or null for no limit.")
        return get_limits()

    @admin.get("/sync-logs")
    def sync_logs():
        limit = request.args.get("limit", "200")
        if not limit.isdigit() or len(limit) > 10:
            raise bad_request("invalidValue", "'limit' is a number.")
        return jsonify(vendor.logs(bounded_count(int(limit), "limit")))

    @admin.post("/clock")
    def move_clock():
        seconds = body().get("advance_seconds")
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or not 0 <= seconds <= MAX_CLOCK_ADVANCE:
            raise bad_request("invalidValue", f"'advance_seconds' is a positive number of at most {MAX_CLOCK_ADVANCE:,}.")
        try:
            clock.advance(timedelta(seconds=seconds))
        except PermissionError as error:
            raise ScimError(409, f"The clock cannot move: {error}.") from None
        except ValueError as error:
            raise bad_request("invalidValue", f"The clock cannot move: {error}.") from None
        return jsonify({"now": clock()})

    return admin
