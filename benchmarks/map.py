"""The catalogue map's data and the open-data exports at 5,000 and 50,000 sites, under gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/loket_bench_map \\
        .venv/bin/python benchmarks/map.py [--sites 50000] [--samples 40] [--port 8765]

The database must be a throwaway one, migrated (`manage.py migrate`). The first run seeds it
with `seed_sites` of `benchmarks/matching.py` (sites BENCH-S-*, the generator's defaults:
approximate points, 85 % published, 15 % partly occupied), all made public, so that `--sites`
is the number of sites on the map; later runs reuse them. The script then collects the static
files into a temporary directory and starts one gunicorn worker with `loket.settings.prod` on
Redis database 13 (keys prefixed loket-bench-map), and prints:

- the bytes of /nl/sites/map.json (plain and gzipped) for the whole map and for the default
  view of the catalogue (zoom 12 over the Region), and the number of clusters and points;
- p50 and p95 of map.json built afresh (the map cache's version is replaced before each
  request) over the default view and views at zoom 13 to 17 across the Region, and from the
  cache;
- time, gzipped bytes and the worker's peak memory growth (VmHWM over the RSS before, the peak
  reset through /proc/<pid>/clear_refs) for the map and for each export;
- whether the marker images the catalogue names load (the hashed static files).
"""

import argparse
import gzip
import http.client
import importlib.util
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loket.settings.dev")
REDIS_URL = "redis://127.0.0.1:6379/13"
os.environ["REDIS_URL"] = REDIS_URL
os.environ["CACHE_KEY_PREFIX"] = "loket-bench-map"

# benchmarks/matching.py sets Django up and holds the sites' generator.
_spec = importlib.util.spec_from_file_location("bench_matching", ROOT / "benchmarks/matching.py")
bench_matching = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_matching)

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from properties.map import forget_map_bodies  # noqa: E402
from properties.models import Site  # noqa: E402

REGION = "4.25,50.77,4.48,50.91"
LAT, LON = bench_matching.LAT, bench_matching.LON


def seed(count: int, seed_value: int) -> None:
    prefix = bench_matching.SITE_PREFIX
    if Site.objects.filter(reference__startswith=prefix).exists():
        print("reusing the sites already seeded (drop the database to seed again)")
        return
    started = time.perf_counter()
    with transaction.atomic():
        bench_matching.seed_sites(count, random.Random(seed_value), timezone.localdate())
        Site.objects.filter(reference__startswith=prefix).update(publication="public")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"seeded {count} sites in {time.perf_counter() - started:.1f} s")


class Server:
    """One gunicorn worker with the production settings."""

    def __init__(self, port: int, static_root: str):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "loket.settings.prod",
            "SECRET_KEY": "bench-map-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "STATIC_ROOT": static_root,
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        self.port = port
        self.process = subprocess.Popen(  # noqa: S603 (our own gunicorn)
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "loket.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                "--workers=1",
                "--timeout=120",
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            time.sleep(0.2)
            try:
                if self.get("/healthz")[0] == 200:
                    break
            except OSError:
                continue
        else:
            raise SystemExit("gunicorn did not start")

    def worker(self) -> int:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return int(children.read_text().split()[0])

    def memory(self) -> tuple[int, int]:
        """The worker's resident and peak resident memory, in MB."""
        status = Path(f"/proc/{self.worker()}/status").read_text()
        rss = int(re.search(r"VmRSS:\s+(\d+)", status)[1])
        peak = int(re.search(r"VmHWM:\s+(\d+)", status)[1])
        return rss // 1024, peak // 1024

    def reset_peak(self) -> None:
        Path(f"/proc/{self.worker()}/clear_refs").write_text("5")

    def get(self, path: str, headers: dict | None = None) -> tuple[int, bytes, dict, float]:
        connection_ = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        started = time.perf_counter()
        connection_.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
        response = connection_.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        connection_.close()
        return response.status, body, dict(response.getheaders()), elapsed

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def percentiles(times: list[float]) -> str:
    times = sorted(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return f"p50 {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"


def views(rng: random.Random, samples: int) -> list[str]:
    """The default view, then views of about 800 × 600 pixels at zoom 13 to 17."""
    found = [f"zoom=12&bbox={REGION}"]
    while len(found) < samples:
        zoom = rng.randint(13, 17)
        lat, lon = rng.uniform(*LAT), rng.uniform(*LON)
        width = 800 / 256 * 360 / 2**zoom
        height = width * 0.75 * 0.63  # 600 pixels; a degree of latitude is longer here
        found.append(
            f"zoom={zoom}&bbox={lon - width / 2:.6f},{lat - height / 2:.6f},"
            f"{lon + width / 2:.6f},{lat + height / 2:.6f}"
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=50_000)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    seed(args.sites, args.seed)
    on_map = Site.objects.filter(
        reference__startswith=bench_matching.SITE_PREFIX, publication="public"
    ).count()
    print(f"database {connection.settings_dict['NAME']}: {on_map} public sites")
    gz = {"Accept-Encoding": "gzip"}

    with tempfile.TemporaryDirectory() as static_root:
        server = Server(args.port, static_root)
        try:
            server.get("/nl/sites/map.json?zoom=18&bbox=4.35,50.84,4.351,50.841")
            rss, _peak = server.memory()
            print(f"worker after start: {rss} MB")

            for label, query in [("whole map", ""), ("default view", f"zoom=12&bbox={REGION}")]:
                forget_map_bodies()
                _status, plain, _h, _t = server.get(f"/nl/sites/map.json?{query}")
                _status, packed, headers, _t = server.get(f"/nl/sites/map.json?{query}", gz)
                assert headers.get("Content-Encoding") == "gzip"
                data = json.loads(gzip.decompress(packed))
                print(
                    f"map.json, {label}: {len(plain) / 1024:.0f} KB, gzipped "
                    f"{len(packed) / 1024:.1f} KB; {len(data['clusters'])} clusters "
                    f"({sum(c['count'] for c in data['clusters'])} sites), "
                    f"{len(data['sites'])} points"
                )

            server.reset_peak()
            rss, _peak = server.memory()
            cold, warm = [], []
            for query in views(random.Random(args.seed), args.samples):
                forget_map_bodies()
                status, _body, _h, elapsed = server.get(f"/nl/sites/map.json?{query}", gz)
                assert status == 200, status
                cold.append(elapsed)
                warm.append(server.get(f"/nl/sites/map.json?{query}", gz)[3])
            _rss, peak = server.memory()
            print(f"map.json built afresh, {len(cold)} views: {percentiles(cold)}")
            print(f"map.json from the cache: {percentiles(warm)}")
            print(f"map.json worker memory: peak {peak - rss:+d} MB over {rss} MB")

            for path in ["/api/sites.geojson", "/api/sites.csv"]:
                server.reset_peak()
                rss, _peak = server.memory()
                status, body, headers, elapsed = server.get(path, gz)
                assert status == 200 and headers.get("Content-Encoding") == "gzip"
                size = len(gzip.decompress(body))
                _rss, peak = server.memory()
                print(
                    f"{path}: {elapsed:.1f} s, {size / 2**20:.1f} MB, gzipped "
                    f"{len(body) / 2**20:.1f} MB; worker memory: peak {peak - rss:+d} MB "
                    f"over {rss} MB"
                )

            _status, page, _h, _t = server.get("/nl/sites/")
            images = re.findall(rb'data-marker-[a-z-]+="([^"]+)"', page)
            loaded = [server.get(url.decode())[0] for url in images]
            print(f"marker images named by the catalogue: {len(images)}, statuses {loaded}")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
