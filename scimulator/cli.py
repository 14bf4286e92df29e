"""The ``scimulator`` command.

Bad arguments and unusable options get one plain sentence on stderr and exit code 2, never a
traceback.
"""

from __future__ import annotations

import argparse
import gc
import os
import secrets
import sys
from typing import NoReturn


EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one sentence, exit 2
        self.exit(EXIT_UNUSABLE, f"scimulator: {message}. See 'scimulator --help'.\n")


def _parser() -> argparse.ArgumentParser:
    # Imported here, not with the module: it imports the whole simulator, which `scimulator run` imports with the
    # garbage collector paused (command_main).
    from scimulator.simulator.version import tool_version

    parser = _Parser(prog="scimulator", description="Certify SCIM 2.0 endpoints against how Okta and Entra ID behave.")
    parser.add_argument("--version", action="version", version=f"scimulator {tool_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    serve = commands.add_parser("serve", help="run the bundled reference SCIM 2.0 server")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port to listen on; 0 picks a free one (default 8080)")
    serve.add_argument("--db", default="scimulator.db", help="SQLite file that holds the data (default scimulator.db)")
    serve.add_argument("--token", help="bearer token to accept (default: SCIMULATOR_TOKEN, else a new random one)")
    serve.add_argument("--anonymous-discovery", action="store_true",
                       help="let /ServiceProviderConfig, /ResourceTypes and /Schemas be read without a token")
    serve.add_argument("--admin-token", help="enable the seed vendors' extras with this token (or SCIMULATOR_ADMIN_TOKEN): "
                                             "the admin JSON API (/admin/v1), SCIM configurations and sync logs")
    serve.add_argument("--max-users", type=int, help="refuse users beyond this many, as SingleStore does at 1,000")
    serve.add_argument("--max-groups", type=int, help="refuse groups beyond this many, as SingleStore does at 500")
    serve.add_argument("--movable-clock", action="store_true",
                       help="let the admin API move the server's clock forward (for tests of 24-hour token overlaps)")
    serve.add_argument("--base-url", metavar="URL",
                       help="what Location and meta.location start with, e.g. https://scim.example.com/scim/v2 "
                            "(default: the address it listens on; the client's Host header is never trusted unless listed)")
    serve.add_argument("--trusted-host", action="append", default=[], metavar="HOST[:PORT]",
                       help="a Host header value that may name the server in Location instead; repeat for several")
    serve.add_argument("--client-id", help="open an OAuth 2.0 token endpoint (client credentials) for this client; "
                                           "static --token keeps working beside it")
    serve.add_argument("--client-secret", help="that client's secret (default: SCIMULATOR_CLIENT_SECRET)")
    serve.add_argument("--client-public-key", metavar="PEM_FILE",
                       help="that client's public key (RSA or EC, PEM): it may then authenticate with a JWT signed "
                            "by its private key (RFC 7523, private_key_jwt), with or without a secret")
    serve.add_argument("--token-lifetime", type=int, default=3600, metavar="SECONDS",
                       help="how long issued tokens live (default 3600; Microsoft's gallery asks for 1 to 6 hours)")
    serve.add_argument("--rate-limit", type=float, metavar="PER_SECOND",
                       help="requests per second each client (each token) may send; beyond, 429 with Retry-After "
                            "(default: no limit; IPSIE asks for a limit that allows at least 25)")
    serve.add_argument("--workers", type=int, default=1, metavar="N",
                       help="serve from N processes on the same SQLite file, for load runs (default 1; more than one "
                            "runs under gunicorn, on POSIX systems; rate limits then count per process)")

    run = commands.add_parser("run", help="run the conformance suite against a target and write a report")
    run.add_argument("--target", help="SCIM base URL of the endpoint to certify (default: the bundled reference server)")
    run.add_argument("--token", help="bearer token for the target (default: SCIMULATOR_TOKEN)")
    run.add_argument("--auth", choices=["bearer", "client-credentials"], default="bearer",
                     help="client-credentials without --target: the bundled server registers a client and every "
                          "request carries an OAuth token it issued (default bearer: static tokens)")
    run.add_argument("--oauth-token-url", metavar="URL",
                     help="the target's OAuth 2.0 token endpoint: every request carries a client-credentials token")
    run.add_argument("--client-id", help="OAuth client id (default: SCIMULATOR_CLIENT_ID)")
    run.add_argument("--client-secret", help="OAuth client secret (default: SCIMULATOR_CLIENT_SECRET)")
    run.add_argument("--scope", help="scope to ask the token endpoint for (default: none)")
    run.add_argument("--client-auth", choices=["basic", "body", "private-key-jwt"], default="basic",
                     help="send the client secret in an HTTP Basic header or in the form body, or sign a JWT "
                          "assertion with --private-key (RFC 7523, private_key_jwt) (default basic)")
    run.add_argument("--private-key", metavar="PEM_FILE",
                     help="with --client-auth private-key-jwt: the client's RSA or EC private key (never shown); "
                          "without --target, one is made up for the run when not given")
    run.add_argument("--idp", action="append", metavar="PROFILE",
                     help="okta, entra, rfc7644, vendor, authentik, keycloak, jumpcloud, onelogin, ping or google; "
                          "repeat for several (default: all)")
    run.add_argument("--tags", metavar="EXPR", help='a tag expression, e.g. "must and not quarantine"')
    run.add_argument("--report-dir", default="scimulator-report", help="where the reports go (default scimulator-report)")
    run.add_argument("--baseline", metavar="FILE", help="fail only on failures not recorded in this baseline")
    run.add_argument("--write-baseline", metavar="FILE", help="record this run's failures as a baseline")
    run.add_argument("--allure-dir", metavar="DIR", help="also write Allure results here")
    run.add_argument("--deadline", type=float, default=3600.0, metavar="SECONDS",
                     help="start no scenario after this many seconds; the run then ends with exit 1 and a partial "
                          "report marked interrupted (default 3600)")
    run.add_argument("--profile", metavar="NAME",
                     help="a certification profile: okta-oin (Okta's SPEC and CRUD tests), entra-gallery (Microsoft's "
                          "SCIM Validation Logic App), scim-interop (the SCIM interoperability profile draft) or "
                          "ipsie-al1, ipsie-al2, ipsie-al3 (the IPSIE SCIM profile draft's levels), ipsie-al1-draft "
                          "(its AL1 editor's copy); runs the scenarios judging its tests or requirements and reports "
                          "each one")
    run.add_argument("--preset", choices=["singlestore", "cockroachdb", "cloudthinker"],
                     help="certify exactly a seed vendor's documented IdP setup; other scenarios are skipped with the reason")
    run.add_argument("--features", action="append", metavar="DIR",
                     help="run the scenarios of this feature directory instead of the bundled ones; repeat for several")
    steps = commands.add_parser("steps", help="print the step catalogue: every step a feature file may use")
    steps.add_argument("--format", choices=["text", "markdown"], default="text",
                       help="text for a terminal (default), or markdown (features/README.md is this output)")
    from scimulator.load_command import add_parser as add_load_parser

    add_load_parser(commands)
    return parser


def serve(args: argparse.Namespace) -> int:
    from scimulator.reference_server import ServerConfig
    from scimulator.reference_server.serving import build_server

    if not 0 <= args.port <= 65535:
        print(f"scimulator: --port must be between 0 and 65535, not {args.port}.", file=sys.stderr)
        return EXIT_UNUSABLE
    given = args.token or os.environ.get("SCIMULATOR_TOKEN")
    token = given or secrets.token_urlsafe(24)
    for name in ("max_users", "max_groups"):
        if getattr(args, name) is not None and getattr(args, name) < 0:
            print(f"scimulator: --{name.replace('_', '-')} must be 0 or more.", file=sys.stderr)
            return EXIT_UNUSABLE
    if args.base_url is not None and not args.base_url.startswith(("http://", "https://")):
        print("scimulator: --base-url must start with http:// or https://.", file=sys.stderr)
        return EXIT_UNUSABLE
    if args.rate_limit is not None and not args.rate_limit > 0:
        print("scimulator: --rate-limit must be a positive number of requests per second.", file=sys.stderr)
        return EXIT_UNUSABLE
    workers_refusal = _workers_refusal(args)
    if workers_refusal:
        print(f"scimulator: {workers_refusal}", file=sys.stderr)
        return EXIT_UNUSABLE
    admin_token = args.admin_token or os.environ.get("SCIMULATOR_ADMIN_TOKEN")
    oauth_clients, refusal = _oauth_clients(args)
    jwt_clients, key_refusal = _oauth_jwt_clients(args)
    refusal = refusal or key_refusal
    if refusal:
        print(f"scimulator: {refusal}", file=sys.stderr)
        return EXIT_UNUSABLE
    config = ServerConfig(db_path=args.db, tokens=[token], anonymous_discovery=args.anonymous_discovery,
                          admin_tokens=[admin_token] if admin_token else [], vendor_extras=bool(admin_token),
                          max_users=args.max_users,
                          max_groups=args.max_groups, movable_clock=args.movable_clock, base_url=args.base_url,
                          trusted_hosts=args.trusted_host, oauth_clients=oauth_clients, oauth_jwt_clients=jwt_clients,
                          token_lifetime=args.token_lifetime, rate_limit=args.rate_limit)
    try:
        running = build_server(config, args.host, args.port) if args.workers == 1 else \
            _worker_processes(config, args.host, args.port, args.workers)
    except OSError as error:
        print(f"scimulator: cannot listen on {args.host}:{args.port} ({error.strerror or error}).", file=sys.stderr)
        return EXIT_UNUSABLE
    print(f"SCIM base URL: {running.base_url}", flush=True)
    if given:
        print("Bearer token: the one you gave (not shown)", flush=True)
    else:
        print(f"Bearer token: {token}", flush=True)
    print(f"Data: {os.path.abspath(args.db)}", flush=True)
    for client_id in dict.fromkeys([*oauth_clients, *jwt_clients]):
        given_as = " and ".join(name for name, clients in (("secret", oauth_clients), ("public key", jwt_clients))
                                if client_id in clients)
        print(f"OAuth token URL: {running.base_url.removesuffix('/scim/v2')}/oauth/token "
              f"(client id {client_id}, {given_as} as given, not shown)", flush=True)
    if admin_token:
        print(f"Admin API: {running.base_url.removesuffix('/scim/v2')}/admin/v1 (admin token as given, not shown)", flush=True)
    try:
        running.server.run()
    except KeyboardInterrupt:
        pass
    finally:
        running.server.close()
    return EXIT_OK


def _workers_refusal(args: argparse.Namespace) -> str | None:
    """Why --workers cannot be used as given, or None."""
    if args.workers < 1:
        return "--workers must be 1 or more."
    if args.workers > 1 and args.movable_clock:
        return "--movable-clock needs --workers 1: each worker process would keep a clock of its own."
    if args.workers > 1 and os.name != "posix":
        return "--workers above 1 needs a POSIX system (gunicorn); on this one, serve with one worker."
    return None


def _worker_processes(config, host: str, port: int, workers: int):
    from scimulator.reference_server.worker_processes import build_processes

    return build_processes(config, host, port, workers)


def _oauth_clients(args: argparse.Namespace) -> tuple[dict[str, str], str | None]:
    """The OAuth client the server registers ({} without --client-id), or why the options cannot be used."""
    secret = args.client_secret or os.environ.get("SCIMULATOR_CLIENT_SECRET")
    if args.token_lifetime <= 0:
        return {}, "--token-lifetime must be a positive number of seconds."
    if not args.client_id:
        return {}, ("--client-secret needs --client-id." if args.client_secret else None)
    if not secret:
        return {}, (None if args.client_public_key else
                    "--client-id needs --client-secret (or SCIMULATOR_CLIENT_SECRET) or --client-public-key.")
    return {args.client_id: secret}, None


def _oauth_jwt_clients(args: argparse.Namespace) -> tuple[dict[str, str], str | None]:
    """The client's public key for private_key_jwt ({} without --client-public-key), or why it cannot be used."""
    from scimulator.reference_server.oauth import public_jwk

    if not args.client_public_key:
        return {}, None
    if not args.client_id:
        return {}, "--client-public-key needs --client-id."
    try:
        with open(args.client_public_key, encoding="ascii") as file:
            pem = file.read()
        public_jwk(pem)
    except (OSError, ValueError) as error:
        return {}, f"--client-public-key must name a PEM file holding an RSA or EC public key ({error})."
    return {args.client_id: pem}, None


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    if args.command == "run":
        return run_without_cycle_searches(args)
    if args.command == "steps":
        from scimulator.steps_command import print_catalogue

        return print_catalogue(args.format)
    if args.command == "load":
        from scimulator.load_command import load

        return load(args)
    _parser().print_help()
    return EXIT_UNUSABLE


def run_without_cycle_searches(args) -> int:
    """`scimulator run`, with the garbage collector's automatic searches for reference cycles paused from its
    imports to its reports: they would search, again and again, everything the run keeps to its end (the
    modules, the scenarios, the growing record of exchanges) and find little to free, as the start-up and the
    scenarios make little cyclic garbage (24 MB at most for the bundled suite). About a tenth of a second of a run
    of the bundled suite. Where the collector was on (a caller in the same process), it is on again afterwards,
    and one full pass frees the run's cyclic garbage at once (clients and their sockets among it)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        from scimulator.run import run

        return run(args)
    finally:
        if was_enabled:
            gc.enable()
            gc.collect()


def console_main() -> None:
    """The `scimulator` command (its console script, and ``python -m scimulator``)."""
    arguments = sys.argv[1:]
    end_process(arguments, command_main(arguments))


def command_main(arguments: list[str]) -> int:
    """`main` as the command runs it: a run's process ends with the run (`end_process`), so its collector stays
    paused to the end (`run_without_cycle_searches` then has nothing to put back)."""
    if arguments[:1] == ["run"]:
        gc.disable()
    return main(arguments)


def end_process(arguments: list[str], code: int) -> NoReturn:
    """Exit with `code`. A run's process ends as soon as its reports are written and its output flushed
    (os._exit): the interpreter's own teardown would first free the run's records object by object, some 30 ms for
    nothing, as the system takes the process's memory back whole. Every file the run writes is closed by then; no
    command but `run` ends this way."""
    if arguments[:1] == ["run"]:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    console_main()
