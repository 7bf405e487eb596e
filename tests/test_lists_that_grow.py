"""Every list of the portal that grows with an organisation's work is paged: with 5 rows it shows
them all on one page; with 500 it shows the first 20, links to the next page, and the next
page shows the next 20. The page with 500 rows weighs what the one with 20 does (within 20 %),
costs the same queries as the one with 5, and never shows another organisation's rows.

The rows are inserted in bulk, so that 500 of them take a fraction of a second. Each list
below says how to grow it to a number of rows and in which order the rows appear, by a text
that only that row shows (its reference, a name, an address).
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from loket.accounts.enums import Role
from loket.accounts.models import User
from loket.organisations.enums import LegalForm
from loket.organisations.models import Membership, Organisation
from loket.pagination import PAGE_SIZE
from matching.enums import MatchState
from matching.models import Match, VisitSlot
from projects.models import Application
from properties.models import Site

from .conftest import login_client
from .factories import ApplicationFactory, SiteFactory
from .matching.helpers import fitting_pair, new_match, walk

pytestmark = pytest.mark.django_db

# A page with 500 rows weighs what a page with 20 does, within this share.
SIZE_TOLERANCE = 0.2


def sites(organisation, start: int, stop: int, prefix: str) -> list[Site]:
    return Site.objects.bulk_create(
        Site(
            owner=organisation,
            reference=f"{prefix}-{i:05d}",
            title=f"Site {i}",
            commune_id="21004",
            total_surface_m2=Decimal("200"),
            state="published",
            publication="public",
        )
        for i in range(start, stop)
    )


def applications(organisation, start: int, stop: int, prefix: str) -> list[Application]:
    return Application.objects.bulk_create(
        Application(
            organisation=organisation,
            reference=f"{prefix}-{i:05d}",
            title=f"Project {i}",
            state="submitted",
            submitted_at=timezone.now(),
        )
        for i in range(start, stop)
    )


def newest_first(rows, marker) -> list[str]:
    """Bulk inserts take their timestamps in order, so the newest row is the last inserted."""
    return [marker(row) for row in reversed(rows)]


# --- The lists --------------------------------------------------------------------------------


@dataclass
class PagedList:
    """A list, its reader and its page parameter. `grow(reader, rows, total)` adds rows of the
    reader's organisation until the list has `total`, and returns the markers of all of them in
    the list's order; `other(reader)` adds rows of another organisation, marked OTHER."""

    url_name: str
    reader: str
    param: str

    def grow(self, reader, rows: list, total: int) -> list[str]:
        raise NotImplementedError

    def other(self, reader) -> None:
        raise NotImplementedError


class OwnerDashboard(PagedList):
    def grow(self, reader, rows, total):
        rows += sites(reader.active_organisation, len(rows), total, "S-MINE")
        return newest_first(rows, lambda site: site.reference)

    def other(self, reader):
        sites(SiteFactory(units=[]).owner, 0, 3, "OTHER")


class HolderDashboard(PagedList):
    def grow(self, reader, rows, total):
        rows += applications(reader.active_organisation, len(rows), total, "A-MINE")
        return newest_first(rows, lambda application: application.reference)

    def other(self, reader):
        applications(ApplicationFactory().organisation, 0, 3, "OTHER")


def matches(pairs, state: str) -> None:
    now = timezone.now()
    Match.objects.bulk_create(
        Match(
            application=application,
            site=site,
            state=state,
            proposed_to_owner_at=now,
            proposed_to_holder_at=now,
        )
        for application, site in pairs
    )


class OwnerProposals(PagedList):
    """The reader's sites, each proposed to one holder's application."""

    def grow(self, reader, rows, total):
        application = Application.objects.filter(reference="A-THEIRS").first() or (
            ApplicationFactory(complete=True, state="qualified", reference="A-THEIRS")
        )
        new = sites(reader.active_organisation, len(rows), total, "S-MINE")
        matches([(application, site) for site in new], MatchState.PROPOSED_OWNER)
        rows += new
        return newest_first(rows, lambda site: site.reference)

    def other(self, reader):
        application = ApplicationFactory(complete=True, state="qualified", reference="A-ELSE")
        theirs = sites(SiteFactory(units=[]).owner, 0, 3, "OTHER")
        matches([(application, site) for site in theirs], MatchState.PROPOSED_OWNER)


class HolderProposals(PagedList):
    """The reader's applications, each proposed one owner's site."""

    def grow(self, reader, rows, total):
        site = Site.objects.filter(reference="S-THEIRS").first() or (
            SiteFactory(units=[], reference="S-THEIRS")
        )
        new = applications(reader.active_organisation, len(rows), total, "A-MINE")
        matches([(application, site) for application in new], MatchState.PROPOSED_HOLDER)
        rows += new
        return newest_first(rows, lambda application: application.reference)

    def other(self, reader):
        site = SiteFactory(units=[], reference="S-ELSE")
        theirs = applications(ApplicationFactory().organisation, 0, 3, "OTHER")
        matches([(application, site) for application in theirs], MatchState.PROPOSED_HOLDER)


def people(start: int, stop: int, prefix: str) -> list[User]:
    return User.objects.bulk_create(
        User(
            email=f"{prefix.lower()}-{i:05d}@example.org",
            password="!",
            first_name="Colleague",
            last_name=f"Member {i:05d}",
            role=Role.OWNER,
        )
        for i in range(start, stop)
    )


class OrganisationMembers(PagedList):
    """The reader (named Aardvark, so first) and their colleagues, by name."""

    def grow(self, reader, rows, total):
        if not rows:
            User.objects.filter(pk=reader.pk).update(last_name="Aardvark")
            rows.append(reader)
        colleagues = people(len(rows), total, "mine")
        Membership.objects.bulk_create(
            Membership(user=user, organisation=reader.active_organisation) for user in colleagues
        )
        rows += colleagues
        return [user.email for user in rows]

    def other(self, reader):
        organisation = SiteFactory(units=[]).owner
        theirs = people(0, 3, "OTHER")
        Membership.objects.bulk_create(
            Membership(user=user, organisation=organisation) for user in theirs
        )
        # A member who was removed from the reader's organisation is not listed either.
        former = people(3, 4, "OTHER")[0]
        Membership.objects.create(
            user=former, organisation=reader.active_organisation, is_active=False
        )


def organisations(start: int, stop: int, prefix: str) -> list[Organisation]:
    return Organisation.objects.bulk_create(
        Organisation(
            name=f"{prefix} {i:05d}",
            legal_form=LegalForm.NONPROFIT,
            enterprise_number=f"{prefix}{i:05d}",
        )
        for i in range(start, stop)
    )


class AccountOrganisations(PagedList):
    """The reader's organisations by name: their own (Immo Canal NV) first, then Org 00001…"""

    def grow(self, reader, rows, total):
        if not rows:
            rows.append(reader.active_organisation)
        new = organisations(len(rows), total, "Org")
        Membership.objects.bulk_create(
            Membership(user=reader, organisation=organisation) for organisation in new
        )
        rows += new
        return [organisation.name for organisation in rows]

    def other(self, reader):
        organisations(0, 3, "OTHER")
        suspended = organisations(3, 4, "OTHER")[0]
        Membership.objects.create(user=reader, organisation=suspended, is_active=False)


LISTS = {
    "owner dashboard": OwnerDashboard("properties:owner_dashboard", "owner", "page"),
    "holder dashboard": HolderDashboard("projects:holder_dashboard", "holder", "page"),
    "proposals, owner's side": OwnerProposals("matching:proposal_list", "owner", "owner_page"),
    "proposals, holder's side": HolderProposals("matching:proposal_list", "holder", "holder_page"),
    "organisation members": OrganisationMembers("organisations:detail", "owner", "page"),
    "account's organisations": AccountOrganisations("accounts:home", "owner", "page"),
}


def url_of(paged: PagedList, reader) -> str:
    with translation.override("en"):
        if paged.url_name == "organisations:detail":
            return reverse(paged.url_name, args=[reader.active_organisation_id])
        return reverse(paged.url_name)


def shown(html: str, markers: list[str]) -> list[str]:
    """The markers the page's main part shows, in the page's order (the header names the
    organisation the reader acts for)."""
    if "<main" in html:
        html = html[html.index("<main") : html.index("</main>")]
    found = [(html.find(marker), marker) for marker in markers if marker in html]
    return [marker for _position, marker in sorted(found)]


# --- The tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_list_of_500_rows_is_paged_and_weighs_what_20_rows_do(
    request, name, django_assert_num_queries
):
    paged = LISTS[name]
    reader = request.getfixturevalue(paged.reader)
    client = login_client(reader)
    url = url_of(paged, reader)
    paged.other(reader)
    rows: list = []

    markers = paged.grow(reader, rows, 5)
    with CaptureQueriesContext(connection) as few:
        html = client.get(url).content.decode()
    queries = len(few.captured_queries)  # read now: the next request empties the log
    assert shown(html, markers) == markers
    assert 'class="pagination"' not in html
    assert "OTHER" not in html

    paged.grow(reader, rows, 20)
    twenty = client.get(url).content

    markers = paged.grow(reader, rows, 500)
    with django_assert_num_queries(queries):
        first = client.get(url)
    with django_assert_num_queries(queries):
        second = client.get(url, {paged.param: "2"})
    first_html, second_html = first.content.decode(), second.content.decode()
    assert shown(first_html, markers) == markers[:PAGE_SIZE]
    assert shown(second_html, markers) == markers[PAGE_SIZE : 2 * PAGE_SIZE]
    assert re.findall(r'href="\?([^"]*)" rel="next"', first_html) == [f"{paged.param}=2"]
    assert "OTHER" not in first_html + second_html
    assert abs(len(first.content) - len(twenty)) <= SIZE_TOLERANCE * len(twenty)
    assert abs(len(second.content) - len(twenty)) <= SIZE_TOLERANCE * len(twenty)


@pytest.mark.parametrize("name", sorted(LISTS))
def test_another_organisations_reader_sees_none_of_the_rows(request, name):
    paged = LISTS[name]
    reader = request.getfixturevalue(paged.reader)
    markers = paged.grow(reader, [], 5)
    other = request.getfixturevalue(f"other_{paged.reader}")
    html = login_client(other).get(url_of(paged, other)).content.decode()
    assert shown(html, markers) == []


def test_cancelled_visit_times_are_folded_away_under_the_times_in_play(
    owner, holder, caseworker_user
):
    application, site = fitting_pair(
        holder_org=holder.active_organisation, owner_org=owner.active_organisation
    )
    match = walk(
        new_match(application, site, caseworker_user),
        MatchState.HOLDER_ACCEPTED,
        desk=caseworker_user,
        owner=owner,
        holder=holder,
    )
    start = timezone.now() + datetime.timedelta(days=10)
    VisitSlot.objects.bulk_create(
        VisitSlot(
            match=match,
            starts_at=start + datetime.timedelta(days=i),
            ends_at=start + datetime.timedelta(days=i, hours=1),
            place=f"Gate {i}",
            state="cancelled" if i else "confirmed",
        )
        for i in range(4)
    )
    with translation.override("fr"):
        url = reverse("matching:proposal_detail", args=[match.pk])
    html = login_client(holder).get(url).content.decode()
    folded = html[html.index('<details class="history" id="cancelled-slots">') :]
    folded = folded[: folded.index("</details>")]
    assert "<summary>3 créneaux annulés</summary>" in folded
    assert shown(folded, ["Gate 0", "Gate 1", "Gate 2", "Gate 3"]) == ["Gate 1", "Gate 2", "Gate 3"]
    assert shown(html.replace(folded, ""), ["Gate 0", "Gate 1"]) == ["Gate 0"]
