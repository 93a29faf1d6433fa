"""Reliability under the conditions that lose data in practice: the server killed mid-write, clients racing on the
same record, a backup taken under load, and many clients at once.

CI runs bounded versions; `scripts/reliability` runs the full ones (CLIENTELE_RELIABILITY=full): 20 kills, 200
clients for 60 s. Every test runs on SQLite, and on PostgreSQL when CLIENTELE_TEST_DATABASE_URL is set.
"""
import os
import random
import sqlite3
import statistics
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

from conftest import PASSWORD, Server, run

FULL = os.environ.get("CLIENTELE_RELIABILITY") == "full"
SCALE = {
    "kills": 20 if FULL else 4,
    "writers": 8 if FULL else 4,
    "racers": 16 if FULL else 6,
    "increments": 25 if FULL else 8,
    "load_clients": 200 if FULL else 40,
    "load_seconds": 60 if FULL else 8,
}


class Deployment:
    """One Clientele installation: an SQLite data directory or a PostgreSQL database, with a running server."""

    def __init__(self, engine, data_dir, postgres_url=None):
        self.engine = engine
        self.args = ["--data-dir", data_dir] if engine == "sqlite" else []
        self.env = {**os.environ, "CLIENTELE_DATABASE_URL": postgres_url} if engine == "postgres" else None
        run("migrate", *self.args, env=self.env)
        run("user", "add", *self.args, "--email", "admin@example.com", "--name", "Ada Admin", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n", env=self.env)
        self.token = run("token", "create", *self.args, "--user", "admin@example.com", env=self.env).strip()
        self.server = Server(*self.args, env=self.env)

    @property
    def url(self):
        return self.server.url

    def restart_killed(self):
        self.server.kill()
        self.server = Server(*self.args, env=self.env)

    def session(self):
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.token}"
        return session

    def close(self):
        self.server.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def deployment(request, data_dir):
    url = None
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
    deployment = Deployment(request.param, data_dir, url)
    yield deployment
    deployment.close()


class Ledger:
    """Every write the server acknowledged: company id → [(version, name)], in the order acknowledged."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acknowledged = {}

    def record(self, company):
        with self.lock:
            self.acknowledged.setdefault(company["id"], []).append((company["version"], company["name"]))

    def last(self, company_id):
        with self.lock:
            return self.acknowledged[company_id][-1]


def writer(deployment, ledger, stop, seed):
    """Creates a company, then renames it with If-Match, again and again; a refused or cut-off request is retried
    from a fresh read, as a careful client would."""
    rng = random.Random(seed)
    session = deployment.session()
    mine = []
    while not stop.is_set():
        base = deployment.url
        try:
            if not mine or rng.random() < 0.3:
                key = str(uuid.uuid4())
                response = session.post(f"{base}/api/v1/companies", json={"name": f"Firma {seed}-{len(mine)}"}, headers={"Idempotency-Key": key}, timeout=10)
                if response.status_code == 201:
                    ledger.record(response.json())
                    mine.append(response.json()["id"])
                continue
            company_id = rng.choice(mine)
            current = session.get(f"{base}/api/v1/companies/{company_id}", timeout=10)
            if current.status_code != 200:
                continue
            version = current.json()["version"]
            name = f"Firma {seed}-{company_id} v{version + 1} ł"
            response = session.patch(f"{base}/api/v1/companies/{company_id}", json={"name": name}, headers={"If-Match": f'"{version}"'}, timeout=10)
            if response.status_code == 200:
                ledger.record(response.json())
        except requests.RequestException:
            time.sleep(0.05)  # the server is down: wait for the restart


def check_ledger(deployment, ledger):
    session = deployment.session()
    assert ledger.acknowledged, "no write was acknowledged"
    for company_id, writes in ledger.acknowledged.items():
        response = session.get(f"{deployment.url}/api/v1/companies/{company_id}")
        assert response.status_code == 200, f"acknowledged company {company_id} is gone"
        company = response.json()
        version, name = writes[-1]
        # A later write may have reached the database without its answer reaching the client; never an earlier one.
        assert company["version"] >= version, (company_id, company, writes)
        if company["version"] == version:
            assert company["name"] == name, (company_id, company, writes)


def test_every_acknowledged_write_survives_sigkill(deployment):
    ledger, stop = Ledger(), threading.Event()
    threads = [threading.Thread(target=writer, args=(deployment, ledger, stop, seed)) for seed in range(SCALE["writers"])]
    for thread in threads:
        thread.start()
    try:
        rng = random.Random(7)
        for _ in range(SCALE["kills"]):
            time.sleep(rng.uniform(0.3, 1.2))
            deployment.restart_killed()
    finally:
        time.sleep(0.5)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    check_ledger(deployment, ledger)
    if deployment.engine == "sqlite":
        with sqlite3.connect(Path(deployment.args[1]) / "clientele.sqlite") as database:
            assert database.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_racing_if_match_updates_lose_nothing_and_apply_nothing_twice(deployment):
    session = deployment.session()
    company = session.post(f"{deployment.url}/api/v1/companies", json={"name": "Licznik 0"}).json()
    successes, refused = [], []

    def racer():
        client = deployment.session()
        for _ in range(SCALE["increments"]):
            while True:
                current = client.get(f"{deployment.url}/api/v1/companies/{company['id']}").json()
                count = int(current["name"].split()[-1])
                response = client.patch(f"{deployment.url}/api/v1/companies/{company['id']}", json={"name": f"Licznik {count + 1}"}, headers={"If-Match": f'"{current["version"]}"'})
                if response.status_code == 200:
                    successes.append(response.json()["version"])
                    break
                assert response.status_code == 412, response.text
                refused.append(1)

    threads = [threading.Thread(target=racer) for _ in range(SCALE["racers"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = SCALE["racers"] * SCALE["increments"]
    final = session.get(f"{deployment.url}/api/v1/companies/{company['id']}").json()
    assert final["name"] == f"Licznik {total}"
    assert final["version"] == 1 + total
    assert sorted(successes) == list(range(2, total + 2)), "each version was granted to exactly one client"
    history = session.get(f"{deployment.url}/api/v1/companies/{company['id']}/history").json()["items"]
    renames = sorted(int(change["new"].split()[-1]) for entry in history for change in entry["changes"] if change["field"] == "name" and entry["action"] == "update")
    assert renames == list(range(1, total + 1))


def test_backup_under_load_restores_a_consistent_moment(data_dir, tmp_path):
    deployment = Deployment("sqlite", data_dir)
    ledger, stop = Ledger(), threading.Event()
    threads = [threading.Thread(target=writer, args=(deployment, ledger, stop, seed)) for seed in range(SCALE["writers"])]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.5)
        with ledger.lock:
            before = {company_id: writes[-1] for company_id, writes in ledger.acknowledged.items()}
        backup = tmp_path / "backup.sqlite"
        assert "Backup written" in run("backup", "--data-dir", data_dir, "--to", str(backup))
        time.sleep(1.0)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        deployment.close()
    restored_dir = tmp_path / "restored"
    restored_dir.mkdir()
    os.replace(backup, restored_dir / "clientele.sqlite")
    restored = Server("--data-dir", str(restored_dir))
    try:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {deployment.token}"
        companies = {}
        url = f"{restored.url}/api/v1/companies?limit=200"
        while url:
            page = session.get(url).json()
            companies.update({c["id"]: c for c in page["items"]})
            url = f"{restored.url}/api/v1/companies?limit=200&cursor={page['next_cursor']}" if page.get("next_cursor") else None
    finally:
        restored.stop()
    # Everything acknowledged before the backup began is in it, at that version or later ...
    for company_id, (version, _) in before.items():
        assert company_id in companies and companies[company_id]["version"] >= version
    # ... and every record in it is exactly a state the server acknowledged: a moment, not a mix.
    for company_id, company in companies.items():
        states = dict(ledger.acknowledged[company_id])
        assert states.get(company["version"]) == company["name"], (company, ledger.acknowledged[company_id])


def test_many_clients_mixed_traffic_without_errors(deployment):
    session = deployment.session()
    pipeline = session.post(f"{deployment.url}/api/v1/pipelines", json={"name": "Load", "currency": "PLN", "stages": [{"name": "A", "probability": 10}, {"name": "B", "probability": 50}]}).json()
    stages = [s["id"] for s in pipeline["stages"]]
    seed_ids = [session.post(f"{deployment.url}/api/v1/companies", json={"name": f"Łódź {i}"}).json()["id"] for i in range(20)]
    deals = [session.post(f"{deployment.url}/api/v1/deals", json={"title": f"D{i}", "pipeline_id": pipeline["id"], "stage_id": stages[0], "amount": "100.00"}).json()["id"] for i in range(20)]
    latencies, errors, lock = {}, [], threading.Lock()
    deadline = time.time() + SCALE["load_seconds"]

    def client(seed):
        rng = random.Random(seed)
        http = deployment.session()
        base = deployment.url
        while time.time() < deadline:
            pick = rng.random()
            started = time.perf_counter()
            if pick < 0.3:
                operation, response = "list", http.get(f"{base}/api/v1/companies?limit=50")
            elif pick < 0.5:
                operation, response = "search", http.get(f"{base}/api/v1/companies", params={"q": rng.choice(["lodz", "łódź 1", "firma"])})
            elif pick < 0.7:
                operation, response = "get", http.get(f"{base}/api/v1/companies/{rng.choice(seed_ids)}")
            elif pick < 0.85:
                operation, response = "create", http.post(f"{base}/api/v1/companies", json={"name": f"Nowa {seed}-{rng.random()}"})
            elif pick < 0.95:
                operation, response = "board", http.get(f"{base}/api/v1/pipelines/{pipeline['id']}/board")
            else:
                deal = rng.choice(deals)
                operation = "move"
                current = http.get(f"{base}/api/v1/deals/{deal}").json()
                target = stages[1] if current["stage_id"] == stages[0] else stages[0]
                response = http.post(f"{base}/api/v1/deals/{deal}/move", json={"stage_id": target})
                if response.status_code in (409, 412, 422):  # another client moved it first
                    response.status_code = 200
            elapsed = time.perf_counter() - started
            with lock:
                latencies.setdefault(operation, []).append(elapsed)
                if response.status_code >= 300:
                    errors.append((operation, response.status_code, response.text[:200]))

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(SCALE["load_clients"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    summary = {op: (len(v), statistics.quantiles(v, n=100)[49] * 1000, statistics.quantiles(v, n=100)[98] * 1000) for op, v in latencies.items() if len(v) > 1}
    report = "\n".join(f"  {op:7} {n:6d} requests  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms" for op, (n, p50, p99) in sorted(summary.items()))
    print(f"\n{deployment.engine}, {SCALE['load_clients']} clients for {SCALE['load_seconds']} s:\n{report}")
    results = os.environ.get("CLIENTELE_RELIABILITY_RESULTS")
    if results:
        with open(results, "a", encoding="utf-8") as out:
            out.write(f"\n### Mixed load on {deployment.engine}: {SCALE['load_clients']} clients for {SCALE['load_seconds']} s, {len(errors)} errors\n\n```\n{report}\n```\n")
    assert not errors, errors[:5]


def test_fuzzed_api_never_errors_and_always_matches_its_schema(sqlite_server, data_dir, tmp_path):
    """schemathesis against the served OpenAPI document, every operation and phase, authenticated as an admin: no
    server error, every answer as documented (status, type, headers, body), 405 with Allow for methods a path does
    not have, nothing readable after a delete. Revoking the fuzzer's own token or demoting its user would end the
    run early; the Swift suite covers those two."""
    import shutil
    import subprocess
    cli = shutil.which("schemathesis") or shutil.which("st")
    if not cli:
        pytest.skip("schemathesis is not installed (pip install schemathesis)")
    token = run("token", "create", "--data-dir", data_dir, "--user", "admin@example.com").strip()
    examples = "200" if FULL else "10"
    result = subprocess.run([
        cli, "--config-file", str(Path(__file__).parent / "schemathesis.toml"),
        "run", f"{sqlite_server.url}/api/v1/openapi.json", "-H", f"Authorization: Bearer {token}",
        # Every check but the two where the document does not yet state every constraint the API enforces
        # (rules across parameters, required text, control characters): see issue 19's note.
        "--checks", "all", "--exclude-checks", "negative_data_rejection,positive_data_acceptance", "-n", examples,
        *([] if FULL else ["--generation-deterministic"]),
        "--exclude-name", "DELETE /api/v1/tokens/{id}", "--exclude-name", "PATCH /api/v1/users/{id}",
        "--report-junit-path", str(tmp_path / "schemathesis.xml"),
    ], capture_output=True, text=True, timeout=1800, env={**os.environ, "NO_COLOR": "1"})
    summary = result.stdout[-3000:]
    assert result.returncode == 0, summary
    assert "Authentication failed" not in result.stdout, summary
