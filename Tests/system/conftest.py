"""Runs real `clientele` processes for the system and browser tests.

The binary is the debug build (`swift build` has run before these tests); PostgreSQL tests use
CLIENTELE_TEST_DATABASE_URL and are skipped without it.
"""
import os
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / ".build" / "debug" / "clientele"
PASSWORD = "correct horse battery"


def run(*args, stdin=None, env=None):
    result = subprocess.run([str(BINARY), *args], input=stdin, capture_output=True, text=True, env=env, timeout=120)
    if result.returncode != 0:
        raise AssertionError(f"clientele {' '.join(args)} failed: {result.stdout}\n{result.stderr}")
    return result.stdout


class Server:
    """A `clientele serve` process on a free port; stopped with SIGTERM like a real service."""

    def __init__(self, *args, env=None):
        self.log = tempfile.NamedTemporaryFile(prefix="clientele-", suffix=".log", delete=False)
        self.process = subprocess.Popen([str(BINARY), "serve", "--port", "0", *args], stdout=subprocess.PIPE, stderr=self.log, text=True, env=env)
        deadline = time.time() + 60
        self.url = None
        while time.time() < deadline and self.url is None:
            line = self.process.stdout.readline()
            if not line and self.process.poll() is not None:
                raise AssertionError(f"server exited: {Path(self.log.name).read_text()}")
            match = re.search(r"running at (http://\S+)", line)
            if match:
                self.url = match.group(1).rstrip("/")
        assert self.url, "server did not start in 60 s"

    def kill(self):
        """SIGKILL: no shutdown code runs, as when the machine loses power or the OOM killer strikes."""
        self.process.kill()
        self.process.wait(timeout=30)
        self.process.stdout.close()

    def stop(self):
        self.process.terminate()
        try:
            return self.process.wait(timeout=30)
        finally:
            self.process.stdout.close()


def login(base, email, password=PASSWORD):
    """Signs in through the form like a browser; returns the session and the page's CSRF token."""
    session = requests.Session()
    page = session.get(f"{base}/login")
    token = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    response = session.post(f"{base}/login", data={"_csrf": token, "email": email, "password": password, "next": ""}, allow_redirects=False)
    assert response.status_code == 303, response.text
    home = session.get(f"{base}/")
    csrf = re.search(r'name="_csrf" value="([^"]+)"', home.text).group(1)
    return session, csrf


@pytest.fixture
def data_dir():
    directory = tempfile.mkdtemp(prefix="clientele-system-")
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def sqlite_server(data_dir):
    run("migrate", "--data-dir", data_dir)
    run("user", "add", "--data-dir", data_dir, "--email", "admin@example.com", "--name", "Ada Admin", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    server = Server("--data-dir", data_dir)
    yield server
    server.stop()


@pytest.fixture
def postgres_url():
    base = os.environ.get("CLIENTELE_TEST_DATABASE_URL")
    if not base:
        pytest.skip("CLIENTELE_TEST_DATABASE_URL is not set")
    name = "sys_" + uuid.uuid4().hex[:12]
    admin = base.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    yield base.rsplit("/", 1)[0] + "/" + name
    subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True)
