"""Makes an upgrade fixture with an older build: `python3 Tests/system/upgrade_fixture.py BINARY OUT [POSTGRES_URL]`.

For each engine it creates a database with that binary, fills it through the binary's API (`upgrade_data.fill`),
reads it back (`upgrade_data.snapshot`) and keeps the database as a plain SQL dump beside what was read:
`OUT/sqlite.sql`, `OUT/sqlite.json`, and the same for PostgreSQL when a server URL is given. Run through
`scripts/make-upgrade-fixture`, which builds the older commit first.
"""
import json
import re
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import upgrade_data

USERS = [("admin@example.com", "Ada Admin", "admin", "en"), ("olga@example.com", "Ольга Смирнова", "sales_manager", "ru"),
         ("lukasz@example.com", "Łukasz Nowak", "sales_rep", "pl")]


class Clientele:
    """One binary on one database: its subcommands, and its server while `serving`."""

    def __init__(self, binary, database_args):
        self.binary, self.database_args = str(binary), list(database_args)

    def run(self, *args, stdin=None):
        result = subprocess.run([self.binary, *args, *self.database_args], input=stdin, capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise AssertionError(f"clientele {' '.join(args)} failed: {result.stdout}\n{result.stderr}")
        return result.stdout

    def serve(self):
        log = tempfile.NamedTemporaryFile(prefix="clientele-upgrade-", suffix=".log", delete=False)
        process = subprocess.Popen([self.binary, "serve", "--port", "0", *self.database_args], stdout=subprocess.PIPE, stderr=log, text=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                raise AssertionError(f"server exited: {Path(log.name).read_text()}")
            match = re.search(r"running at (http://\S+)", line)
            if match:
                return process, match.group(1).rstrip("/")
        process.kill()
        raise AssertionError("server did not start in 60 s")


def stop(process):
    process.terminate()
    process.wait(timeout=30)
    process.stdout.close()


def make(binary, database_args):
    """Creates, fills and reads one database with `binary`; returns what it read."""
    clientele = Clientele(binary, database_args)
    clientele.run("migrate")
    for email, name, role, locale in USERS:
        clientele.run("user", "add", "--email", email, "--name", name, "--role", role, "--locale", locale, "--password-stdin",
                      stdin=upgrade_data.PASSWORD + "\n")
    token = clientele.run("token", "create", "--user", "admin@example.com").strip()
    process, base = clientele.serve()
    try:
        made = upgrade_data.fill(base, token)
        month = datetime.now(timezone.utc).strftime("%Y-%m-01")
        read = upgrade_data.snapshot(base, token, made["pipeline"], month)
    finally:
        stop(process)
    return {"token": token, "pipeline": made["pipeline"], "month": month, "read": read}


def main(binary, out, postgres=None):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as directory:
        made = make(binary, ["--data-dir", directory])
        dump = subprocess.run(["sqlite3", str(Path(directory) / "clientele.sqlite"), ".dump"], capture_output=True, text=True, check=True).stdout
        (out / "sqlite.sql").write_text(dump, encoding="utf-8")
        (out / "sqlite.json").write_text(json.dumps(made, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if postgres:
        name = "upgrade_" + uuid.uuid4().hex[:12]
        server = postgres.rsplit("/", 1)[0]
        subprocess.run(["psql", f"{server}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
        try:
            made = make(binary, ["--database-url", f"{server}/{name}"])
            dump = subprocess.run(["pg_dump", "--no-owner", "--no-privileges", "--no-comments", f"{server}/{name}"], capture_output=True, text=True, check=True).stdout
            (out / "postgres.sql").write_text(dump, encoding="utf-8")
            (out / "postgres.json").write_text(json.dumps(made, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        finally:
            subprocess.run(["psql", f"{server}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
