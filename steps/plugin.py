"""The scimulator pytest plugin: which target, which token, and the fixtures every scenario shares.

    pytest steps                                   # against the bundled reference server
    pytest steps --target URL --token T            # against any SCIM endpoint (or SCIMULATOR_TOKEN)
    pytest steps --idp okta --tags must            # one client's scenarios (tags are markers; -m works too)
    pytest steps --profile okta-oin                # a vendor's listing tests (steps/certification.py)

The options take `scimulator run`'s names; the run itself hands pytest a RunSettings object
(steps/settings.py) instead, and the plugin reads that when it is there. With no target, the session
starts the reference server on an ephemeral loopback port with a fresh SQLite file (real HTTP). On a
real target, every login and group name the suite creates starts with the run's prefix
(``scimu-<6 hex>-``) and is removed at the end of the session (DELETE, or deactivation where DELETE is
refused), unless ``--keep-data`` is given.
"""

from __future__ import annotations

import gc
import importlib
import itertools
import secrets
import sys
import time
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx
import pytest

from scimulator.simulator import VERIFY, Directory, Transport, VirtualClock
from scimulator.simulator.oauth import (CLIENT_AUTH_METHODS, ClientCredentials, OAuthBearer, TokenRefused,
                                        TokenSource, new_private_key, public_key_of)
from scimulator.simulator.transport import ClientProfile, Exchange, SharedConnections, register_secret
from .presets import PRESETS, Preset, skip_reason
from .settings import (AUTH_MODES, IDPS, RunSettings, SettingsError, activate, client_from_environment, deactivate,
                       token_from_environment)
from .written import written_scenario

# The step definitions, fixtures and hooks of the suite, registered with this plugin, in this order.
STEP_PLUGINS = ("scimulator.steps.okta_steps", "scimulator.steps.entra_steps", "scimulator.steps.target_steps",
                "scimulator.steps.user_checks", "scimulator.steps.protocol_steps", "scimulator.steps.vendor_steps",
                "scimulator.steps.okta_spec_steps", "scimulator.steps.gallery_steps", "scimulator.steps.certification",
                "scimulator.steps.reporting", "scimulator.steps.oauth_steps", "scimulator.steps.ipsie_steps",
                "scimulator.steps.step_lookup", "scimulator.steps.interop_steps", "scimulator.steps.oss_steps",
                "scimulator.steps.idp_steps")

EXCHANGES = pytest.StashKey[list]()
PROFILE_TOTALS = pytest.StashKey[dict]()  # each client profile's scenarios as collected, before any selection
CLIENT_TAGS = IDPS
TOPIC_TAGS = ("connection_test", "user_lifecycle", "deactivate_not_delete", "push_groups", "unlink", "cycles",
              "quarantine", "escrow", "filter", "patch", "put", "pagination", "sorting", "attributes", "etag", "errors",
              "auth", "discovery", "spec_test", "bundled_only", "filter_beyond_eq", "bulk", "singlestore", "cockroachdb",
              "cloudthinker", "manager", "roles", "matching", "on_demand", "oauth", "oauth_token_endpoint",
              "oauth_invalid_token", "oauth_renewal", "rate_limit")


@dataclass
class ScimTarget:
    """Where the scenarios send their requests."""

    url: str
    token: str | None = field(repr=False)  # never in a repr: Allure and tracebacks print fixture values
    bundled: bool = False
    run_prefix: str = "scimu-"
    keep_data: bool = False
    admin_url: str | None = None  # the bundled server's admin API (vendor scenarios)
    admin_token: str | None = field(default=None, repr=False)
    created: list[tuple[str, str]] = field(default_factory=list)  # (endpoint, id) to remove at the end
    removals: list[Exchange] = field(default_factory=list)  # the removal's exchanges: the run's, no scenario's
    # With client credentials: where tokens come from, and the httpx.Auth every request goes with (token None).
    credentials: ClientCredentials | None = field(default=None, repr=False)  # for the OAuth scenarios too
    token_source: TokenSource | None = field(default=None, repr=False)
    auth: httpx.Auth | None = field(default=None, repr=False)
    _scenarios: itertools.count = field(default_factory=lambda: itertools.count(1))

    def scenario_prefix(self) -> str:
        return f"{self.run_prefix}{next(self._scenarios):03d}-"


# The embedded server's rate limit: requests of one client it handles at once (reference_server/rate_limit.py).
# The scenarios send one request at a time, so only the IPSIE burst of parallel requests meets it.
EMBEDDED_MAX_IN_FLIGHT = 4
TARGET = pytest.StashKey["ScimTarget"]()
DEADLINE = pytest.StashKey[float]()  # time.monotonic() after which no scenario starts (--deadline)
SETTINGS = pytest.StashKey[RunSettings]()
DEADLINE_SENTENCE = "stopped at the deadline"


def pytest_plugin_registered(plugin, manager: pytest.PytestPluginManager) -> None:
    """Once this plugin is registered, its step modules are, as a ``pytest_plugins`` list would register them
    (assertions rewritten, under their module names, after this plugin) but without pytest's search of every
    installed distribution's entry points for each name, 2 ms a name with a hundred distributions installed."""
    if plugin is not sys.modules[__name__]:
        return
    for name in STEP_PLUGINS:
        if manager.get_plugin(name) is None and not manager.is_blocked(name):
            manager.rewrite_hook.mark_rewrite(name)
            manager.register(importlib.import_module(name), name)


def pytest_addoption(parser: pytest.Parser) -> None:
    """The options of `scimulator run`, by the same names (the run itself passes a RunSettings instead)."""
    group = parser.getgroup("scimulator", "scimulator conformance suite")
    group.addoption("--target", default=None, metavar="URL",
                    help="SCIM base URL of the target (default: the bundled reference server)")
    group.addoption("--token", default=None, help="bearer token for the target (default: SCIMULATOR_TOKEN)")
    group.addoption("--auth", default="bearer", choices=AUTH_MODES,
                    help="client-credentials without --target: the bundled server registers a client and every "
                         "request carries an OAuth token it issued (default bearer: static tokens)")
    group.addoption("--oauth-token-url", default=None, metavar="URL",
                    help="the target's OAuth 2.0 token endpoint: every request carries a client-credentials token")
    group.addoption("--client-id", default=None, help="OAuth client id (default: SCIMULATOR_CLIENT_ID)")
    group.addoption("--client-secret", default=None, help="OAuth client secret (default: SCIMULATOR_CLIENT_SECRET)")
    group.addoption("--scope", default=None, help="scope to ask the token endpoint for (default: none)")
    group.addoption("--client-auth", default="basic", choices=sorted(CLIENT_AUTH_METHODS),
                    help="send the client secret in an HTTP Basic header or in the form body, or sign a JWT "
                         "assertion with --private-key (RFC 7523, private_key_jwt) (default basic)")
    group.addoption("--private-key", default=None, metavar="PEM_FILE",
                    help="with --client-auth private-key-jwt: the client's RSA or EC private key (never shown); "
                         "without --target, one is made up for the run when not given")
    group.addoption("--idp", action="append", default=[], metavar="PROFILE",
                    help=f"{', '.join(IDPS)}; repeat for several (default: all)")
    group.addoption("--tags", default=None, metavar="EXPR", help='a tag expression, e.g. "must and not quarantine"')
    group.addoption("--profile", default=None, metavar="NAME",
                    help="a certification profile: run the scenarios judging its official tests (steps/certification.py)")
    group.addoption("--preset", default=None, choices=sorted(PRESETS),
                    help="a seed vendor's documented IdP setup: picks the Okta flavour, the Entra flag, and the scenarios")
    group.addoption("--features", action="append", default=[], metavar="DIR", dest="feature_directories",
                    help="run the scenarios of this feature directory instead of the bundled ones; repeat for several")
    group.addoption("--report-dir", default=None, metavar="DIR",
                    help="write report.json, report.html, summary.md, junit.xml here")
    group.addoption("--baseline", default=None, metavar="FILE", help="fail only on failures not in this baseline file")
    group.addoption("--write-baseline", default=None, metavar="FILE", help="record this run's failures as a baseline file")
    group.addoption("--deadline", type=float, default=None, metavar="SECONDS",
                    help="start no scenario after this many seconds; the run ends with a partial report marked interrupted")
    group.addoption("--keep-data", action="store_true", help="leave the users and groups the suite created")
    group.addoption("--admin-url", default=None, metavar="URL",
                    help="with --target: the admin API of a reference server started with `scimulator serve "
                         "--admin-token` (its /admin/v1), so that the scenarios needing it run against that server")
    group.addoption("--admin-token", default=None, help="that admin API's token")


def run_settings(config: pytest.Config) -> RunSettings:
    """The run's settings: the RunSettings `scimulator run` registered as a plugin, else built from the options."""
    if SETTINGS not in config.stash:
        given = [plugin for plugin in config.pluginmanager.get_plugins() if isinstance(plugin, RunSettings)]
        config.stash[SETTINGS] = given[0] if given else settings_from_options(config)
    return config.stash[SETTINGS]


def settings_from_options(config: pytest.Config) -> RunSettings:
    option = config.getoption
    client_id, client_secret = client_from_environment()
    return RunSettings(auth=option("--auth"), token_url=option("--oauth-token-url"),
                       client_id=option("--client-id") or client_id,
                       client_secret=option("--client-secret") or client_secret, scope=option("--scope"),
                       client_auth=option("--client-auth"), private_key_file=option("--private-key"),
                       target=option("--target"),
                       token=option("--token") or token_from_environment(),
                       idps=tuple(option("--idp")), tags=option("--tags"), profile=option("--profile"),
                       preset=option("--preset"), features=tuple(str(Path(d).resolve()) for d in option("--features")),
                       report_dir=option("--report-dir"), baseline=option("--baseline"),
                       write_baseline=option("--write-baseline"), deadline=option("--deadline"),
                       keep_data=option("--keep-data"))


def pytest_configure(config: pytest.Config) -> None:
    for tag in CLIENT_TAGS:
        config.addinivalue_line("markers", f"{tag}: scenarios of the {tag} client profile")
    config.addinivalue_line("markers", "must: the IdP breaks when this fails (counts against the verdict)")
    config.addinivalue_line("markers", "should: a deviation the IdP tolerates (reported, not counted)")
    for tag in TOPIC_TAGS:
        config.addinivalue_line("markers", f"{tag}: scenario topic")
    settings = run_settings(config)
    activate(settings)  # the feature directories, for steps/test_conformance.py
    select_by_idp_and_tags(config, settings)
    if settings.deadline is not None:
        config.stash[DEADLINE] = time.monotonic() + settings.deadline


def select_by_idp_and_tags(config: pytest.Config, settings: RunSettings) -> None:
    """--idp and --tags narrow the run as a marker expression would (combined with any -m given)."""
    try:
        chosen = settings.marker_expression()
    except SettingsError as error:
        raise pytest.UsageError(f"{error}.") from None
    if chosen:
        given = config.option.markexpr
        config.option.markexpr = f"({given}) and {chosen}" if given else chosen


def pytest_collection_finish(session: pytest.Session) -> None:
    """What the start-up and the collection made (modules, the scenarios) lives as long as the session: frozen, the
    garbage collector's full passes during the scenarios do not search it again each time (gc.freeze). (`scimulator
    run` pauses the collector's automatic passes for the whole run: scimulator/cli.py.)"""
    gc.freeze()


def pytest_unconfigure(config: pytest.Config) -> None:
    gc.unfreeze()  # collectable again, as it was before the session (a process may run several)
    if SETTINGS in config.stash:
        deactivate(config.stash[SETTINGS])


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    """Past the run's deadline no scenario starts: the session stops, and its report is partial (marked interrupted)."""
    deadline = item.config.stash.get(DEADLINE, None)
    if deadline is None or time.monotonic() < deadline:
        return None
    item.session.shouldstop = DEADLINE_SENTENCE
    return True  # the scenario is not run


@pytest.hookimpl(tryfirst=True)  # before -m and the certification profile deselect anything
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Count each profile's scenarios; under a preset, skip (with the reason) those whose setup the vendor does not
    document."""
    config.stash[PROFILE_TOTALS] = profile_totals(items)
    preset = active_preset(config)
    if preset is None:
        return
    for item in items:
        scenario = written_scenario(item)
        if scenario is None:
            continue
        tags = {marker.name for marker in item.iter_markers()}
        reason = skip_reason(preset, tags, [step.name for step in scenario.steps])
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


def profile_totals(items: list[pytest.Item]) -> dict[str, int]:
    totals = dict.fromkeys(CLIENT_TAGS, 0)
    for item in items:  # a scenario's profile is its first client tag in CLIENT_TAGS order, as the reports take it
        names = {marker.name for marker in item.iter_markers()}
        tag = next((tag for tag in CLIENT_TAGS if tag in names), None)
        if tag:
            totals[tag] += 1
    return {tag: count for tag, count in totals.items() if count}


def active_preset(config: pytest.Config) -> Preset | None:
    name = run_settings(config).preset
    return PRESETS[name] if name else None


@pytest.fixture(scope="session")
def preset(request: pytest.FixtureRequest) -> Preset | None:
    return active_preset(request.config)


@pytest.fixture(scope="session")
def scim_target(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The target of the run: the URL given, or the bundled reference server on a loopback port."""
    settings = run_settings(request.config)
    url, token, keep = settings.target, settings.token, settings.keep_data
    prefix = f"scimu-{secrets.token_hex(3)}-"
    if url:
        if not token and not settings.uses_client_credentials:
            raise pytest.UsageError("--target needs a token: --token or SCIMULATOR_TOKEN.")
        target = ScimTarget(url.rstrip("/"), None if settings.uses_client_credentials else token, bundled=False,
                            run_prefix=prefix, keep_data=keep, **served_admin_api(request.config))
        with_client_credentials(target, settings)
        request.config.stash[TARGET] = target
        yield target
        if not keep:
            remove_created(target)
        return
    from scimulator.reference_server import ServerConfig
    from scimulator.reference_server.serving import start_in_background

    token, admin_token = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    register_secret(admin_token)  # the run's other token: hidden wherever it might be quoted
    db = tmp_path_factory.mktemp("reference-server") / "scim.db"
    chosen = active_preset(request.config)
    settings = bundled_client(settings)  # the OAuth scenarios use its client even when the run uses static tokens
    running = start_in_background(ServerConfig(db_path=str(db), tokens=[token], admin_tokens=[admin_token],
                                               oauth_clients=bundled_oauth_clients(settings),
                                               oauth_jwt_clients=bundled_jwt_clients(settings),
                                               vendor_extras=True, movable_clock=True,
                                               max_in_flight=EMBEDDED_MAX_IN_FLIGHT,
                                               max_users=chosen.max_users if chosen else None,
                                               max_groups=chosen.max_groups if chosen else None))
    try:
        root = running.base_url.removesuffix("/scim/v2")
        target = ScimTarget(running.base_url, None if settings.uses_client_credentials else token, bundled=True,
                            run_prefix=prefix, keep_data=True, admin_url=root + "/admin/v1", admin_token=admin_token)
        with_client_credentials(target, settings, root + "/oauth/token")
        request.config.stash[TARGET] = target
        yield target
    finally:
        running.stop()


def served_admin_api(config: pytest.Config) -> dict:
    """--admin-url and --admin-token: a served reference server's admin API (the token becomes a secret)."""
    url, token = config.getoption("--admin-url"), config.getoption("--admin-token")
    if not url:
        return {}
    register_secret(token)
    return {"admin_url": url.rstrip("/"), "admin_token": token}


def bundled_client(settings: RunSettings) -> RunSettings:
    """The bundled server's OAuth client: the one given, else one made up for the run; with private-key-jwt,
    its private key: the one given, else a key pair made up for the run."""
    settings = replace(settings, client_id=settings.client_id or "scimulator-harness",
                       client_secret=settings.client_secret or secrets.token_urlsafe(32))
    if not settings.signs_assertions:
        return settings
    try:
        return replace(settings, private_key=settings.private_key_pem() or new_private_key())
    except SettingsError as error:
        raise pytest.UsageError(f"{error}.") from None


def bundled_oauth_clients(settings: RunSettings) -> dict[str, str]:
    return {settings.client_id: settings.client_secret}


def bundled_jwt_clients(settings: RunSettings) -> dict[str, str]:
    """The client's public key, registered with the bundled server when the run signs assertions."""
    return {settings.client_id: public_key_of(settings.private_key)} if settings.private_key else {}


def with_client_credentials(target: ScimTarget, settings: RunSettings, token_url: str | None = None) -> None:
    """Every request of the run with a client-credentials token: fetched now (the pre-flight), renewed after."""
    try:
        target.credentials = settings.client_credentials(token_url, required=False)
        if target.credentials is not None:
            register_secret(target.credentials.client_secret)
        credentials = settings.client_credentials(token_url)
        if credentials is None:
            return
        target.token_source = TokenSource(credentials)
        target.token_source.access_token()
    except (SettingsError, TokenRefused) as error:
        raise pytest.UsageError(f"{error}.") from None
    target.auth = OAuthBearer(target.token_source)


def remove_created(target: ScimTarget) -> None:
    """DELETE what the run created; where DELETE is refused, deactivate users instead. The requests are recorded
    in `target.removals` (report.json's run-level "cleanup", not any scenario's)."""
    with Transport(target.url, target.token, VERIFY, auth=target.auth, record=target.removals) as http:
        for endpoint, resource_id in reversed(list(dict.fromkeys(target.created))):
            answer = http.delete(f"/{endpoint}/{resource_id}")
            if endpoint == "Users" and answer.status not in (200, 204, 404):
                http.patch(f"/Users/{resource_id}", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                                                     "Operations": [{"op": "replace", "value": {"active": False}}]})


@pytest.fixture
def scenario_prefix(scim_target: ScimTarget) -> str:
    """Starts every login and group name of this scenario: scenarios never see each other's data."""
    return scim_target.scenario_prefix()


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def exchanges(request: pytest.FixtureRequest, scim_target: ScimTarget):
    """Every exchange of the scenario, IdP traffic and the suite's read-backs, in order (for the reports)."""
    record: list[Exchange] = []
    request.node.stash[EXCHANGES] = record
    yield record
    if not scim_target.keep_data:  # the bundled server's store is thrown away whole
        for exchange in record:
            register_created(scim_target, exchange)


def register_created(target: ScimTarget, exchange: Exchange) -> None:
    if exchange.method == "POST" and exchange.status == 201 and isinstance(exchange.response_body, dict):
        endpoint = exchange.url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
        if endpoint in ("Users", "Groups") and exchange.response_body.get("id"):
            target.created.append((endpoint, exchange.response_body["id"]))


_NO_TOKEN = object()


@pytest.fixture(scope="session")
def connections():
    """The run's keep-alive connections, shared by the scenarios' clients (each with its own cookies and timeout)."""
    shared = SharedConnections()
    yield shared
    shared.close_pool()


@pytest.fixture
def connect(scim_target: ScimTarget, clock: VirtualClock, exchanges: list, connections: SharedConnections):
    """Open a client of the target, speaking as `profile`, recording into the scenario's exchanges.

    `token` defaults to the run's token; pass None to send none. Clients are closed after the scenario; their
    connections stay open for the next scenario's clients.
    """
    opened: list[Transport] = []

    def open_client(profile: ClientProfile, token=_NO_TOKEN) -> Transport:
        transport = Transport(scim_target.url, scim_target.token if token is _NO_TOKEN else token, profile, clock,
                              record=exchanges, auth=scim_target.auth if token is _NO_TOKEN else None,
                              connections=connections)
        opened.append(transport)
        return transport

    yield open_client
    for transport in opened:
        transport.close()


@pytest.fixture
def verify(connect) -> Transport:
    """The suite's own reads of the target, sent as `scimulator-verify/<version>`."""
    return connect(VERIFY)


@pytest.fixture
def directory(request: pytest.FixtureRequest, scenario_prefix: str, preset) -> Directory:
    """People and groups of this scenario's IdP tenant, deterministic from the run's prefix and the scenario's name.

    The run's prefix is random, so object ids (sent as externalId), employee numbers and phone
    numbers differ between runs, and a target that keeps them unique never sees one twice.
    """
    style = "entra" if request.node.get_closest_marker("entra") else "okta"
    return Directory(seed=zlib.crc32(f"{scenario_prefix}{request.node.nodeid}".encode()), id_style=style,
                     prefix=scenario_prefix,
                     email_is_login=bool(preset and preset.email_is_login))


@pytest.fixture
def people() -> dict:
    """Aliases used in the Gherkin ("alice") to the directory's people."""
    return {}


@pytest.fixture
def groups() -> dict:
    """Aliases used in the Gherkin ("Engineering") to the directory's groups."""
    return {}
