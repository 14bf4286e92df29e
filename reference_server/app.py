"""The Flask app factory: HTTP in front of ``ScimService``, one blueprint per job.

Every answer is ``application/scim+json``; every failure, including unknown routes, wrong
methods, malformed JSON and oversized bodies, is a SCIM Error body (``error_handlers``). The seed
vendors' extras (``vendor_extras``) are registered only when the configuration asks for them.
"""

from __future__ import annotations

from flask import Flask

from .auth import TokenVerifier, auth_blueprint
from .bulk import bulk_blueprint
from .clock import ServerClock
from .config import ServerConfig
from .discovery import discovery_blueprint
from .error_handlers import errors_blueprint
from .logs import limit_logging
from .me import me_blueprint
from .oauth import register_oauth
from .rate_limit import limits_of
from .resource_routes import resources_blueprint
from .service import ScimService
from .storage import Storage
from .vendor_extras import register_vendor_extras


def create_app(config: ServerConfig) -> Flask:
    limit_logging()
    app = Flask("reference_server")
    app.config["MAX_CONTENT_LENGTH"] = config.max_payload_bytes
    app.extensions["scim"] = core_parts(config)
    limits = limits_of(config.rate_limit, config.rate_burst, config.max_in_flight)
    if limits is not None:  # first: every request counts, before anything reads it
        app.register_blueprint(limits)
    for blueprint in (errors_blueprint(), auth_blueprint(config), discovery_blueprint(), me_blueprint(),
                      bulk_blueprint(), resources_blueprint()):
        app.register_blueprint(blueprint)
    if config.vendor_extras:
        register_vendor_extras(app)
    if config.oauth_clients or config.oauth_jwt_clients:
        register_oauth(app)
    return app


def core_parts(config: ServerConfig) -> dict:
    """What the blueprints share (``web.core()``), with the hooks an extension may add to."""
    clock = ServerClock(movable=config.movable_clock)
    storage = Storage(config.db_path, clock)
    service = ScimService(storage, config.max_results, config.max_scan,
                          limits={"User": config.max_users, "Group": config.max_groups})
    return {"config": config, "storage": storage, "service": service, "verifier": TokenVerifier(config.tokens),
            "clock": clock, "trusted_hosts": {host.lower() for host in config.trusted_hosts},
            "token_checks": [], "guarded_elsewhere": []}
