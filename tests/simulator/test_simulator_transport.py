"""The transport never crashes on a bad wire, and never records a secret."""

from __future__ import annotations

import socket

import httpx

from scimulator.simulator import ENTRA, OKTA, VERIFY, Directory, EntraEngine, OktaEngine, Transport, VirtualClock


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mock(handler) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def test_an_unreachable_target_is_an_outcome_not_an_exception():
    with Transport(f"http://127.0.0.1:{free_port()}/scim/v2", "t", OKTA) as http:
        exchange = http.get("/Users")
    assert exchange.status is None and "could not be reached" in exchange.failure


def test_a_timeout_is_an_outcome():
    def handler(request):
        raise httpx.ReadTimeout("slow", request=request)
    exchange = Transport("http://x.test/scim/v2", "t", OKTA, http=mock(handler)).get("/Users")
    assert exchange.failure == "no answer within 60 s (timeout)"


def test_a_non_json_answer_is_an_outcome_with_its_text():
    def handler(request):
        return httpx.Response(200, content=b"<html>login</html>", headers={"Content-Type": "text/html"})
    exchange = Transport("http://x.test/scim/v2", "t", OKTA, http=mock(handler)).get("/Users")
    assert exchange.status == 200 and not exchange.ok
    assert exchange.failure.startswith("the answer is not JSON (text/html")
    assert exchange.response_body == "<html>login</html>"


def test_tokens_and_passwords_are_redacted_in_the_record_but_sent_on_the_wire():
    seen = []

    def handler(request):
        seen.append(request)
        return httpx.Response(201, json={"id": "1", "echo": "Bearer very-secret-token", "password": "p4ss"})
    http = Transport("http://x.test/scim/v2", "very-secret-token", OKTA, http=mock(handler))
    exchange = http.post("/Users", {"userName": "a", "password": "hunter2", "nested": [{"password": "x"}]})
    assert seen[0].headers["Authorization"] == "Bearer very-secret-token" and b"hunter2" in seen[0].content
    recorded = repr(exchange.to_dict())
    assert "very-secret-token" not in recorded and "hunter2" not in recorded and "p4ss" not in recorded
    assert exchange.request_headers["Authorization"] == "Bearer [REDACTED]"


def test_verify_reads_say_who_they_are():
    seen = []

    def handler(request):
        seen.append(request)
        return httpx.Response(200, json={"totalResults": 0, "Resources": []})
    http = Transport("http://x.test/scim/v2", "t", ENTRA, http=mock(handler))
    http.get("/Users")
    http.with_profile(VERIFY).get("/Users")
    assert "user-agent" not in seen[0].headers  # Entra: none
    assert seen[1].headers["User-Agent"].startswith("scimulator-verify/")
    assert [x.by for x in http.record] == ["idp", "verify"]


def test_engines_survive_an_unreachable_target():
    url = f"http://127.0.0.1:{free_port()}/scim/v2"
    directory = Directory(seed=3)
    person = directory.add_person()
    with Transport(url, "t", OKTA) as http:
        okta = OktaEngine(http, directory)
        assert not okta.test_connection().ok
        task = okta.assign(person)
    assert task.status == "failed" and "could not be reached" in task.message
    entra_directory = Directory(seed=3, id_style="entra")
    entra_person = entra_directory.add_person()
    with Transport(url, "t", ENTRA, VirtualClock()) as http:
        entra = EntraEngine(http, entra_directory, probe_each_cycle=False)
        entra.assign_user(entra_person)
        entra.start()
    assert entra.failures()[0].error_code == "TargetUnreachable"
    assert entra.escrowed()


def test_a_password_sent_once_is_redacted_wherever_the_target_echoes_it_later():
    def handler(request):
        echoed = "Pw-echo-91c2-kept"
        return httpx.Response(400, headers={"X-Echo": echoed},
                              json={"status": "400", "detail": f"{echoed} was refused", "password": echoed})
    okta = Transport("http://x.test/scim/v2", "t", OKTA, http=mock(handler))
    okta.post("/Users", {"userName": "a", "password": "Pw-echo-91c2-kept"})
    later = okta.with_profile(VERIFY).get("/Users")
    recorded = repr(later.to_dict())
    assert "Pw-echo-91c2-kept" not in recorded
    assert later.response_headers["x-echo"] == "[REDACTED]" and later.response_body["detail"] == "[REDACTED] was refused"
    assert later.response_body["password"] == "[REDACTED: returned by the target]"


def test_a_secret_across_the_end_of_a_kept_text_head_is_hidden_whole():
    secret = "Cut-secret-5e0d-across-the-end"
    def handler(request):
        return httpx.Response(500, content=b"x" * 490 + secret.encode(), headers={"Content-Type": "text/plain"})
    exchange = Transport("http://x.test/scim/v2", secret, OKTA, http=mock(handler)).get("/Users")
    assert exchange.response_body == "x" * 490 + "[REDACTED]"  # the 500 bytes kept would have cut it after "Cut-secre"
    assert "Cut-se" not in exchange.response_body


def test_clients_sharing_a_runs_connections_reuse_one_and_keep_their_own_cookies():
    from scimulator.reference_server.serving import serve_in_background
    from scimulator.simulator.transport import SharedConnections

    seen = []

    def app(environ, start_response):  # answers every request with a cookie; notes the connection and the cookie
        seen.append((environ["REMOTE_PORT"], environ.get("HTTP_COOKIE")))
        start_response("200 OK", [("Content-Type", "application/scim+json"), ("Set-Cookie", "sticky=1; Path=/")])
        return [b'{"Resources": []}']

    running, shared = serve_in_background(app), SharedConnections()
    try:
        for _ in range(3):
            with Transport(running.base_url, "t", OKTA, connections=shared) as http:
                assert http.get("/Users").status == 200
    finally:
        shared.close_pool()
        running.stop()
    assert len({port for port, _ in seen}) == 1  # one connection for the three clients
    assert [cookie for _, cookie in seen] == [None, None, None]  # no client sends another's cookie
