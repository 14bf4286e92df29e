"""The bundled SCIM 2.0 service provider: scimulator's default target and its model of a
correct, IdP-tolerant endpoint.

It knows nothing of the rest of scimulator: ``create_app`` is all a QA team needs to run it as a
sandbox or embed it in their own tests.
"""

from .app import create_app
from .config import ServerConfig

__all__ = ["create_app", "ServerConfig"]
