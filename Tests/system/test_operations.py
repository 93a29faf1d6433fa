"""The executable as an operator meets it: commands, serving on both engines, several nodes, backup."""
import sqlite3
import subprocess
from pathlib import Path

import requests

from conftest import BINARY, PASSWORD, Server, login, run


def test_version_and_help():
    assert run("version").strip().startswith("clientele ")
    help_text = run("--help")
    for command in ["serve", "migrate", "user", "token", "demo", "backup", "version"]:
        assert command in help_text


def test_sqlite_server_is_ready_and_user_commands_work(sqlite_server, data_dir):
    assert requests.get(f"{sqlite_server.url}/readyz").json() == {"engine": "sqlite", "status": "ready"}
    run("user", "add", "--data-dir", data_dir, "--email", "rep@example.com", "--name", "Łucja Rep", "--role", "sales_rep", "--password-stdin", stdin=PASSWORD + "\n")
    listing = run("user", "list", "--data-dir", data_dir)
    assert "rep@example.com" in listing and "Łucja Rep" in listing
    token = run("token", "create", "--data-dir", data_dir, "--user", "rep@example.com").strip()
    assert token.startswith("clt_")
    me = requests.get(f"{sqlite_server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["email"] == "rep@example.com"
    run("user", "passwd", "--data-dir", data_dir, "--email", "rep@example.com", "--password-stdin", stdin="another long password\n")
    login(sqlite_server.url, "rep@example.com", "another long password")
    run("user", "disable", "--data-dir", data_dir, "--email", "rep@example.com")
    assert requests.get(f"{sqlite_server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    bad = subprocess.run([str(BINARY), "user", "add", "--data-dir", data_dir, "--email", "x@example.com", "--name", "X", "--role", "king", "--password-stdin"],
                         input="long enough password\n", capture_output=True, text=True)
    assert bad.returncode != 0 and "role must be one of" in bad.stderr


def test_backup_while_serving_is_consistent(sqlite_server, data_dir, tmp_path):
    session, csrf = login(sqlite_server.url, "admin@example.com")
    for index in range(20):
        response = session.post(f"{sqlite_server.url}/api/v1/companies", json={"name": f"Spółka {index}"}, headers={"X-CSRF-Token": csrf})
        assert response.status_code == 201
    target = tmp_path / "backup.sqlite"
    assert "Backup written" in run("backup", "--data-dir", data_dir, "--to", str(target))
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT COUNT(*) FROM companies").fetchone()[0] == 20
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    refused = subprocess.run([str(BINARY), "backup", "--data-dir", data_dir, "--to", str(target)], capture_output=True, text=True)
    assert refused.returncode != 0


def test_sigterm_stops_gracefully(data_dir):
    run("migrate", "--data-dir", data_dir)
    server = Server("--data-dir", data_dir)
    assert requests.get(f"{server.url}/healthz").status_code == 200
    assert server.stop() == 0


def test_postgres_refuses_pending_migrations_then_two_nodes_share_sessions(postgres_url):
    env = {"CLIENTELE_DATABASE_URL": postgres_url, "PATH": "/usr/bin:/bin"}
    refused = subprocess.run([str(BINARY), "serve", "--port", "0"], capture_output=True, text=True, env=env, timeout=60)
    assert refused.returncode != 0
    assert "pending migration" in refused.stdout + refused.stderr
    node_a = Server("--migrate", env=env)
    node_b = Server(env=env)
    try:
        for node in (node_a, node_b):
            assert requests.get(f"{node.url}/readyz").json() == {"engine": "postgres", "status": "ready"}
        run("user", "add", "--email", "maria@example.com", "--name", "Maria", "--role", "sales_manager", "--password-stdin", stdin=PASSWORD + "\n", env=env)
        session, csrf = login(node_a.url, "maria@example.com")
        created = session.post(f"{node_b.url}/api/v1/companies", json={"name": "Made on node B"}, headers={"X-CSRF-Token": csrf})
        assert created.status_code == 201, created.text
        listed = session.get(f"{node_a.url}/api/v1/companies").json()["items"]
        assert [company["name"] for company in listed] == ["Made on node B"]
        session.post(f"{node_b.url}/logout", data={"_csrf": csrf}, allow_redirects=False)
        assert session.get(f"{node_a.url}/api/v1/me").status_code == 401
    finally:
        node_a.stop()
        node_b.stop()


def test_served_openapi_document_is_valid(sqlite_server):
    validator = __import__("pytest").importorskip("openapi_spec_validator", reason="openapi-spec-validator is not installed")
    document = requests.get(f"{sqlite_server.url}/api/v1/openapi.json").json()
    validator.validate(document)
    assert document["openapi"] == "3.1.0"
