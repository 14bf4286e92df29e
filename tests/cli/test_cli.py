"""The `scimulator` command as a user runs it: a real process, its printed lines and exit codes."""

from __future__ import annotations

import subprocess
import sys

import httpx

from tests.cli.serve_process import scimulator_serve


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scimulator", *args], capture_output=True, text=True, timeout=60)


def test_serve_prints_its_base_url_and_keeps_data_across_a_restart(tmp_path):
    db = tmp_path / "kept.db"
    with scimulator_serve(db, "cli-token") as base_url:
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/scim/v2")
        headers = {"Authorization": "Bearer cli-token"}
        created = httpx.post(f"{base_url}/Users", headers=headers, json={"userName": "kept@example.com"})
        assert created.status_code == 201
        assert httpx.get(f"{base_url}/Users", headers={"Authorization": "Bearer wrong"}).status_code == 401
    with scimulator_serve(db, "cli-token") as base_url:
        again = httpx.get(f"{base_url}/Users/{created.json()['id']}", headers=headers)
        assert again.status_code == 200 and again.json()["userName"] == "kept@example.com"


def test_bad_arguments_get_one_sentence_and_exit_2():
    for args in (["serve", "--port", "99999"], ["serve", "--port", "eighty"], ["launch"]):
        result = run_cli(*args)
        assert result.returncode == 2, (args, result)
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_a_port_in_use_gets_one_sentence_and_exit_2(tmp_path):
    with scimulator_serve(tmp_path / "a.db", "t") as base_url:
        port = base_url.split(":")[2].split("/")[0]
        result = run_cli("serve", "--port", port, "--db", str(tmp_path / "b.db"), "--token", "t")
    assert result.returncode == 2
    assert "cannot listen" in result.stderr and "Traceback" not in result.stderr


def test_a_given_token_is_never_printed(tmp_path):
    secret = "do-not-print-me-4411"
    process = subprocess.Popen([sys.executable, "-m", "scimulator", "serve", "--port", "0", "--db", str(tmp_path / "s.db"),
                                "--token", secret], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = [process.stdout.readline() for _ in range(3)]
    base_url = lines[0].removeprefix("SCIM base URL: ").strip()
    assert httpx.get(f"{base_url}/Users", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    process.terminate()
    out, err = process.communicate(timeout=10)
    printed = "".join(lines) + out + err
    assert "Data:" in printed
    assert secret not in printed
