"""The portal's growing lists, with few rows and with many: the owner dashboard, the holder
dashboard and the proposals page, for an organisation with 20 rows and one with 500.

    make bench          # runs this after the other benchmarks
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/loket_bench \\
        .venv/bin/python benchmarks/dashboards.py [--sizes 20,500] [--requests 40]

Uses loket.settings.test (DEBUG off, locmem cache, in-memory file storage), so DATABASE_URL
picks the PostgreSQL database; it must be migrated (the communes and reference lists come from
the migrations). For each size it seeds, with bulk inserts inside one transaction that is
rolled back at the end (the database is left as it was found):

- an owner organisation with that many sites (two units each; a tenth drafts, a tenth
  withdrawn, the rest published);
- a holder organisation with that many applications (each with its two history rows; a tenth
  drafts, a tenth closed, the rest qualified);
- that many matches between them, each proposed to both sides, a third waiting for the
  owner, a third for the holder, a third declined.

Each page is rendered by Django's test Client in this process, signed in as the owner or the
holder, after a few warm-up requests; the sizes' requests are interleaved (20, 500, 20, ...).
Printed for each page and size: the response bytes, the cards on the page, the query count and
the median and p90 wall time of `--requests` requests; then the ratio of the largest size to
the smallest. The target (issue 13): bytes
and median time with 500 rows within 20 % of those with 20.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loket.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from loket.accounts.enums import Role  # noqa: E402
from loket.accounts.models import User  # noqa: E402
from loket.organisations.enums import LegalForm, MemberRole  # noqa: E402
from loket.organisations.models import Membership, Organisation  # noqa: E402
from loket.reference.models import Condition, EconomicModel, SiteKind, UnitKind  # noqa: E402
from matching.enums import MatchState  # noqa: E402
from matching.models import Match  # noqa: E402
from projects.models import Application  # noqa: E402
from projects.models.transition import ApplicationTransition  # noqa: E402
from properties.models import Site, Unit  # noqa: E402

PREFIX = "BD"


class Rollback(Exception):
    """Raised to leave the seeding transaction without keeping anything."""


def user(label: str, role: str, organisation: Organisation) -> User:
    person = User.objects.create_user(
        email=f"bench-dashboards-{label}@example.org",
        password="unused-bench-password",
        first_name="Bench",
        last_name=label,
        role=role,
        preferred_language="nl",
    )
    Membership.objects.create(user=person, organisation=organisation, role=MemberRole.ADMIN)
    person.active_organisation = organisation
    person.save(update_fields=["active_organisation"])
    return person


def organisation(name: str, n: int) -> Organisation:
    body = f"0{n:07d}"
    return Organisation.objects.create(
        name=name,
        legal_form=LegalForm.NONPROFIT,
        enterprise_number=f"{body}{97 - int(body) % 97:02d}",
        street="Rue de la Loi",
        number="1",
        postcode="1000",
        city="Bruxelles",
    )


def seed(size: int) -> tuple[User, User]:
    """The owner and the holder, each with `size` rows of every list."""
    owner_org = organisation(f"Bench owner {size}", 7_000_000 + size)
    holder_org = organisation(f"Bench holder {size}", 8_000_000 + size)
    owner = user(f"owner-{size}", Role.OWNER, owner_org)
    holder = user(f"holder-{size}", Role.HOLDER, holder_org)
    kind = SiteKind.objects.get(code="building")
    condition = Condition.objects.get(code="ready")
    economic_model = EconomicModel.objects.get(code="charges_only")
    office = UnitKind.objects.get(code="office")
    now = timezone.now()

    def site_state(i: int) -> tuple[str, str]:
        if i % 10 == 0:
            return "draft", ""
        if i % 10 == 1:
            return "withdrawn", ""
        return "published", "public"

    sites = Site.objects.bulk_create(
        Site(
            owner=owner_org,
            reference=f"{PREFIX}-S-{size}-{i:05d}",
            title_nl=f"Leegstaand pand {i}",
            title_fr=f"Bâtiment vacant {i}",
            description_nl="Een voormalig kantoorgebouw met grote open ruimtes.",
            street="Rue de la Loi",
            number=str(i + 1),
            postcode="1000",
            commune_id="21004",
            latitude=Decimal("50.846700"),
            longitude=Decimal("4.352500"),
            public_precision="exact",
            kind=kind,
            condition=condition,
            economic_model=economic_model,
            charges_monthly=Decimal("300"),
            available_from=datetime.date(2027, 1, 1),
            total_surface_m2=Decimal("300"),
            state=site_state(i)[0],
            publication=site_state(i)[1],
            desk_message="Add the fire-safety advice, please." if i % 7 == 0 else "",
        )
        for i in range(size)
    )
    Unit.objects.bulk_create(
        Unit(site=site, name=f"Unit {j}", floor="0", kind=office, surface_m2=150, position=j)
        for site in sites
        for j in range(2)
    )

    def application_state(i: int) -> str:
        return {0: "draft", 1: "closed"}.get(i % 10, "qualified")

    applications = Application.objects.bulk_create(
        Application(
            organisation=holder_org,
            reference=None if i % 10 == 0 else f"{PREFIX}-A-{size}-{i:05d}",
            title=f"Ateliers du canal {i}",
            summary="Studios for artists and a small public workshop.",
            surface_min=Decimal("100"),
            surface_ideal=Decimal("150"),
            surface_max=Decimal("200"),
            consent_to_share=True,
            state=application_state(i),
            submitted_at=None if i % 10 == 0 else now,
            confirmed_at=None if i % 10 == 0 else now,
        )
        for i in range(size)
    )
    ApplicationTransition.objects.bulk_create(
        ApplicationTransition(
            application=application, actor=holder, side="holder", from_state=a, to_state=b
        )
        for application in applications
        if application.state != "draft"
        for a, b in (("draft", "submitted"), ("submitted", application.state))
    )

    def match_state(i: int) -> str:
        return (MatchState.PROPOSED_OWNER, MatchState.PROPOSED_HOLDER, MatchState.OWNER_DECLINED)[
            i % 3
        ]

    Match.objects.bulk_create(
        Match(
            application=application,
            site=site,
            state=match_state(i),
            proposed_to_owner_at=now,
            proposed_to_holder_at=now,
        )
        for i, (application, site) in enumerate(zip(applications, sites, strict=True))
    )
    return owner, holder


def first_look(client: Client, url: str) -> dict:
    """The page's bytes, cards and queries, after a few warm-up requests."""
    for _ in range(3):
        client.get(url)
    # Each request empties the log (request_started), so the count starts from an empty one.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return {
        "bytes": len(response.content),
        "cards": response.content.decode().count('class="site-card"'),
        "queries": len(queries.captured_queries),
    }


def timed(client: Client, url: str) -> float:
    start = time.perf_counter()
    client.get(url)
    return (time.perf_counter() - start) * 1000


PAGES = (
    ("owner dashboard", "owner", "properties:owner_dashboard"),
    ("holder dashboard", "holder", "projects:holder_dashboard"),
    ("proposals, owner", "owner", "matching:proposal_list"),
    ("proposals, holder", "holder", "matching:proposal_list"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="20,500")
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    with translation.override("nl"):
        urls = {name: reverse(url_name) for name, _person, url_name in PAGES}
    results: dict[tuple[str, int], dict] = {}
    print(f"{connection.vendor} {connection.settings_dict['NAME']}, {args.requests} requests")
    try:
        with transaction.atomic():
            people = {}
            for size in sizes:
                start = time.perf_counter()
                owner, holder = seed(size)
                people[size] = {"owner": owner, "holder": holder}
                print(f"seeded {size} rows of each list in {time.perf_counter() - start:.1f} s")
            for name, person, _url_name in PAGES:
                clients = {}
                for size in sizes:
                    clients[size] = Client()
                    clients[size].force_login(people[size][person])
                    results[name, size] = first_look(clients[size], urls[name])
                # Interleaved, so that a busy moment of the machine weighs on every size alike.
                times = {size: [] for size in sizes}
                for _ in range(args.requests):
                    for size in sizes:
                        times[size].append(timed(clients[size], urls[name]))
                for size in sizes:
                    results[name, size]["p50"] = statistics.median(times[size])
                    results[name, size]["p90"] = statistics.quantiles(times[size], n=10)[-1]
            raise Rollback
    except Rollback:
        pass
    header = f"{'page':<20}{'rows':>6}{'bytes':>9}{'cards':>7}{'queries':>9}{'p50 ms':>9}"
    print(header + f"{'p90 ms':>9}")
    for name, _person, _url_name in PAGES:
        for size in sizes:
            r = results[name, size]
            print(
                f"{name:<20}{size:>6}{r['bytes']:>9}{r['cards']:>7}{r['queries']:>9}"
                f"{r['p50']:>9.1f}{r['p90']:>9.1f}"
            )
        low, high = results[name, sizes[0]], results[name, sizes[-1]]
        print(
            f"{'':<20}{'ratio':>6}{high['bytes'] / low['bytes']:>9.2f}{'':>7}{'':>9}"
            f"{high['p50'] / low['p50']:>9.2f}"
        )


if __name__ == "__main__":
    main()
