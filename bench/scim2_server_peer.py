"""scim2-server 0.8.3 (python-scim), the named peer of `make bench`, seeded and served like ours.

    python bench/scim2_server_peer.py --users N --token T

Builds the application exactly as the `scim2-server` command does (RFC 7643 schemas, User and
Group, a bearer token), stores N users in its in-memory storage, then serves it through waitress
with the same thread count as `scimulator serve`. The `scim2-server` command itself runs on
wsgiref, which speaks HTTP/1.0 and closes every connection; waitress gives the peer the same
keep-alive connections ours gets, so the comparison is between the two applications.
Prints "SCIM base URL: ..." once it listens.
"""

from __future__ import annotations

import argparse
import logging

from scim2_models import ScimProvider
from scim2_server.memory import InMemoryStorage
from scim2_server.service import ScimService
from scim2_server.testserver.application import BEARER_TOKEN_SCHEME, BearerTokenApplication
from scim2_server.utils import load_default_resource_types, load_default_schemas, load_default_service_provider_config
from waitress.server import create_server

from bench.population import user_body
from scimulator.reference_server.serving import THREADS


def build_application(token: str, users: int) -> BearerTokenApplication:
    config = load_default_service_provider_config()
    config.authentication_schemes = [*(config.authentication_schemes or []), BEARER_TOKEN_SCHEME]
    provider = ScimProvider.from_discovery(load_default_schemas().values(), load_default_resource_types().values(),
                                           config=config)
    storage = InMemoryStorage()
    user_type = next(rt for rt in provider.resource_types if rt.name == "User")
    user_model = provider.model_for("User")
    for index in range(users):
        storage.create(user_type, user_model.model_validate(user_body(index)))
    return BearerTokenApplication(storage, provider, service=ScimService(provider, secret="bench"), bearer_tokens=[token])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--token", required=True)
    args = parser.parse_args()
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth" lines would mix into the bench output
    server = create_server(build_application(args.token, args.users), host="127.0.0.1", port=0, threads=THREADS)
    print(f"SCIM base URL: http://127.0.0.1:{server.effective_port}/v2", flush=True)
    server.run()


if __name__ == "__main__":
    main()
