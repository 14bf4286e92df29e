"""The seed vendors' documented behaviours around their SCIM endpoint, registered only when a server
asks for them (``ServerConfig.vendor_extras``): SCIM configurations whose secrets open the SCIM API,
a sync log of every SCIM write, and, with admin tokens, the admin JSON API under /admin/v1.

Core SCIM knows nothing of them: they plug into its hooks (``token_checks``, ``guarded_elsewhere``,
``Storage.journal``) and an after-request of their own.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, g, has_request_context, request

from .admin import ADMIN_PREFIX, admin_blueprint
from .auth import CHALLENGE
from .errors import ScimError
from .logs import log_unexpected
from .sync_log import record_refusal
from .vendor import VendorStore
from .web import PREFIX, core

log = logging.getLogger("reference_server")


def register_vendor_extras(app: Flask) -> None:
    parts = app.extensions["scim"]
    config = parts["config"]
    vendor = VendorStore(config.db_path, parts["clock"])
    parts["vendor"] = vendor
    parts["token_checks"].append(configuration_secret_check)
    parts["storage"].journal = journal_committed_write
    app.after_request(log_refused_write)
    if config.admin_tokens:
        parts["guarded_elsewhere"].append(ADMIN_PREFIX + "/")
        app.register_blueprint(admin_blueprint(vendor, parts["service"], parts["clock"], config.admin_tokens))


def configuration_secret_check(presented: bytes) -> bool:
    """A SCIM configuration's secret opens the SCIM API while it is active and not rotated out."""
    configuration, refusal = core()["vendor"].configuration_for(presented)
    if configuration is None:
        return False
    if refusal:
        raise ScimError(401, refusal, headers=CHALLENGE)
    g.scim_configuration = configuration
    return True


def journal_committed_write(conn, action: str, resource_type: str, resource_id: str) -> None:
    """Inside a SCIM write's transaction: its sync-log line (writes made by the admin API are not SCIM writes)."""
    if has_request_context() and g.get("scim_authenticated"):
        core()["vendor"].record_committed(conn, action, resource_type, resource_id, g.get("scim_configuration"))


def log_refused_write(response: Response) -> Response:
    """The sync log of an authenticated write that was refused (successes are logged in their own
    transaction). Its failure is logged and never changes the answer."""
    if not g.get("scim_authenticated") or not request.path.startswith(PREFIX + "/"):
        return response
    try:
        record_refusal(core()["vendor"], request.method, request.path[len(PREFIX):], response,
                       g.get("scim_configuration"))
    except Exception:  # noqa: BLE001
        log_unexpected(log, f"the sync log of {request.method} {request.path[:200]}")
    return response
