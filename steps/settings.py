"""The settings of one run of the conformance suite, as one object.

`scimulator run` builds a RunSettings from its arguments and hands it to pytest as a plugin object
(``pytest.main(args, plugins=[settings])``); plain ``pytest`` builds it from the plugin's options, which
take the command's names (``--target``, ``--token``, ``--idp``, ``--profile``, ...). Either way the token
is read once, from the option or from SCIMULATOR_TOKEN, and never written back to the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

from scimulator.reports.model import BUNDLED_FEATURES, PROFILES
from scimulator.simulator.oauth import CLIENT_AUTH_METHODS, ClientCredentials, signing_key
from scimulator.simulator.transport import register_secret

TOKEN_VARIABLE = "SCIMULATOR_TOKEN"
CLIENT_ID_VARIABLE, CLIENT_SECRET_VARIABLE = "SCIMULATOR_CLIENT_ID", "SCIMULATOR_CLIENT_SECRET"
AUTH_MODES = ("bearer", "client-credentials")
# The client profiles --idp selects: the report's own list, so that a new IdP is named in one place.
IDPS = PROFILES


class SettingsError(ValueError):
    """A setting the run cannot use; the message is one plain sentence."""


@dataclass(frozen=True)
class RunSettings:
    """Which target, which token, which scenarios, and where the results go."""

    target: str | None = None  # None: the bundled reference server
    token: str | None = field(default=None, repr=False)  # never in a repr: tracebacks print values
    idps: tuple[str, ...] = ()  # empty: every client
    tags: str | None = None
    profile: str | None = None
    preset: str | None = None
    features: tuple[str, ...] = ()  # empty: the bundled feature files
    report_dir: str | None = None
    baseline: str | None = None
    write_baseline: str | None = None
    deadline: float | None = None  # seconds after the session starts; no scenario starts past it
    keep_data: bool = False
    # OAuth 2.0 client credentials: the target's token URL and client, or (auth="client-credentials", no
    # target) a client the bundled server registers; every request of the run then carries an issued token.
    auth: str = "bearer"
    token_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    scope: str | None = None
    client_auth: str = "basic"
    # private-key-jwt: the client's private key (PEM) from --private-key FILE, or one made up for the bundled server.
    private_key_file: str | None = None
    private_key: str | None = field(default=None, repr=False)

    @property
    def signs_assertions(self) -> bool:
        return self.client_auth == "private-key-jwt"

    def private_key_pem(self) -> str | None:
        """The client's private key: the one made up for the run, else --private-key's file (read now, a secret)."""
        if self.private_key or not self.private_key_file:
            return self.private_key
        try:
            with open(self.private_key_file, encoding="ascii") as file:
                pem = file.read()
            register_secret(pem)
            signing_key(pem)
        except (OSError, ValueError) as error:
            raise SettingsError(f"--private-key must name a PEM file holding an unencrypted RSA or EC private "
                                f"key ({type(error).__name__})") from None
        return pem

    @property
    def uses_client_credentials(self) -> bool:
        return self.auth == "client-credentials" or bool(self.token_url)

    def client_credentials(self, token_url: str | None = None, required: bool = True) -> ClientCredentials | None:
        """The client of the run (`token_url` in place of an unset one), or None for static tokens.

        ``required=False``: the client whenever one is known, even in a run with static tokens (the OAuth
        scenarios judge its token endpoint), else None."""
        if not required:
            known = (self.token_url or token_url) and self.client_id and (self.client_secret or self.private_key
                                                                           or self.private_key_file)
            return replace(self, auth="client-credentials").client_credentials(token_url) if known else None
        if not self.uses_client_credentials:
            return None
        url = self.token_url or token_url
        if self.signs_assertions:
            return self._assertion_credentials(url)
        if not (url and self.client_id and self.client_secret):
            raise SettingsError("client credentials need --oauth-token-url, --client-id and --client-secret "
                                f"(or {CLIENT_ID_VARIABLE} and {CLIENT_SECRET_VARIABLE})")
        if self.client_auth not in CLIENT_AUTH_METHODS:
            raise SettingsError(f"--client-auth takes {' or '.join(CLIENT_AUTH_METHODS)}, not {self.client_auth}")
        return ClientCredentials(url, self.client_id, self.client_secret, self.scope, self.client_auth)

    def _assertion_credentials(self, url: str | None) -> ClientCredentials:
        """private-key-jwt: the client signs an assertion for each token request (its secret, if any, kept too)."""
        pem = self.private_key_pem()
        if not (url and self.client_id and pem):
            raise SettingsError("--client-auth private-key-jwt needs --oauth-token-url, --client-id and --private-key")
        return ClientCredentials(url, self.client_id, self.client_secret, self.scope, self.client_auth, pem)

    @property
    def feature_directories(self) -> list[str]:
        return list(self.features) or [BUNDLED_FEATURES]

    def marker_expression(self) -> str | None:
        """The pytest marker expression that selects the chosen clients and tags."""
        parts = []
        if self.idps:
            unknown = [idp for idp in self.idps if idp not in IDPS]
            if unknown:
                raise SettingsError(f"--idp takes {', '.join(IDPS)}, not {', '.join(unknown)}")
            parts.append("(" + " or ".join(self.idps) + ")")
        if self.tags:
            parts.append(f"({self.tags.replace('@', '')})")
        return " and ".join(parts) or None

    def selection(self) -> dict:
        """What was asked for, as report.json's 'selection' records it."""
        return {"profile": self.profile, "preset": self.preset, "idps": list(self.idps) or list(IDPS),
                "tags": self.tags, "features": self.feature_directories}


def token_from_environment() -> str | None:
    return os.environ.get(TOKEN_VARIABLE) or None


def client_from_environment() -> tuple[str | None, str | None]:
    """SCIMULATOR_CLIENT_ID and SCIMULATOR_CLIENT_SECRET, read once."""
    return os.environ.get(CLIENT_ID_VARIABLE) or None, os.environ.get(CLIENT_SECRET_VARIABLE) or None


# The settings of the session being collected: the feature directories reach steps/test_conformance.py,
# which pytest imports while collecting, from here (set in pytest_configure, cleared in pytest_unconfigure).
_active: list[RunSettings] = []


def activate(settings: RunSettings) -> None:
    _active.append(settings)


def deactivate(settings: RunSettings) -> None:
    _active[:] = [active for active in _active if active is not settings]


def active_settings() -> RunSettings:
    """The settings of the session now running (the defaults when none is)."""
    return _active[-1] if _active else RunSettings()
