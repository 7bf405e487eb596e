"""Loket's public pages against a plain Django page over the same tables, under gunicorn.

    make bench          # runs this after the matching benchmarks
    .venv/bin/python benchmarks/pages.py [--sizes 500,5000,50000] [--duration 10]
        [--rounds 3] [--workers 2] [--connections 4] [--pages home,catalogue,...] [--reseed]

For each size it uses a PostgreSQL database of its own, `<--db>_<size>` (made from a migrated
template `<--db>`, seeded once with `seed_sites` of `benchmarks/matching.py` and kept for the
next run; `--reseed` makes them again). Then it starts two gunicorn servers with the same
number of sync workers:

- Loket, `loket.wsgi` with `loket.settings.prod` (collected static files, Redis at
  127.0.0.1:6379 database 14, flushed for each size, no TLS redirect as in docker-compose.yml);
- the yardstick, `benchmarks/yardstick`: Django's stock middleware and plain views over the
  same tables, with the same queries and rows (the script checks that both pages list the same
  sites).

Each page is loaded with wrk (4 keep-alive connections, anonymous: wrk sends no cookie) in
interleaved rounds: Loket, plain, Loket, plain, ... `--rounds` times each, after a warm-up.
Printed for each size and page: requests per second and p50/p95 latency for both (the median
over the rounds), the throughput ratio (the median of each round's Loket run over the plain run
right after it), the response bytes (and gzip bytes for the map), the
load average before and after, the core count and the versions.
"""

# A benchmark that starts psql, wrk and gunicorn with fixed arguments on its own databases, and
# reads pages from 127.0.0.1: subprocesses, executables on PATH, SQL built from fixed names
# and urllib on http are what it is for.
# ruff: noqa: S310, S603, S607, S608

import argparse
import datetime
import gzip
import importlib.util
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
PG = ["-h", "127.0.0.1", "-U", "postgres"]
REDIS_DB = 14
SECRET_KEY = "bench-pages-only-7c1e0b9d4f2a8e6c3b5d7f9a1c3e5b7d9f1a3c5e"
LOKET_PORT, PLAIN_PORT = 8811, 8812

# A realistic search: a mid-sized building, step-free, under a budget.
FILTER = "surface_min=100&surface_max=2000&kind=building&max_cost=5000&step_free_access=on"

# Lua for wrk: the latency percentiles and the counts as one JSON line.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "seconds": %f, "errors": %d, "non2xx": %d, '
    .. '"p50": %f, "p90": %f, "p95": %f, "p99": %f}\\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout,
    summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, **kwargs)


def db_exists(name: str) -> bool:
    out = subprocess.run(
        ["psql", *PG, "-Atc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'", "postgres"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.strip() == "1"


def db_url(name: str) -> str:
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def manage_env(name: str, settings: str = "loket.settings.dev") -> dict:
    return {**os.environ, "DATABASE_URL": db_url(name), "DJANGO_SETTINGS_MODULE": settings}


def prepare_database(base: str, size: int, reseed: bool) -> str:
    """`<base>_<size>`, migrated and seeded with `size` sites; kept between runs."""
    name = f"{base}_{size}"
    if reseed or not db_exists(base):
        run(["dropdb", *PG, "--if-exists", base])
        run(["createdb", *PG, base])
        run(
            [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=manage_env(base)
        )
    if reseed or not db_exists(name):
        run(["dropdb", *PG, "--if-exists", name])
        run(["createdb", *PG, "-T", base, name])
        started = time.perf_counter()
        run([PYTHON, __file__, "--seed", str(size)], cwd=ROOT, env=manage_env(name))
        print(f"  seeded {size} sites in {time.perf_counter() - started:.0f} s", flush=True)
    return name


def seed(size: int) -> None:
    """Runs in its own process, on the database of DATABASE_URL (dev settings)."""
    # By its path: on sys.path, benchmarks/matching.py would hide the `matching` app.
    spec = importlib.util.spec_from_file_location(
        "bench_matching", ROOT / "benchmarks" / "matching.py"
    )
    bench_matching = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_matching)  # sets Django up with the dev settings

    from django.db import connection, transaction

    with transaction.atomic():
        bench_matching.seed_sites(size, random.Random(42), datetime.date.today())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def facts(name: str) -> dict:
    """The public sites' count and a site for the detail page (one with units and activities)."""
    sql = (
        "SELECT count(*) FROM properties_site WHERE state IN "
        "('published','partly_occupied','fully_occupied') AND publication = 'public'"
    )
    count = run(["psql", *PG, "-Atc", sql, name], capture_output=True, text=True).stdout.strip()
    sql = (
        "SELECT s.reference FROM properties_site s WHERE s.publication = 'public' AND "
        "s.state = 'published' AND EXISTS (SELECT 1 FROM properties_site_allowed_activities a "
        "WHERE a.site_id = s.id) AND (SELECT count(*) FROM properties_unit u "
        "WHERE u.site_id = s.id) >= 3 ORDER BY s.reference LIMIT 1"
    )
    reference = run(["psql", *PG, "-Atc", sql, name], capture_output=True, text=True).stdout
    return {"public_sites": int(count), "reference": reference.strip()}


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing listens on port {port} after {timeout} s")


def gunicorn(app: str, port: int, workers: int, env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            app,
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--no-control-socket",
            "--timeout=120",
            f"--pythonpath={ROOT}",
            f"--chdir={ROOT}",
        ],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def fetch(url: str, *, gzip_ok: bool = False) -> tuple[int, bytes, dict]:
    headers = {"Accept-Encoding": "gzip"} if gzip_ok else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=300) as r:
        return r.status, r.read(), dict(r.headers)


def wrk(url: str, duration: int, connections: int, script: Path) -> dict:
    out = run(
        [
            "wrk",
            f"--threads={min(connections, 2)}",
            f"--connections={connections}",
            f"--duration={duration}s",
            "--timeout=60s",
            f"--script={script}",
            url,
        ],
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def references(body: bytes) -> list[str]:
    return sorted(set(re.findall(rb"BENCH-S-\d+", body)))


def paths(reference: str) -> dict[str, str]:
    return {
        "home": "/nl/",
        "catalogue": "/nl/sites/",
        "filtered": f"/nl/sites/?{FILTER}",
        "detail": f"/nl/sites/{reference}/",
        "map": "/nl/sites/map.json",
    }


def versions() -> dict:
    import django  # only for its version: this process does not set Django up

    def out(cmd):
        # wrk --version exits with 1.
        result = subprocess.run(cmd, capture_output=True, text=True)
        return (result.stdout.strip().splitlines() or ["?"])[0]

    commit = out(["git", "-C", str(ROOT), "log", "-1", "--format=%h %s"])
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": out([str(BIN / "gunicorn"), "--version"]),
        "postgresql": out(["psql", *PG, "-Atc", "SHOW server_version", "postgres"]),
        "wrk": out(["wrk", "--version"]),
        "commit": commit[:100],
    }


def flush_redis() -> None:
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB).flushdb()


def measure_size(args, size: int, static_root: Path, script: Path, logs: Path) -> list[dict]:
    name = prepare_database(args.db, size, args.reseed)
    info = facts(name)
    print(f"\n== {size} sites seeded, {info['public_sites']} public; detail {info['reference']}")
    flush_redis()
    common = {
        **os.environ,
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": db_url(name),
    }
    loket_env = {
        **common,
        "DJANGO_SETTINGS_MODULE": "loket.settings.prod",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{LOKET_PORT}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "SECURE_SSL_REDIRECT": "false",
        "ACCOUNT_DEFAULT_HTTP_PROTOCOL": "http",
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "WARNING",
    }
    plain_env = {**common, "DJANGO_SETTINGS_MODULE": "benchmarks.yardstick.settings"}
    servers = [
        gunicorn("loket.wsgi:application", LOKET_PORT, args.workers, loket_env, logs / "loket.log"),
        gunicorn(
            "benchmarks.yardstick.wsgi:application",
            PLAIN_PORT,
            args.workers,
            plain_env,
            logs / "plain.log",
        ),
    ]
    rows = []
    try:
        wait_for(LOKET_PORT)
        wait_for(PLAIN_PORT)
        for page, path in paths(info["reference"]).items():
            if page not in args.pages:
                continue
            urls = {
                "loket": f"http://127.0.0.1:{LOKET_PORT}{path}",
                "plain": f"http://127.0.0.1:{PLAIN_PORT}{path}",
            }
            bodies = {}
            for side, url in urls.items():
                status, body, _headers = fetch(url)
                if status != 200:
                    raise SystemExit(f"{url} answered {status}")
                bodies[side] = body
            row = {"size": size, "public_sites": info["public_sites"], "page": page}
            if page == "map":
                loket_map, plain_map = (json.loads(bodies[s]) for s in ("loket", "plain"))
                # The plain body lists every site; Loket's may group them on the server.
                row["rows"] = len(plain_map["sites"])
                row["same_body"] = loket_map == plain_map
                _s, zipped, headers = fetch(urls["loket"], gzip_ok=True)
                row["loket_gzip_bytes"] = len(zipped) if headers.get("Content-Encoding") else None
                row["plain_gzip_bytes"] = len(gzip.compress(bodies["plain"]))
            elif page != "home":
                if references(bodies["loket"]) != references(bodies["plain"]):
                    raise SystemExit(f"{page}: the two pages show different sites")
                row["rows"] = len(references(bodies["loket"]))
            row["loket_bytes"], row["plain_bytes"] = len(bodies["loket"]), len(bodies["plain"])
            # Warm-up: both servers' workers load templates, translations and caches.
            for url in urls.values():
                wrk(url, max(2, args.duration // 3), args.connections, script)
            results = {"loket": [], "plain": []}
            for _round in range(args.rounds):
                for side, url in urls.items():
                    results[side].append(wrk(url, args.duration, args.connections, script))
            for side, runs in results.items():
                row[f"{side}_rps"] = statistics.median(r["rps"] for r in runs)
                row[f"{side}_rps_rounds"] = [round(r["rps"], 1) for r in runs]
                row[f"{side}_p50"] = statistics.median(r["p50"] for r in runs)
                row[f"{side}_p95"] = statistics.median(r["p95"] for r in runs)
                row[f"{side}_errors"] = sum(r["errors"] + r["non2xx"] for r in runs)
            # Each Loket run is paired with the plain run right after it, so that a change in
            # the machine's load between rounds counts against both sides of a ratio.
            paired = [
                loket["rps"] / plain["rps"]
                for loket, plain in zip(results["loket"], results["plain"], strict=True)
            ]
            row["ratio_rounds"] = [round(ratio, 2) for ratio in paired]
            row["ratio"] = statistics.median(paired)
            row["ratio_of_medians"] = row["loket_rps"] / row["plain_rps"]
            row["load"] = os.getloadavg()
            rows.append(row)
            print_row(row)
    finally:
        for server in servers:
            stop(server)
    return rows


HEADER = (
    f"{'size':>6} {'page':<10} {'Loket r/s':>9} {'plain r/s':>9} {'ratio':>5} "
    f"{'L p50':>7} {'L p95':>7} {'P p50':>7} {'P p95':>7} {'L bytes':>9} {'P bytes':>9} {'rows':>5}"
)


def print_row(row: dict) -> None:
    print(
        f"{row['size']:>6} {row['page']:<10} {row['loket_rps']:>9.1f} {row['plain_rps']:>9.1f} "
        f"{row['ratio']:>5.2f} {row['loket_p50']:>7.1f} {row['loket_p95']:>7.1f} "
        f"{row['plain_p50']:>7.1f} {row['plain_p95']:>7.1f} {row['loket_bytes']:>9} "
        f"{row['plain_bytes']:>9} {row.get('rows', ''):>5}"
        + (
            f"  gzip {row['loket_gzip_bytes']} / {row['plain_gzip_bytes']}"
            f"{'' if row['same_body'] else ' (bodies differ)'}"
            if "loket_gzip_bytes" in row
            else ""
        )
        + f"  rounds L {row['loket_rps_rounds']} P {row['plain_rps_rounds']}"
        + f" ratios {row['ratio_rounds']}"
        + (
            f"  ERRORS {row['loket_errors']}/{row['plain_errors']}"
            if row["loket_errors"] or row["plain_errors"]
            else ""
        ),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,5000,50000")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved runs per server")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--pages", default="home,catalogue,filtered,detail,map")
    parser.add_argument("--db", default="loket_bench_pages", help="database name prefix")
    parser.add_argument("--reseed", action="store_true", help="make the databases again")
    parser.add_argument("--json", help="also write the rows to this file")
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        seed(args.seed)
        return
    args.pages = args.pages.split(",")
    sizes = [int(size) for size in args.sizes.split(",")]

    work = Path(tempfile.mkdtemp(prefix="loket-bench-pages-"))
    static_root = work / "static"
    script = work / "percentiles.lua"
    script.write_text(WRK_SCRIPT)
    print("Collecting static files for the production settings...", flush=True)
    run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={
            **manage_env(args.db, "loket.settings.prod"),
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
            "STATIC_ROOT": str(static_root),
        },
    )
    load_before = os.getloadavg()
    started = datetime.datetime.now(datetime.UTC)
    print(f"Started {started:%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores; load {load_before}")
    print(json.dumps(versions()))
    print(
        f"{args.workers} sync workers per server, wrk {args.connections} connections, "
        f"{args.rounds} rounds x {args.duration} s per page and server, interleaved; "
        "latencies in ms, medians over the rounds"
    )
    rows = []
    try:
        for size in sizes:
            print(HEADER)
            rows += measure_size(args, size, static_root, script, work)
    finally:
        load_after = os.getloadavg()
        print(f"\nload average before {load_before}, after {load_after}")
        print("\n" + HEADER)
        for row in rows:
            print_row(row)
        if args.json:
            Path(args.json).write_text(json.dumps(rows, indent=1))
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
