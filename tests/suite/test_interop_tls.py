"""The SCIM interop profile's transport rows (section 7.1): TLS on every exchange, and TLS 1.3 supported.

The broken-target framework wraps the reference server's WSGI app, which cannot change how its socket
speaks; so here the reference server is served over real TLS on a loopback port (a certificate made for the
test), once offering TLS 1.3 and once capped at TLS 1.2, and the suite's two scenarios run against it under
--profile scim-interop. A plain-HTTP target fails both.
"""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
import threading
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from werkzeug.serving import make_server

from scimulator.reference_server import ServerConfig
from scimulator.reference_server.app import create_app
from scimulator.reference_server.serving import start_in_background
from scimulator.steps.interop_steps import base_url_is_https, tls_13_handshake
from scimulator.steps.judge import ConformanceFailure
from tests.suite.suite_runner import run_suite

TOKEN = "tls-token"
OVER_TLS = "test_the_target_is_reached_over_tls"
TLS_13 = "test_the_target_completes_a_tls_13_handshake"
LOOPBACK = "127.0.0.1"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made for this test: (certificate file, key file)."""
    directory = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "scimulator loopback test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(LOOPBACK)),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


@contextmanager
def reference_server_over_tls(directory: Path, certificate: tuple[Path, Path],
                              maximum: ssl.TLSVersion | None = None):
    """The reference server on a loopback port behind TLS (at most `maximum`, if given): its https base URL."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    if maximum is not None:
        context.maximum_version = maximum
    app = create_app(ServerConfig(db_path=str(directory / "tls.db"), tokens=[TOKEN]))
    server = make_server(LOOPBACK, 0, app, threaded=True, ssl_context=context)
    thread = threading.Thread(target=server.serve_forever, name="scimulator-tls-test", daemon=True)
    thread.start()
    try:
        yield f"https://{LOOPBACK}:{server.server_port}/scim/v2"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def _judged(url: str, directory: Path) -> dict[str, str]:
    return run_suite(url, TOKEN, directory, "--profile", "scim-interop", only=(OVER_TLS, TLS_13))


@pytest.mark.parametrize("maximum, expected", [
    (None, {OVER_TLS: "passed", TLS_13: "passed"}),
    (ssl.TLSVersion.TLSv1_2, {OVER_TLS: "passed", TLS_13: "failed"}),
], ids=["offering TLS 1.3", "capped at TLS 1.2"])
def test_a_target_over_tls_is_judged_on_its_highest_version(maximum, expected, certificate, tmp_path, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # the run's own exchanges trust the test's certificate
    with reference_server_over_tls(tmp_path, certificate, maximum) as url:
        assert _judged(url, tmp_path) == expected


def test_a_target_over_plain_http_fails_both_rows(tmp_path):
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "plain.db"), tokens=[TOKEN]))
    try:
        assert _judged(running.base_url, tmp_path) == {OVER_TLS: "failed", TLS_13: "failed"}
    finally:
        running.stop()


def test_a_plain_http_base_url_fails_with_one_sentence():
    with pytest.raises(ConformanceFailure) as failure:
        base_url_is_https(SimpleNamespace(url="http://scim.example.com/scim/v2"))
    message = str(failure.value)
    assert message.count(". ") == 0 and message.endswith("is http://, not https://.") and "\n" not in message


def test_the_handshake_names_why_it_did_not_complete():
    """A loopback port nobody listens on: the reason is the connection's error, not an exception out of the step."""
    with socket_nobody_listens_on() as port:
        why = tls_13_handshake(LOOPBACK, port)
    assert why and "Error" in why


@contextmanager
def socket_nobody_listens_on():
    """A loopback port bound but not listening: a connection to it is refused at once."""
    with socket.socket() as bound:
        bound.bind((LOOPBACK, 0))
        yield bound.getsockname()[1]
