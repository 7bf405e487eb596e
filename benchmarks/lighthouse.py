"""Lighthouse's performance score of Loket's pages, served as production serves them.

    make lighthouse     # or:
    .venv/bin/python benchmarks/lighthouse.py [--size 5000] [--runs 3] [--language nl]
        [--lighthouse PATH]

It serves Loket as `benchmarks/pages.py` does (gunicorn with `loket.settings.prod`, collected
static files, Redis database 14) on that script's database of `--size` seeded sites (made if
missing), and runs Lighthouse (`--lighthouse`, or `npx lighthouse`; Chromium at
/usr/bin/chromium, headless) for the performance category only, with Lighthouse's mobile
emulation (the default: a mid-range phone on a slow 4G network, throttled) and its desktop
preset, on:

- home, the catalogue (with its map), a site's page and "how it works", as a visitor;
- the first step of an application's form, as a holder signed in (a holder, an organisation
  and a draft are made for it in the database, and the session cookie is handed to Lighthouse).

Each page is scored `--runs` times; the median score is printed with the metrics of that run
(first and largest contentful paint, total blocking time, cumulative layout shift, speed
index) and the bytes the page transferred.
"""

# A benchmark that starts gunicorn and Lighthouse with fixed arguments on its own database:
# subprocesses and executables on PATH are what it is for.
# ruff: noqa: S603

import argparse
import datetime
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
PORT = 8813
HOLDER_EMAIL = "lighthouse-holder@example.org"


def _pages_module():
    """benchmarks/pages.py, by its path: its database, gunicorn and settings are reused."""
    spec = importlib.util.spec_from_file_location("bench_pages", ROOT / "benchmarks" / "pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def prepare_holder() -> None:
    """Runs in its own process with the server's settings: a holder with an organisation and a
    draft application, signed in; prints the session cookie and the form's path as JSON."""
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.utils import translation

    from loket.accounts.enums import Role
    from loket.accounts.models import User
    from loket.organisations.models import Membership, Organisation
    from projects.domain.applications import application_create
    from projects.models import Application
    from projects.views.holder import STEPS, _step_url

    user, _created = User.objects.get_or_create(
        email=HOLDER_EMAIL,
        defaults={"first_name": "Lighthouse", "role": Role.HOLDER},
    )
    organisation = Organisation.objects.filter(memberships__user=user).first()
    if organisation is None:
        organisation = Organisation.objects.create(name="Collectief Lighthouse", legal_form="asbl")
        Membership.objects.create(user=user, organisation=organisation)
    user.active_organisation = organisation
    user.save(update_fields=["active_organisation"])
    application = Application.objects.filter(organisation=organisation).first()
    if application is None:
        application = application_create(actor=user, organisation=organisation)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    with translation.override("nl"):
        path = _step_url(application, STEPS[0].slug)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    print(json.dumps({"cookie": cookie, "form": path}))


def lighthouse(command: list[str], url: str, preset: str, cookie: str | None, out: Path) -> dict:
    args = [
        *command,
        url,
        "--only-categories=performance",
        "--output=json",
        f"--output-path={out}",
        "--quiet",
        f"--chrome-path={CHROMIUM}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if preset == "desktop":
        args.append("--preset=desktop")
    if cookie:
        args.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    report = json.loads(out.read_text())
    audits = report["audits"]
    final = report.get("finalDisplayedUrl") or report.get("finalUrl")
    if final.rstrip("/") != url.rstrip("/"):
        raise SystemExit(f"{url} ended at {final}: signed out, or redirected")
    return {
        "score": round(report["categories"]["performance"]["score"] * 100),
        "fcp_ms": audits["first-contentful-paint"]["numericValue"],
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "si_ms": audits["speed-index"]["numericValue"],
        "bytes": audits["total-byte-weight"]["numericValue"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5000, help="seeded sites")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page and preset")
    parser.add_argument("--language", default="nl")
    parser.add_argument("--lighthouse", help="the lighthouse command (default: npx lighthouse)")
    parser.add_argument("--json", help="also write the rows to this file")
    parser.add_argument("--prepare-holder", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare_holder:
        prepare_holder()
        return
    command = [args.lighthouse] if args.lighthouse else ["npx", "--yes", "lighthouse"]
    pages = _pages_module()
    name = pages.prepare_database("loket_bench_pages", args.size, False)
    info = pages.facts(name)
    work = Path(tempfile.mkdtemp(prefix="loket-lighthouse-"))
    static_root = work / "static"
    env = {
        **os.environ,
        "SECRET_KEY": pages.SECRET_KEY,
        "DATABASE_URL": pages.db_url(name),
        "DJANGO_SETTINGS_MODULE": "loket.settings.prod",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{PORT}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{pages.REDIS_DB}",
        "SECURE_SSL_REDIRECT": "false",
        "ACCOUNT_DEFAULT_HTTP_PROTOCOL": "http",
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    holder = json.loads(
        subprocess.run(
            [sys.executable, __file__, "--prepare-holder"],
            cwd=ROOT,
            env={**env, "PYTHONPATH": str(ROOT)},
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    pages.flush_redis()
    server = pages.gunicorn("loket.wsgi:application", PORT, 2, env, work / "loket.log")
    language = args.language
    targets = [
        ("home", f"/{language}/", None),
        ("catalogue", f"/{language}/sites/", None),
        ("site page", f"/{language}/sites/{info['reference']}/", None),
        ("how it works", f"/{language}/how-it-works/", None),
        ("application form", holder["form"].replace("/nl/", f"/{language}/", 1), holder["cookie"]),
    ]
    started = datetime.datetime.now(datetime.UTC)
    print(
        f"Started {started:%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores; load {os.getloadavg()}; "
        f"{info['public_sites']} public sites of {args.size}; {args.runs} runs each; "
        f"Lighthouse {lighthouse_version(command)}",
        flush=True,
    )
    print(
        f"{'page':<18} {'preset':<8} {'score':>5} {'scores':<14} {'FCP':>6} {'LCP':>6} "
        f"{'TBT':>5} {'CLS':>5} {'SI':>6} {'KB':>6}"
    )
    rows = []
    try:
        pages.wait_for(PORT)
        for page, path, cookie in targets:
            url = f"http://127.0.0.1:{PORT}{path}"
            for preset in ("mobile", "desktop"):
                runs = [
                    lighthouse(command, url, preset, cookie, work / "report.json")
                    for _run in range(args.runs)
                ]
                median = statistics.median_low(r["score"] for r in runs)
                chosen = next(r for r in runs if r["score"] == median)
                row = {"page": page, "path": path, "preset": preset, **chosen}
                row["scores"] = [r["score"] for r in runs]
                rows.append(row)
                print(
                    f"{page:<18} {preset:<8} {row['score']:>5} {row['scores']!s:<14} "
                    f"{row['fcp_ms']:>6.0f} {row['lcp_ms']:>6.0f} {row['tbt_ms']:>5.0f} "
                    f"{row['cls']:>5.3f} {row['si_ms']:>6.0f} {row['bytes'] / 1024:>6.0f}",
                    flush=True,
                )
    finally:
        pages.stop(server)
        print(f"load average at the end {os.getloadavg()}")
        if args.json:
            Path(args.json).write_text(json.dumps(rows, indent=1))
        shutil.rmtree(work, ignore_errors=True)


def lighthouse_version(command: list[str]) -> str:
    result = subprocess.run([*command, "--version"], capture_output=True, text=True)
    return result.stdout.strip() or "?"


if __name__ == "__main__":
    main()
