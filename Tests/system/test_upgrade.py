"""Upgrades: a database made and filled by an older build migrates to this build's schema, ends up as a database
created today, and reads through the API as it did.

Each folder under `Tests/Fixtures/upgrade` was made by `scripts/make-upgrade-fixture` with an older commit's
binary: a plain SQL dump per engine and what that build's API read back. A migration edited after it landed makes
the upgraded schema differ from a fresh one, and this test fails.
"""
import json
import sqlite3
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

import upgrade_data
from conftest import BINARY, ROOT
from upgrade_fixture import Clientele, stop

FIXTURES = ROOT / "Tests" / "Fixtures" / "upgrade"
CASES = sorted(path.name for path in FIXTURES.iterdir() if path.is_dir()) if FIXTURES.is_dir() else []


def sqlite_schema(path):
    """Every table, column, index and trigger, as SQLite describes them."""
    with sqlite3.connect(path) as db:
        objects = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").fetchall()
        columns = [(table, *column) for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                   for column in db.execute("SELECT * FROM pragma_table_info(?)", (table,))]
    return {"objects": objects, "columns": columns}


def postgres_schema(url):
    """Every table, column, constraint, index, trigger and function of ours, as PostgreSQL describes them."""
    queries = {
        "columns": "SELECT table_name, column_name, data_type, is_nullable, column_default, collation_name, is_identity "
                   "FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2",
        "constraints": "SELECT conrelid::regclass, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2",
        "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2",
        "triggers": "SELECT tgrelid::regclass, tgname, pg_get_triggerdef(oid), tgenabled FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2",
        "functions": "SELECT proname, pg_get_functiondef(p.oid) FROM pg_proc p WHERE pronamespace = 'public'::regnamespace "
                     "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') ORDER BY 1",
        "extensions": "SELECT extname, extnamespace::regnamespace FROM pg_extension ORDER BY 1",
    }
    return {name: subprocess.run(["psql", url, "-XAtc", query], capture_output=True, text=True, check=True).stdout.splitlines()
            for name, query in queries.items()}


def schema_differences(upgraded, fresh):
    found = []
    for part in fresh:
        extra = [row for row in upgraded[part] if row not in fresh[part]]
        missing = [row for row in fresh[part] if row not in upgraded[part]]
        found += [f"{part}: only after upgrade: {row}" for row in extra] + [f"{part}: only when fresh: {row}" for row in missing]
    return found


def read_back(clientele, made):
    process, base = clientele.serve()
    try:
        return upgrade_data.snapshot(base, made["token"], made["pipeline"], made["month"])
    finally:
        stop(process)


def check(fixture, clientele, upgraded_schema, fresh_schema):
    made = json.loads((FIXTURES / fixture / f"{fixture_engine(clientele)}.json").read_text(encoding="utf-8"))
    differences = schema_differences(upgraded_schema, fresh_schema)
    assert not differences, "the upgraded schema is not the fresh one:\n" + "\n".join(differences)
    differences = upgrade_data.differences(made["read"], read_back(clientele, made))
    assert not differences, "the upgraded database reads differently:\n" + "\n".join(differences[:40])


def fixture_engine(clientele):
    return "sqlite" if "--data-dir" in clientele.database_args else "postgres"


@pytest.mark.skipif(not CASES, reason="no upgrade fixtures")
@pytest.mark.parametrize("fixture", CASES)
def test_an_older_sqlite_database_upgrades_to_the_fresh_schema_and_reads_the_same(fixture):
    with tempfile.TemporaryDirectory() as old, tempfile.TemporaryDirectory() as new:
        with sqlite3.connect(Path(old) / "clientele.sqlite") as db:
            db.executescript((FIXTURES / fixture / "sqlite.sql").read_text(encoding="utf-8"))
        upgraded = Clientele(BINARY, ["--data-dir", old])
        planned = upgraded.run("migrate", "--dry-run")
        assert "would apply" in planned or "up to date" in planned, planned
        upgraded.run("migrate")
        Clientele(BINARY, ["--data-dir", new]).run("migrate")
        check(fixture, upgraded, sqlite_schema(Path(old) / "clientele.sqlite"), sqlite_schema(Path(new) / "clientele.sqlite"))


@pytest.fixture
def postgres_server():
    import os
    base = os.environ.get("CLIENTELE_TEST_DATABASE_URL")
    if not base:
        pytest.skip("CLIENTELE_TEST_DATABASE_URL is not set")
    return base.rsplit("/", 1)[0]


@pytest.mark.skipif(not CASES, reason="no upgrade fixtures")
@pytest.mark.parametrize("fixture", CASES)
def test_an_older_postgres_database_upgrades_to_the_fresh_schema_and_reads_the_same(fixture, postgres_server):
    names = ["upgraded_" + uuid.uuid4().hex[:10], "fresh_" + uuid.uuid4().hex[:10]]
    admin = f"{postgres_server}/postgres"
    for name in names:
        subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    try:
        old, new = (f"{postgres_server}/{name}" for name in names)
        subprocess.run(["psql", old, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", str(FIXTURES / fixture / "postgres.sql")], check=True, capture_output=True)
        upgraded = Clientele(BINARY, ["--database-url", old])
        upgraded.run("migrate")
        Clientele(BINARY, ["--database-url", new]).run("migrate")
        check(fixture, upgraded, postgres_schema(old), postgres_schema(new))
    finally:
        for name in names:
            subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True)
