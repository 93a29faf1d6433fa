#!/usr/bin/env python3
"""Upload and download of one large file through the API, beside `cp` of the same file on the same disk, in one
run on one machine, for each file storage: the data directory, the database (SQLite; PostgreSQL with
--database-url) and S3 (moto's server with --s3-url, which keeps objects in memory).

The upload streams the file with curl (`-T`, no buffering in the client) to a release build of `clientele serve`;
the download writes the bytes back to disk. `cp` is timed with and without `sync`, because an upload is durable
(fsync) before it is acknowledged. Each figure is the median of --runs; writes
Benchmarks/results/<date>-files-<MB>.md and .json.

    swift build -c release --product clientele
    Benchmarks/files/run.py --size-mb 100 [--postgres postgres://postgres@127.0.0.1:54330] [--s3-url http://127.0.0.1:54340]
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / ".build" / "release" / "clientele"
PASSWORD = "benchmark password"


def timed(command, **kwargs):
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - start


def serve(data_dir, env, extra):
    process = subprocess.Popen([str(BINARY), "serve", "--port", "0", "--log-level", "warning", "--max-upload-mb", "2000", *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    deadline = time.time() + 60
    while time.time() < deadline:
        line = process.stdout.readline()
        match = re.search(r"running at (http://\S+)", line)
        if match:
            return process, match.group(1).rstrip("/")
    raise SystemExit("server did not start")


def setup(data_dir, env, database_args):
    run = lambda *args, stdin=None: subprocess.run([str(BINARY), *args, *database_args], input=stdin, text=True, check=True,
                                                   capture_output=True, env=env).stdout
    run("migrate")
    run("user", "add", "--email", "bench@example.com", "--name", "Bench", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    return run("token", "create", "--user", "bench@example.com").strip()


def measure(name, source, work, runs, extra, env, database_args):
    token = setup(work, env, database_args)
    process, base = serve(work, env, [*database_args, *extra])
    auth = f"Authorization: Bearer {token}"
    try:
        company = subprocess.run(["curl", "-sf", "-H", auth, "-H", "Content-Type: application/json", "-d", '{"name":"Bench"}',
                                  f"{base}/api/v1/companies"], check=True, capture_output=True, text=True).stdout
        company_id = json.loads(company)["id"]
        uploads, downloads = [], []
        for index in range(runs):
            # A different first byte each run, so no upload is deduplicated into a no-op.
            with open(source, "r+b") as handle:
                handle.write(bytes([index]))
            uploads.append(timed(["curl", "-sf", "-X", "POST", "-T", str(source), "-H", auth, "-H", "Content-Type: application/octet-stream",
                                  "-o", str(work / "upload.json"), f"{base}/api/v1/companies/{company_id}/files?name=bench-{index}.bin"]))
            file_id = json.loads((work / "upload.json").read_text())["id"]
            target = work / "downloaded.bin"
            downloads.append(timed(["curl", "-sf", "-H", auth, "-o", str(target), f"{base}/api/v1/files/{file_id}/content"]))
            assert target.stat().st_size == source.stat().st_size
            target.unlink()
        return {"storage": name, "upload_s": statistics.median(uploads), "download_s": statistics.median(downloads)}
    finally:
        process.terminate()
        process.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", help="also measure the database storage on PostgreSQL: a server URL such as "
                        "postgres://postgres@127.0.0.1:54330 (a database is created for the run and dropped after)")
    parser.add_argument("--s3-url", help="also measure S3 storage against this endpoint (moto: scripts/start-test-s3)")
    parser.add_argument("--work-dir", default=os.environ.get("TMPDIR", "/tmp"))
    parser.add_argument("--results", default=str(ROOT / "Benchmarks" / "results"))
    args = parser.parse_args()
    if not BINARY.exists():
        sys.exit("build first: swift build -c release --product clientele")
    size = args.size_mb * 1_000_000
    rows = []
    with tempfile.TemporaryDirectory(dir=args.work_dir, prefix="clientele-files-bench-") as scratch:
        scratch = Path(scratch)
        source = scratch / "source.bin"
        with open(source, "wb") as handle:
            handle.write(os.urandom(size))
        cps, synced = [], []
        for index in range(args.runs):
            copy = scratch / f"copy-{index}.bin"
            cps.append(timed(["cp", str(source), str(copy)]))
            copy.unlink()
            synced.append(timed(["sh", "-c", f"cp '{source}' '{copy}' && sync '{copy}'"]))
            copy.unlink()
        cp, cp_sync = statistics.median(cps), statistics.median(synced)
        plans = [("directory (SQLite)", [], {}, None), ("database (SQLite)", ["--file-storage", "database"], {}, None)]
        name = f"clientele_files_bench_{os.getpid()}"
        if args.postgres:
            server = args.postgres.rstrip("/")
            subprocess.run(["psql", f"{server}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
            plans.append(("database (PostgreSQL)", [], {}, ["--database-url", f"{server}/{name}"]))
        if args.s3_url:
            import boto3
            boto3.client("s3", endpoint_url=args.s3_url, region_name="us-east-1", aws_access_key_id="bench",
                         aws_secret_access_key="bench").create_bucket(Bucket="clientele-bench")
            plans.append(("S3 (moto)", ["--file-storage", "s3", "--s3-endpoint", args.s3_url, "--s3-bucket", "clientele-bench"],
                          {"CLIENTELE_S3_ACCESS_KEY": "bench", "CLIENTELE_S3_SECRET_KEY": "bench"}, None))
        for label, extra, variables, database in plans:
            work = scratch / re.sub(r"\W+", "-", label)
            work.mkdir()
            env = dict(os.environ, CLIENTELE_DATA_DIR=str(work), **variables)
            rows.append(measure(label, source, work, args.runs, extra, env, database or []))
            print(rows[-1], flush=True)
        if args.postgres:
            subprocess.run(["psql", f"{args.postgres.rstrip('/')}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
                           capture_output=True)
    mb = size / 1_000_000
    today = datetime.date.today().isoformat()
    results = Path(args.results)
    result = {"date": today, "size_mb": args.size_mb, "runs": args.runs, "cp_s": cp, "cp_sync_s": cp_sync, "storages": rows,
              "machine": {"cpus": os.cpu_count(), "system": platform.platform()}}
    (results / f"{today}-files-{args.size_mb}.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [f"# Files: a {args.size_mb} MB upload and download beside cp ({today})", "",
             f"One run on one machine ({os.cpu_count()} cores), median of {args.runs}. `cp` {mb / cp:,.0f} MB/s ({cp:.3f} s); "
             f"`cp` + `sync` {mb / cp_sync:,.0f} MB/s ({cp_sync:.3f} s). Uploads are fsynced before they are acknowledged, "
             "so `cp` + `sync` is the fair floor.", "",
             "| storage | upload | MB/s | × cp+sync time | download | MB/s | × cp time |", "|---|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        lines.append(f"| {row['storage']} | {row['upload_s']:.3f} s | {mb / row['upload_s']:,.0f} | {row['upload_s'] / cp_sync:.1f} | "
                     f"{row['download_s']:.3f} s | {mb / row['download_s']:,.0f} | {row['download_s'] / cp:.1f} |")
    (results / f"{today}-files-{args.size_mb}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
