"""The discovery documents of RFC 7644 section 4: what this server supports, stated truthfully."""

from __future__ import annotations

from flask import Blueprint

from .config import ServerConfig
from .errors import not_found
from .schema import RESOURCE_TYPES, SCHEMAS
from .web import PREFIX, base_url, core, scim_response

SPC_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
DISCOVERY = ("ServiceProviderConfig", "ResourceTypes", "Schemas")


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


def list_of(items: list[dict]) -> dict:
    return {"schemas": [LIST_RESPONSE], "totalResults": len(items), "startIndex": 1, "itemsPerPage": len(items),
            "Resources": items}


def discovery_blueprint() -> Blueprint:
    discovery = Blueprint("discovery", __name__, url_prefix=PREFIX)

    @discovery.get("/ServiceProviderConfig")
    def get_service_provider_config():
        return scim_response(service_provider_config(core()["config"], base_url()))

    @discovery.get("/ResourceTypes")
    def get_resource_types():
        return scim_response(list_of(resource_types(base_url())))

    @discovery.get("/ResourceTypes/<name>")
    def get_resource_type(name: str):
        for item in resource_types(base_url()):
            if item["id"].lower() == name.lower():
                return scim_response(item)
        raise not_found(f"No resource type '{name}'.")

    @discovery.get("/Schemas")
    def get_schemas():
        return scim_response(list_of(schemas(base_url())))

    @discovery.get("/Schemas/<path:schema_id>")
    def get_schema(schema_id: str):
        for urn, schema in SCHEMAS.items():
            if urn.lower() == schema_id.lower():
                return scim_response(schema.to_dict(base_url()))
        raise not_found(f"No schema '{schema_id}'.")

    return discovery
