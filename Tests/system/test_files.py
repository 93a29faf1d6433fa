"""Files as operators and clients meet them: S3 through a real signature check, read back by another client;
several nodes on PostgreSQL; a kill -9 mid-upload; backup and restore."""
import hashlib
import json
import os
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
import requests

from conftest import PASSWORD, Server, run


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3():
    """moto's standalone S3 server, checking every request's Signature V4 against an IAM user's real key."""
    pytest.importorskip("moto")
    boto3 = pytest.importorskip("boto3")
    port = free_port()
    # The first four requests set up the user and the bucket; from then on moto authenticates every request.
    env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT="4")
    process = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            requests.get(url, timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.2)
    iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1", aws_access_key_id="setup", aws_secret_access_key="setup")
    iam.create_user(UserName="clientele")
    key = iam.create_access_key(UserName="clientele")["AccessKey"]
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    iam.put_user_policy(UserName="clientele", PolicyName="files", PolicyDocument=json.dumps(policy))
    boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id=key["AccessKeyId"],
                 aws_secret_access_key=key["SecretAccessKey"]).create_bucket(Bucket="clientele-files")
    yield {"url": url, "port": port, "access": key["AccessKeyId"], "secret": key["SecretAccessKey"]}
    process.terminate()
    process.wait(timeout=10)


def admin_token(data_dir, env=None):
    args = ["--data-dir", data_dir] if data_dir else []
    run("user", "add", *args, "--email", "admin@example.com", "--name", "Ada Admin", "--role", "admin", "--password-stdin",
        stdin=PASSWORD + "\n", env=env)
    return run("token", "create", *args, "--user", "admin@example.com", env=env).strip()


def company(base, token, name="Przedsiębiorstwo Łódź"):
    response = requests.post(f"{base}/api/v1/companies", json={"name": name}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def upload(base, token, company_id, name, data):
    return requests.post(f"{base}/api/v1/companies/{company_id}/files", params={"name": name}, data=data,
                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/octet-stream"})


def test_s3_storage_is_signed_and_what_it_stores_reads_back_with_minio(s3, data_dir):
    minio = pytest.importorskip("minio")
    run("migrate", "--data-dir", data_dir)
    token = admin_token(data_dir)
    env = dict(os.environ, CLIENTELE_S3_ACCESS_KEY=s3["access"], CLIENTELE_S3_SECRET_KEY=s3["secret"])
    server = Server("--data-dir", data_dir, "--file-storage", "s3", "--s3-endpoint", s3["url"], "--s3-bucket", "clientele-files",
                    "--s3-prefix", "crm/", env=env)
    try:
        target = company(server.url, token)
        data = os.urandom(5 * 1024 * 1024 + 17)
        created = upload(server.url, token, target, "Cennik – źródło.bin", data)
        assert created.status_code == 201, created.text
        digest = hashlib.sha256(data).hexdigest()
        assert created.json()["sha256"] == digest
        download = requests.get(f"{server.url}{created.json()['content_url']}", headers={"Authorization": f"Bearer {token}"})
        assert download.status_code == 200 and download.content == data
        client = minio.Minio(f"127.0.0.1:{s3['port']}", access_key=s3["access"], secret_key=s3["secret"], secure=False, region="us-east-1")
        stored = client.get_object("clientele-files", f"crm/{digest}")
        assert stored.read() == data
        # Nothing is kept on the local disk when the bucket holds the contents.
        assert not list((Path(data_dir) / "files").rglob(digest))
    finally:
        server.stop()

    wrong = dict(env, CLIENTELE_S3_SECRET_KEY="not-the-secret")
    refused = Server("--data-dir", data_dir, "--file-storage", "s3", "--s3-endpoint", s3["url"], "--s3-bucket", "clientele-files", env=wrong)
    try:
        failed = upload(refused.url, token, target, "x.txt", b"never stored")
        assert failed.status_code == 503 and failed.json()["code"] == "file_storage_unavailable", failed.text
        assert "403" in failed.json()["detail"] and "secret" in failed.json()["detail"]
        listed = requests.get(f"{refused.url}/api/v1/companies/{target}/files", headers={"Authorization": f"Bearer {token}"}).json()
        assert [item["name"] for item in listed["items"]] == ["Cennik – źródło.bin"]
    finally:
        refused.stop()


def test_two_postgresql_nodes_share_files_kept_in_the_database(postgres_url):
    env = dict(os.environ, CLIENTELE_DATABASE_URL=postgres_url)
    run("migrate", env=env)
    token = admin_token(None, env=env)
    first, second = Server(env=env), Server(env=env)
    try:
        target = company(first.url, token)
        data = ("Договор поставки № 7\n" * 200_000).encode()
        created = upload(first.url, token, target, "Договор.txt", data)
        assert created.status_code == 201, created.text
        download = requests.get(f"{second.url}{created.json()['content_url']}", headers={"Authorization": f"Bearer {token}"})
        assert download.content == data
        found = requests.get(f"{second.url}/api/v1/files", params={"q": "договор поставки"}, headers={"Authorization": f"Bearer {token}"})
        assert [item["id"] for item in found.json()["items"]] == [created.json()["id"]]
    finally:
        first.stop()
        second.stop()


def test_kill_during_an_upload_leaves_no_file_and_no_orphan_kept(data_dir):
    run("migrate", "--data-dir", data_dir)
    token = admin_token(data_dir)
    server = Server("--data-dir", data_dir)
    target = company(server.url, token)
    host, port = server.url.removeprefix("http://").split(":")
    connection = socket.create_connection((host, int(port)))
    size = 64 * 1024 * 1024
    connection.sendall((f"POST /api/v1/companies/{target}/files?name=half.bin HTTP/1.1\r\nHost: {host}\r\n"
                        f"Authorization: Bearer {token}\r\nContent-Type: application/octet-stream\r\nContent-Length: {size}\r\n\r\n").encode())
    chunk = os.urandom(1024 * 1024)
    for _ in range(20):
        connection.sendall(chunk)
    time.sleep(1)
    server.kill()
    connection.close()

    with sqlite3.connect(Path(data_dir) / "clientele.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM blobs").fetchone()[0] == 0
    # An upload is written to an unnamed file (O_TMPFILE) that gets its name only when whole, so the kernel took
    # the half-received bytes back with the process. A staged file a crash left after it was named is erased by
    # the next sweep (at start) once older than the grace period.
    staging = Path(data_dir) / "files" / ".staging"
    assert not list(staging.glob("*.part"))
    leftover = staging / "left-by-a-crash.part"
    leftover.write_bytes(chunk)
    old = time.time() - 3 * 86400
    os.utime(leftover, (old, old))
    restarted = Server("--data-dir", data_dir)
    try:
        deadline = time.time() + 10
        while time.time() < deadline and leftover.exists():
            time.sleep(0.2)
        assert not leftover.exists()
        listed = requests.get(f"{restarted.url}/api/v1/companies/{target}/files", headers={"Authorization": f"Bearer {token}"})
        assert listed.json()["items"] == []
        whole = upload(restarted.url, token, target, "whole.bin", chunk)
        assert whole.status_code == 201
    finally:
        restarted.stop()


def test_backup_holds_the_files_and_restore_brings_them_back(data_dir, tmp_path):
    run("migrate", "--data-dir", data_dir)
    token = admin_token(data_dir)
    server = Server("--data-dir", data_dir)
    target = company(server.url, token)
    data = "Szerződés – árvíztűrő tükörfúrógép".encode() * 1000
    created = upload(server.url, token, target, "Szerződés.txt", data)
    assert created.status_code == 201
    backup = tmp_path / "nightly.sqlite"
    assert "1 file(s) written" in run("backup", "--data-dir", data_dir, "--to", str(backup))
    server.stop()

    restored_dir = tmp_path / "restored"
    assert "1 file(s)" in run("restore", "--data-dir", str(restored_dir), "--from", str(backup))
    again = subprocess.run([str(Path(__file__).resolve().parents[2] / ".build/debug/clientele"), "restore", "--data-dir", str(restored_dir),
                            "--from", str(backup)], capture_output=True, text=True)
    assert again.returncode != 0 and "--replace" in again.stderr
    restored = Server("--data-dir", str(restored_dir))
    try:
        download = requests.get(f"{restored.url}{created.json()['content_url']}", headers={"Authorization": f"Bearer {token}"})
        assert download.status_code == 200 and download.content == data
    finally:
        restored.stop()
