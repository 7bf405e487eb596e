"""Issue 5's journey in a real browser: the desk proposes the top-ranked site for an
application, the owner accepts in Dutch, the holder accepts in French and confirms a visit
time, the desk records the visit and signs the agreement, and the occupation appears as
preparing while the site becomes occupied. Every step runs axe-core."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from loket.accounts.enums import Role
from matching.domain import suggestions_refresh_for_application
from matching.models import Match, MatchTransition, Occupation
from projects.models import Application
from properties.models import Site
from tests import factories

from .conftest import no_violations
from .test_journeys import current_totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def sign_in(page, email: str) -> None:
    page.locator("[name='login']").fill(email)
    page.locator("[name='password']").fill(factories.PASSWORD)
    page.locator("main form button[type='submit']").first.click()


def desk_button(page, action: str, *, screenshot_as: str = "") -> None:
    """Click a desk button; when it asks for details first (a message, a report), send the
    form as it is."""
    page.locator(f"form[action$='/desk-action/{action}/'] button").click()
    page.wait_for_load_state()
    if "/desk-action/" in page.url and page.locator("input[name='apply']").count():
        if screenshot_as:
            no_violations(page, screenshot_as)
        page.locator("input[name='apply']").click()


def test_desk_proposes_owner_and_holder_accept_visit_and_signature(live_server, new_page):
    base = live_server.url
    owner_org = factories.OrganisationFactory(name="Immo Kanaal NV")
    holder_org = factories.OrganisationFactory(name="Collectif des Ateliers")
    owner = factories.member_of(
        owner_org, role=Role.OWNER, preferred_language="nl", email="eigenaar@example.org"
    )
    holder = factories.member_of(
        holder_org, role=Role.HOLDER, preferred_language="fr", email="porteur@example.org"
    )
    top = factories.SiteFactory(
        owner=owner_org,
        title_nl="Werkplaatsen aan de Vaart",
        title_fr="Ateliers du Canal",
        units=[150],
        available_until=None,
        public_transport="Metro IJzer / Yser, 200 m",
    )
    factories.SiteFactory(
        owner=factories.OrganisationFactory(),
        title_nl="Kleine winkel",
        title_fr="Petit commerce",
        units=[110],
        latitude="50.8000",
        longitude="4.3000",
        available_until=None,
    )
    application = factories.ApplicationFactory(
        organisation=holder_org,
        complete=True,
        state="qualified",
        reference="LTG-2026-0777",
        submitted_at=timezone.now() - datetime.timedelta(days=60),
    )
    suggestions_refresh_for_application(application_id=application.pk)
    desk_user = factories.caseworker(email="desk@example.org", preferred_language="nl")

    # 1. The caseworker opens the application, shortlists the top site and proposes it.
    desk = new_page(locale="nl-BE")
    desk.goto(base + "/admin/")
    sign_in(desk, desk_user.email)
    desk.locator("[name='code']").fill(current_totp_code(factories.TOTP_SECRET))
    desk.locator("main form button[type='submit']").first.click()
    desk.goto(base + f"/admin/projects/application/{application.pk}/change/")
    no_violations(desk, "matching-desk-1-application-nl")
    desk.locator(f"a[href$='/for-application/{application.pk}/']").first.click()
    rows = desk.locator("table.candidates tbody tr")
    expect(rows.first).to_contain_text(top.reference)
    no_violations(desk, "matching-desk-2-candidates-nl")
    rows.first.locator("button[value='shortlist']").click()
    match = Match.objects.get(application=application)
    assert (match.site_id, match.state) == (top.pk, "shortlisted")
    desk.goto(base + f"/admin/matching/match/{match.pk}/change/")
    no_violations(desk, "matching-desk-3-shortlisted-nl")
    mail.outbox.clear()
    desk_button(desk, "propose_owner")
    expect(desk.locator(".messagelist")).to_be_visible()
    match.refresh_from_db()
    assert match.state == "proposed_owner"
    assert [m.to for m in mail.outbox] == [[owner.email]]

    # 2. The owner accepts, in Dutch.
    owner_page = new_page(locale="nl-BE")
    owner_page.goto(base + "/nl/accounts/login/")
    sign_in(owner_page, owner.email)
    owner_page.goto(base + "/nl/my/proposals/")
    no_violations(owner_page, "matching-owner-1-list-nl")
    owner_page.locator(f"a[href='/nl/my/proposals/{match.pk}/']").first.click()
    expect(owner_page.locator("#holder-file-note")).to_be_visible()
    expect(owner_page.locator("main")).not_to_contain_text("Collectif des Ateliers")
    no_violations(owner_page, "matching-owner-2-detail-nl")
    owner_page.locator("form[action$='/accept/'] button").click()
    no_violations(owner_page, "matching-owner-3-accepted-nl")
    match.refresh_from_db()
    assert match.state == "owner_accepted"

    # The desk passes it on to the holder, and offers a visit time.
    desk.reload()
    desk_button(desk, "propose_holder", screenshot_as="matching-desk-3b-propose-holder-nl")
    match.refresh_from_db()
    assert match.state == "proposed_holder"
    when = timezone.localtime() + datetime.timedelta(days=5)
    owner_page.goto(base + f"/nl/my/proposals/{match.pk}/")

    # 3. The holder accepts in French and confirms the visit time.
    holder_page = new_page(locale="fr-BE")
    holder_page.goto(base + "/fr/accounts/login/")
    sign_in(holder_page, holder.email)
    holder_page.goto(base + f"/fr/my/proposals/{match.pk}/")
    no_violations(holder_page, "matching-holder-1-detail-fr")
    holder_page.locator("form[action$='/accept/'] button").click()
    match.refresh_from_db()
    assert match.state == "holder_accepted"

    # The owner offers a time for the visit; the holder confirms it.
    owner_page.goto(base + f"/nl/my/proposals/{match.pk}/")
    expect(owner_page.locator("main")).to_contain_text("Collectif des Ateliers")
    owner_page.locator("[name='slot-day']").fill(when.strftime("%Y-%m-%d"))
    owner_page.locator("[name='slot-starts']").fill("10:00")
    owner_page.locator("[name='slot-ends']").fill("11:00")
    owner_page.locator("[name='slot-place']").fill("Ingang Vaartkaai 12")
    no_violations(owner_page, "matching-owner-4-offer-visit-nl")
    owner_page.locator("form[action$='/visits/'] button").click()
    expect(owner_page.locator("main")).to_contain_text("Ingang Vaartkaai 12")
    holder_page.goto(base + f"/fr/my/proposals/{match.pk}/")
    no_violations(holder_page, "matching-holder-2-visit-offered-fr")
    holder_page.locator("form[action*='/visits/'][action$='/confirm/'] button").first.click()
    no_violations(holder_page, "matching-holder-3-visit-confirmed-fr")
    match.refresh_from_db()
    assert match.state == "visit_planned"

    # 4. The desk records the visit and the agreement, and signs it.
    desk.goto(base + f"/admin/matching/match/{match.pk}/change/")
    no_violations(desk, "matching-desk-4-visit-planned-nl")
    desk_button(desk, "visit_done", screenshot_as="matching-desk-4b-visit-report-nl")
    desk_button(desk, "agree")
    desk_button(desk, "drafting")
    desk.locator("form[action$='/desk-action/sign/'] button").click()
    start = timezone.localdate() + datetime.timedelta(days=40)
    desk.locator("[name='starts_on']").fill(start.isoformat())
    desk.locator("[name='ends_on']").fill((start + datetime.timedelta(days=730)).isoformat())
    desk.locator("[name='contract_type']").select_option(index=1)
    desk.locator("[name='fee_monthly']").fill("450")
    no_violations(desk, "matching-desk-5-sign-form-nl")
    desk.locator("input[name='apply']").click()

    # 5. The occupation appears as preparing, and the site is occupied.
    match.refresh_from_db()
    assert match.state == "signed"
    occupation = Occupation.objects.get(match=match)
    assert (occupation.state, occupation.starts_on) == ("preparing", start)
    assert Site.objects.get(pk=top.pk).state == "fully_occupied"
    assert Application.objects.get(pk=application.pk).state == "matched"
    assert list(MatchTransition.objects.filter(match=match).values_list("side", "to_state")) == [
        ("desk", "suggested"),
        ("desk", "shortlisted"),
        ("desk", "proposed_owner"),
        ("owner", "owner_accepted"),
        ("desk", "proposed_holder"),
        ("holder", "holder_accepted"),
        ("holder", "visit_planned"),
        ("desk", "visit_done"),
        ("desk", "agreed"),
        ("desk", "drafting"),
        ("desk", "signed"),
    ]
    desk.goto(base + "/admin/matching/occupation/")
    expect(desk.locator("#result_list")).to_contain_text(re.compile("Werkplaatsen aan de Vaart"))
    no_violations(desk, "matching-desk-6-occupations-nl")
    desk.goto(base + f"/admin/matching/occupation/{occupation.pk}/change/")
    no_violations(desk, "matching-desk-7-occupation-nl")
    holder_page.goto(base + "/fr/my/proposals/")
    no_violations(holder_page, "matching-holder-4-list-signed-fr")
