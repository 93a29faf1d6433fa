#!/usr/bin/env python3
"""The API under load, beside BottleCRM and beside a bare Hummingbird endpoint, in one run on one machine.

Serves the benchmark dataset that `clientele-bench` built (its data directory), copies the same records into
BottleCRM (installed by `Benchmarks/peer/install-bottlecrm`), and drives both with wrk through one Lua script
(`api.lua`) at the same concurrency: list, search, get, create and update of companies/accounts,
contacts, deals/opportunities (and BottleCRM's leads, which Clientele does not have yet), moving a deal's
stage, and Clientele's kanban. Server memory (RSS) is read from /proc idle and at its peak under load.
Writes Benchmarks/results/<date>-<deals>-http.md and .json.

    Benchmarks/http/run.py --data-dir $TMPDIR/clientele-bench/deals-1000000 --deals 1000000
"""
import argparse
import datetime
import json
import os
import platform
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LUA = Path(__file__).resolve().parent / "api.lua"
PEER = ROOT / "Benchmarks" / "peer"
PASSWORD = "benchmark password"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True, help="the benchmark data directory holding clientele.sqlite")
    parser.add_argument("--deals", type=int, required=True, help="the dataset's size, for the results' name")
    parser.add_argument("--results", default=str(ROOT / "Benchmarks" / "results"))
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per operation")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (one wrk thread each)")
    parser.add_argument("--no-peer", action="store_true", help="measure Clientele and the ceiling only")
    parser.add_argument("--bottlecrm-home", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "clientele-peer", "bottlecrm"))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    database = Path(args.data_dir) / "clientele.sqlite"
    if not database.exists():
        sys.exit(f"{database} does not exist: run Benchmarks/run --deals {args.deals} first")
    release = ROOT / ".build" / "release"
    load = Load(args.duration, args.connections)
    results = {"machine": machine(), "deals": args.deals, "duration_s": args.duration, "connections": args.connections, "servers": {}}

    dataset = Dataset(database)
    peer = None
    if not args.no_peer:
        # Installed and loaded first, so that it copies the dataset before Clientele's creates add to it.
        home = subprocess.run([str(PEER / "install-bottlecrm"), args.bottlecrm_home], check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        peer = BottleCRM(Path(home), database)
        peer.load()
    with Clientele(release, args.data_dir) as server:
        results["servers"]["clientele"] = server.measure(load, dataset)
    with Server([str(release / "clientele-bench"), "--only", "http-ceiling", "--port", "8791"], "http://127.0.0.1:8791", "/") as ceiling:
        results["ceiling"] = load.run("ceiling", ceiling.url, "GET", "/", auth="")
        results["ceiling"]["rss_mib"] = ceiling.rss_mib()
    if peer:
        with peer:
            results["servers"]["bottlecrm"] = peer.measure(load, dataset)
    write(results, Path(args.results))


def machine():
    cpus = os.cpu_count()
    memory = next((line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")), "0")
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.processor())
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.splitlines()[0] if shutil.which("wrk") else ""
    return {"cpus": cpus, "cpu": model, "memory_gib": round(int(memory) / 1024 / 1024, 1), "kernel": platform.release(), "wrk": wrk.strip()}


class Dataset:
    """The record ids the operations pick from, read from Clientele's file. BottleCRM's copy numbers its rows
    1…n in Clientele's id order, so position i names the same record in both."""

    def __init__(self, path):
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        live = "deleted_at IS NULL ORDER BY id"
        self.companies = [row[0] for row in db.execute(f"SELECT id FROM companies WHERE {live}")]
        self.contacts = [row[0] for row in db.execute(f"SELECT id FROM contacts WHERE {live}")]
        deals = [row[0] for row in db.execute(f"SELECT id FROM deals WHERE {live}")]
        self.deal_positions = sorted(random.Random(5).sample(range(len(deals)), min(2000, len(deals))))
        self.deals = [deals[i] for i in self.deal_positions]
        self.pipeline, = db.execute("SELECT id FROM pipelines ORDER BY id LIMIT 1").fetchone()
        self.stages = [row[0] for row in db.execute("SELECT id FROM stages WHERE pipeline_id = ? ORDER BY position LIMIT 2", (self.pipeline,))]
        # Open deals in the second stage, so the first move (to the first stage) is a real one.
        self.open_deals = [row[0] for row in db.execute(
            f"SELECT id FROM deals WHERE status = 'open' AND stage_id = ? AND {live} LIMIT 64", (self.stages[1],))]
        self.first_company = self.companies[0]


class Load:
    def __init__(self, duration, connections):
        self.duration = duration
        self.connections = connections
        # Makes the names and e-mails a run creates differ from every earlier run's (BottleCRM refuses duplicates).
        self.run_id = str(int(time.time()))

    def run(self, name, base, method, path, auth, body=None, ids=(), own=False, etag=False, stages=()):
        # The probe below uses a record no wrk thread edits.
        spare, ids = (ids[-1:], ids[:-1]) if own else (ids, ids)
        env = dict(os.environ, BENCH_RUN=self.run_id, BENCH_METHOD=method, BENCH_PATH=path, BENCH_AUTH=auth, BENCH_BODY=body or "",
                   BENCH_IDS=",".join(map(str, ids)), BENCH_OWN="1" if own else "0", BENCH_ETAG="1" if etag else "0",
                   BENCH_STAGES=",".join(map(str, stages)))
        if not body:
            env.pop("BENCH_BODY")
        # An operation that takes seconds would leave wrk's unfinished requests queued in the server, skewing
        # what follows; it is timed one request at a time instead.
        probe = self.once(base, method, path, auth, body, spare, stages)
        if probe > 1000:
            times = sorted([probe] + [self.once(base, method, path, auth, body, spare, stages) for _ in range(2)])
            if times[1] > 1000:
                return {"operation": name, "requests_per_s": round(1000 / times[1], 2), "requests": 3, "errors": 0,
                        "p50_ms": times[1], "p90_ms": times[2], "p99_ms": times[2], "sequential": True}
        command = ["wrk", "-t", str(self.connections), "-c", str(self.connections), "-d", f"{self.duration}s",
                   "--timeout", "10s", "-s", str(LUA), base]
        output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
        line = next((line for line in output.splitlines() if line.startswith("BENCH ")), None)
        if line is None:
            raise RuntimeError(f"wrk printed no summary for {name}:\n{output}")
        figures = json.loads(line[6:])
        seconds = figures["duration_us"] / 1e6
        return {"operation": name, "requests_per_s": round(figures["requests"] / seconds, 1), "requests": figures["requests"],
                "errors": figures["status_errors"] + figures["socket_errors"],
                "p50_ms": figures["p50_us"] / 1000, "p90_ms": figures["p90_us"] / 1000, "p99_ms": figures["p99_us"] / 1000}

    @staticmethod
    def once(base, method, path, auth, body, ids, stages):
        """Milliseconds of one request, as wrk would send it."""
        target = base + path.replace("{id}", str(ids[0]) if ids else "")
        payload = body.replace("{n}", f"probe-{time.time_ns()}").replace("{stage}", str(stages[0]) if stages else "") if body else None
        start = time.perf_counter()
        request(target, auth, payload.encode() if payload else None, method, etag_from=target if method == "PATCH" else None)
        return (time.perf_counter() - start) * 1000


class Server:
    """A server process started for the measurement and stopped after it, with its memory read from /proc
    (summed over its worker processes, for a pre-forking server such as gunicorn)."""

    def __init__(self, command, url, ready_path, env=None, cwd=None):
        self.command, self.url, self.ready_path, self.env, self.cwd = command, url, ready_path, env, cwd
        self.peak = 0.0
        self.sampling = False

    def __enter__(self):
        self.log = open(os.path.join(os.environ.get("TMPDIR", "/tmp"), f"bench-{Path(self.command[0]).name}.log"), "w")
        self.process = subprocess.Popen(self.command, env=self.env, cwd=self.cwd, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.command[0]} exited with {self.process.returncode}; see {self.log.name}")
            try:
                urllib.request.urlopen(self.url + self.ready_path, timeout=2).read()
                return self
            except urllib.error.HTTPError:
                return self  # it answered, if only to say the path wants another method
            except Exception:
                time.sleep(0.2)
        raise RuntimeError(f"{self.command[0]} did not answer within 120 s")

    def __exit__(self, *exc):
        self.sampling = False
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()

    def pids(self):
        found = [self.process.pid]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) in found:
                    found.append(int(entry.name))
        return found

    def rss_mib(self):
        total = 0
        for pid in self.pids():
            try:
                total += next(int(line.split()[1]) for line in open(f"/proc/{pid}/status") if line.startswith("VmRSS"))
            except (OSError, StopIteration):
                pass
        return round(total / 1024, 1)

    def sample_peak(self):
        self.sampling = True

        def loop():
            while self.sampling:
                self.peak = max(self.peak, self.rss_mib())
                time.sleep(0.2)
        threading.Thread(target=loop, daemon=True).start()


class Clientele(Server):
    def __init__(self, release, data_dir):
        self.release = release
        self.data_dir = data_dir
        super().__init__([str(release / "clientele"), "serve", "--data-dir", data_dir, "--port", "8790", "--log-level", "warning"],
                         "http://127.0.0.1:8790", "/healthz")

    def measure(self, load, data):
        token = subprocess.run([str(self.release / "clientele"), "token", "create", "--user", "admin@bench.test", "--name", "benchmark",
                                "--data-dir", self.data_dir, "--log-level", "warning"], check=True, capture_output=True, text=True).stdout.strip()
        auth = f"Bearer {token}"
        stages = data.stages
        for path in ["/api/v1/companies?limit=50", "/api/v1/deals?limit=50"]:
            request(self.url + path, auth)
        idle = self.rss_mib()
        self.sample_peak()
        run = lambda *a, **k: load.run(*a, auth=auth, **k)  # noqa: E731
        operations = [
            run("list companies/accounts", self.url, "GET", "/api/v1/companies?limit=50"),
            run("list contacts", self.url, "GET", "/api/v1/contacts?limit=50"),
            run("list deals/opportunities", self.url, "GET", "/api/v1/deals?limit=50"),
            run("search companies/accounts by name", self.url, "GET", "/api/v1/companies?q=Zak%C5%82ady&limit=50"),
            run("get company/account", self.url, "GET", "/api/v1/companies/{id}", ids=data.companies),
            run("get contact", self.url, "GET", "/api/v1/contacts/{id}", ids=data.contacts),
            run("get deal/opportunity", self.url, "GET", "/api/v1/deals/{id}", ids=data.deals),
            run("create company/account", self.url, "POST", "/api/v1/companies", body='{"name":"Nowa firma {n}","industry":"Software"}'),
            run("create contact", self.url, "POST", "/api/v1/contacts",
                body='{"first_name":"Łukasz","last_name":"Wiśniewski {n}","emails":[{"label":"work","address":"l{n}@bench.test"}]}'),
            run("create deal/opportunity", self.url, "POST", "/api/v1/deals",
                body=f'{{"title":"Wdrożenie {{n}}","pipeline_id":{data.pipeline},"stage_id":{stages[0]},"company_id":{data.first_company},"amount":"1200.00"}}'),
            run("update company/account", self.url, "PATCH", "/api/v1/companies/{id}", body='{"name":"Firma {n}"}',
                ids=data.companies, own=True, etag=True),
            run("update contact", self.url, "PATCH", "/api/v1/contacts/{id}", body='{"last_name":"Kowalski {n}"}',
                ids=data.contacts, own=True, etag=True),
            run("update deal/opportunity", self.url, "PATCH", "/api/v1/deals/{id}", body='{"title":"Umowa {n}"}',
                ids=data.open_deals, own=True, etag=True),
            run("move deal stage", self.url, "POST", "/api/v1/deals/{id}/move", body='{"stage_id":{stage}}',
                ids=data.open_deals, own=True, stages=stages),
            run("kanban first page", self.url, "GET", f"/api/v1/pipelines/{data.pipeline}/board"),
        ]
        self.sampling = False
        return {"name": "Clientele", "rss_idle_mib": idle, "rss_peak_mib": self.peak, "operations": operations}


class BottleCRM(Server):
    """BottleCRM under gunicorn, as its docs deploy it: sync workers, 2 × cores + 1 of them, DEBUG off."""

    def __init__(self, home, clientele_database):
        self.home = home
        self.source = clientele_database
        env = dict(os.environ, PYTHONPATH=str(PEER / "bottlecrm"), DJANGO_SETTINGS_MODULE="bench_settings",
                   BOTTLECRM_DB=str(home / "db.sqlite3"), CELERY_BROKER_URL="memory://")
        self.environment = env
        workers = 2 * (os.cpu_count() or 1) + 1
        # A long worker timeout: some of its list calls take longer than gunicorn's default 30 s at this size.
        super().__init__([str(home / "venv" / "bin" / "gunicorn"), "bench_wsgi", "-b", "127.0.0.1:8792", "-w", str(workers), "--timeout", "600"],
                         "http://127.0.0.1:8792", "/api/auth/login/", env=env, cwd=str(home))

    def load(self):
        subprocess.run([str(self.home / "venv" / "bin" / "python"), str(PEER / "bottlecrm" / "load.py"), str(self.source)],
                       env=self.environment, check=True)

    def measure(self, load, data):
        login = json.dumps({"email": "admin@bench.test", "password": PASSWORD}).encode()
        token = json.loads(request(self.url + "/api/auth/login/", "", login))["token"]
        auth = f"JWT {token}"
        accounts = list(range(1, len(data.companies) + 1))
        contacts = list(range(1, len(data.contacts) + 1))
        deals = [position + 1 for position in data.deal_positions]
        for path in ["/api/accounts/?limit=50", "/api/opportunities/?limit=50"]:
            request(self.url + path, auth)
        idle = self.rss_mib()
        self.sample_peak()
        run = lambda *a, **k: load.run(*a, auth=auth, **k)  # noqa: E731
        # BottleCRM requires the billing address and unique account, contact first and opportunity names.
        address = '"billing_address_line":"ul. Długa {n}","billing_street":"ul. Długa {n}","billing_city":"Łódź","billing_state":"łódzkie","billing_postcode":"90-001","billing_country":"PL"'
        account = '{"name":"Nowa firma {n}","email":"office{n}@bench.test","industry":"TECHNOLOGY",' + address + '}'
        operations = [
            run("list companies/accounts", self.url, "GET", "/api/accounts/?limit=50"),
            run("list contacts", self.url, "GET", "/api/contacts/?limit=50"),
            run("list deals/opportunities", self.url, "GET", "/api/opportunities/?limit=50"),
            run("list leads", self.url, "GET", "/api/leads/?limit=50"),
            run("search companies/accounts by name", self.url, "GET", "/api/accounts/?name=Zak%C5%82ady&limit=50"),
            run("get company/account", self.url, "GET", "/api/accounts/{id}/", ids=accounts),
            run("get contact", self.url, "GET", "/api/contacts/{id}/", ids=contacts),
            run("get deal/opportunity", self.url, "GET", "/api/opportunities/{id}/", ids=deals),
            run("get lead", self.url, "GET", "/api/leads/{id}/", ids=contacts),
            run("create company/account", self.url, "POST", "/api/accounts/", body=account),
            run("create contact", self.url, "POST", "/api/contacts/",
                body='{"first_name":"Łukasz {n}","last_name":"Wiśniewski {n}","email":"l{n}@bench.test"}'),
            run("create deal/opportunity", self.url, "POST", "/api/opportunities/",
                body='{"name":"Wdrożenie {n}","account":1,"stage":"QUALIFICATION","amount":"1200.00","currency":"PLN","probability":10}'),
            run("create lead", self.url, "POST", "/api/leads/",
                body='{"title":"Lead {n}","first_name":"Иван","last_name":"Иванов {n}","email":"i{n}@bench.test","status":"assigned","source":"call"}'),
            run("update company/account", self.url, "PUT", "/api/accounts/{id}/",
                body='{"name":"Firma {n}","email":"office{n}@bench.test","industry":"TECHNOLOGY",' + address + '}', ids=accounts, own=True),
            run("update contact", self.url, "PUT", "/api/contacts/{id}/",
                body='{"first_name":"Jan {n}","last_name":"Kowalski {n}","email":"k{n}@bench.test"}', ids=contacts, own=True),
            run("update deal/opportunity", self.url, "PUT", "/api/opportunities/{id}/",
                body='{"name":"Umowa {n}","stage":"QUALIFICATION","amount":"1300.00","currency":"PLN","probability":10}', ids=deals, own=True),
            run("update lead", self.url, "PUT", "/api/leads/{id}/",
                body='{"title":"Lead zmiana {n}","first_name":"Jan","last_name":"Kowalski {n}","status":"in process","source":"call"}', ids=contacts, own=True),
            run("move deal stage", self.url, "PUT", "/api/opportunities/{id}/",
                body='{"name":"Umowa ruch {n}","stage":"{stage}","amount":"1300.00","currency":"PLN","probability":10}', ids=deals, own=True,
                stages=["QUALIFICATION", "NEEDS ANALYSIS"]),
        ]
        self.sampling = False
        return {"name": "BottleCRM (django-crm 0.9.0, gunicorn)", "rss_idle_mib": idle, "rss_peak_mib": self.peak, "operations": operations}


def request(url, auth, body=None, method=None, etag_from=None):
    headers = {"Content-Type": "application/json"}
    if auth:
        headers["Authorization"] = auth
    if etag_from:
        with urllib.request.urlopen(urllib.request.Request(etag_from, headers=headers), timeout=600) as response:
            headers["If-Match"] = response.headers["ETag"]
    with urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers, method=method), timeout=600) as response:
        return response.read()


def write(results, directory):
    directory.mkdir(parents=True, exist_ok=True)
    stem = directory / f"{datetime.date.today().isoformat()}-{results['deals']}-http"
    stem.with_suffix(".json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    m = results["machine"]
    lines = [f"# API under load at {results['deals']:,} deals", "",
             f"Machine: {m['cpus']} × {m['cpu']}, {m['memory_gib']} GiB, Linux {m['kernel']}; {m['wrk']}. "
             f"{results['connections']} connections, {results['duration_s']} s per operation, client and servers on the same machine.", ""]
    clientele = results["servers"]["clientele"]
    peer = results["servers"].get("bottlecrm")
    ceiling = results["ceiling"]
    lines.append(f"HTTP ceiling (a Hummingbird route answering a constant): {ceiling['requests_per_s']:,.0f} req/s, p99 {ceiling['p99_ms']:.2f} ms.")
    lines.append("")
    header = "| operation | Clientele req/s | p50 ms | p99 ms | errors |"
    rule = "|---|---:|---:|---:|---:|"
    if peer:
        header += " BottleCRM req/s | p50 ms | p99 ms | errors | Clientele ÷ BottleCRM |"
        rule += "---:|---:|---:|---:|---:|"
    lines += [header, rule]
    theirs = {op["operation"]: op for op in peer["operations"]} if peer else {}
    names = [op["operation"] for op in clientele["operations"]] + [name for name in theirs if name not in {op["operation"] for op in clientele["operations"]}]
    mine = {op["operation"]: op for op in clientele["operations"]}
    for name in names:
        row = f"| {name} | " + cells(mine.get(name))
        if peer:
            other = theirs.get(name)
            ratio = f"{mine[name]['requests_per_s'] / other['requests_per_s']:.1f}×" if name in mine and other and other["requests_per_s"] else "—"
            row += " " + cells(other) + f" {ratio} |"
        lines.append(row)
    lines += ["", "| server memory (RSS) | idle MiB | peak under load MiB |", "|---|---:|---:|",
              f"| Clientele | {clientele['rss_idle_mib']} | {clientele['rss_peak_mib']} |"]
    if peer:
        lines.append(f"| BottleCRM (gunicorn master + workers) | {peer['rss_idle_mib']} | {peer['rss_peak_mib']} |")
    lines.append(f"| HTTP ceiling endpoint | {ceiling['rss_mib']} | — |")
    lines += ["", "A dash means the CRM has no such operation (Clientele's leads arrive with issue 4; BottleCRM has no kanban API). "
              "Updates in Clientele send If-Match with the ETag they last read, as its API requires; BottleCRM's PUT has no "
              "concurrency check. Each connection updates its own record. Moving a stage in BottleCRM is a PUT of the "
              "opportunity with another stage; in Clientele it appends to the stage log. \"One at a time\" marks an operation "
              "too slow to finish ten requests in the load run: its figures come from three requests in a row instead.", ""]
    stem.with_suffix(".md").write_text("\n".join(lines))
    print("\n".join(lines))


def cells(op):
    if not op:
        return "— | — | — | — |"
    rate = f"{op['requests_per_s']:,.0f}" if op["requests_per_s"] >= 10 else f"{op['requests_per_s']:.2f}"
    mark = " (one at a time)" if op.get("sequential") else ""
    return f"{rate}{mark} | {op['p50_ms']:.1f} | {op['p99_ms']:.1f} | {op['errors']} |"


if __name__ == "__main__":
    main()
