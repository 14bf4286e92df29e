"""How one reference server instance is set up: its store, its tokens, its advertised limits."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ServerConfig:
    db_path: str
    # Bearer tokens this server accepts. Only their hashes are kept once the app is built.
    tokens: list[str] = field(default_factory=list)
    # RFC 7644 section 4 lets discovery endpoints be read without authentication.
    anonymous_discovery: bool = False
    # Advertised in /ServiceProviderConfig and enforced: larger bodies get 413.
    max_payload_bytes: int = 1_048_576
    bulk_max_operations: int = 1000
    # A list request never returns more than this many resources in one page.
    max_results: int = 1000
    # A filter that no index can narrow scans at most this many resources; beyond, 400 tooMany.
    max_scan: int = 500_000
    # The seed vendors' extras (reference_server/vendor_extras.py): SCIM configurations and their secrets,
    # sync logs and, with admin_tokens, the admin JSON API. Off, their routes answer 404.
    vendor_extras: bool = False
    # Let the admin API move the server's clock forward (scenarios of 24-hour token overlaps).
    movable_clock: bool = False
    # Tokens of the admin JSON API (/admin/v1), distinct from SCIM tokens; none means no admin API.
    # The admin API is one of the vendor extras: without vendor_extras these tokens open nothing.
    admin_tokens: list[str] = field(default_factory=list)
    # Documented vendor limits (SingleStore: 1,000 users and 500 groups); None means unlimited.
    max_users: int | None = None
    max_groups: int | None = None
    # What Location and meta.location start with, e.g. "https://scim.example.com/scim/v2". Unset, they name
    # the address the server itself answers on (never the client's Host header, which anyone can set).
    base_url: str | None = None
    # Host header values (host or host:port) that may name the server in Location instead of base_url.
    trusted_hosts: list[str] = field(default_factory=list)
    # OAuth 2.0 client credentials (reference_server/oauth.py): client id -> secret, only hashed once the
    # app is built; none means no token endpoint. Issued tokens live token_lifetime seconds.
    oauth_clients: dict[str, str] = field(default_factory=dict)
    # Clients that authenticate with a JWT signed by their private key (RFC 7523 section 2.2, private_key_jwt):
    # client id -> the PEM of its public key. A client may also be in oauth_clients (then both ways work).
    oauth_jwt_clients: dict[str, str] = field(default_factory=dict)
    token_lifetime: int = 3600
    # Requests per second each client (each token) may send, in bursts of rate_burst (one second's worth unless
    # set); beyond, 429 with Retry-After (reference_server/rate_limit.py). None: no limit.
    rate_limit: float | None = None
    rate_burst: int | None = None
    # Requests of one client handled at once; one more is a 429 with Retry-After. None: no limit.
    max_in_flight: int | None = None
