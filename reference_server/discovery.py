"""The discovery documents of RFC 7644 section 4: what this server supports, stated truthfully."""

from __future__ import annotations

from .config import ServerConfig
from .schema import RESOURCE_TYPES, SCHEMAS

SPC_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"


def service_provider_config(config: ServerConfig, base_url: str) -> dict:
    return {
        "schemas": [SPC_SCHEMA],
        "documentationUri": "https://pypi.org/project/scimulator/",
        "patch": {"supported": True},
        "bulk": {"supported": True, "maxOperations": config.bulk_max_operations,
                 "maxPayloadSize": config.max_payload_bytes},
        "filter": {"supported": True, "maxResults": config.max_results},
        "changePassword": {"supported": True},
        "sort": {"supported": True},
        "etag": {"supported": True},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": "Authentication with a bearer token in the Authorization header.",
            "specUri": "https://www.rfc-editor.org/rfc/rfc6750",
            "primary": True,
        }],
        "meta": {"resourceType": "ServiceProviderConfig", "location": f"{base_url}/ServiceProviderConfig"},
    }


def resource_types(base_url: str) -> list[dict]:
    return [rtype.to_dict(base_url) for rtype in RESOURCE_TYPES.values()]


def schemas(base_url: str) -> list[dict]:
    return [schema.to_dict(base_url) for schema in SCHEMAS.values()]
