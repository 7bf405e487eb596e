"""Issue 3's journey in a real browser: an owner registers a site in French, a caseworker
publishes it in the admin, and an anonymous visitor finds it in Dutch on the map and in the
list. Every step runs axe-core; fields are found by name so the test reads in any language."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from loket.accounts.enums import Role
from properties.models import Site, SiteTransition
from tests import factories

from .conftest import no_violations
from .test_journeys import current_totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def photo_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (40, 110, 160)).save(buffer, format="JPEG")
    return buffer.getvalue()


def save_and_continue(page) -> None:
    page.locator("button[name='action'][value='continue']").click()


def sign_in(page, base: str, email: str) -> None:
    page.locator("[name='login']").fill(email)
    page.locator("[name='password']").fill(factories.PASSWORD)
    page.locator("main form button[type='submit']").first.click()


def test_owner_registers_caseworker_publishes_visitor_finds(live_server, new_page):
    base = live_server.url
    owner = factories.member_of(
        factories.OrganisationFactory(name="Régie du Canal"),
        role=Role.OWNER,
        preferred_language="fr",
        email="proprietaire@example.org",
    )

    # 1. The owner registers a site with two units and a photo, in French, and submits it.
    page = new_page(locale="fr-BE")
    page.goto(base + "/fr/accounts/login/")
    sign_in(page, base, owner.email)
    page.goto(base + "/fr/my/sites/")
    no_violations(page, "sites-owner-1-dashboard-fr")
    page.goto(base + "/fr/my/sites/new/")
    page.locator("main form button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/fr/my/sites/\d+/where/$"))
    site = Site.objects.get(owner=owner.active_organisation)

    page.locator("[name='street']").fill("Boulevard d'Anvers")
    page.locator("[name='number']").fill("40")
    page.locator("[name='postcode']").fill("1000")
    page.locator("[name='commune']").select_option("21004")
    page.locator("[name='latitude']").fill("50.857200")
    page.locator("[name='longitude']").fill("4.348100")
    page.locator("[name='public_precision'][value='exact']").check()
    no_violations(page, "sites-owner-2-where-fr")
    save_and_continue(page)

    page.locator("[name='title_fr']").fill("Ancien dépôt du Canal")
    page.locator("[name='description_fr']").fill("Deux halls lumineux près du métro Yser.")
    page.locator("[name='kind']").select_option(index=1)  # building
    page.locator("[name='condition']").select_option(index=1)
    no_violations(page, "sites-owner-3-what-fr")
    save_and_continue(page)

    page.locator("[name='available_from']").fill("2027-03-01")
    page.locator("[name='available_until']").fill("2029-02-28")
    save_and_continue(page)
    save_and_continue(page)  # technical: nothing required

    page.locator("[name='allowed_activities'][value]").first.check()
    page.locator("[name='economic_model']").select_option(index=2)
    page.locator("[name='charges_monthly']").fill("450")
    no_violations(page, "sites-owner-4-uses-fr")
    save_and_continue(page)

    page.locator("[name='units-0-name']").fill("Hall A")
    page.locator("[name='units-0-kind']").select_option(index=3)
    page.locator("[name='units-0-surface_m2']").fill("180")
    page.locator("button[name='action'][value='stay']").click()
    page.locator("[name='units-1-name']").fill("Hall B")
    page.locator("[name='units-1-kind']").select_option(index=3)
    page.locator("[name='units-1-surface_m2']").fill("120")
    no_violations(page, "sites-owner-5-units-fr")
    save_and_continue(page)

    page.locator("input[name='photo']").set_input_files(
        files=[{"name": "hall.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}]
    )
    page.locator("[name='caption']").fill("Le hall A vu de l'entrée")
    page.locator("form", has=page.locator("input[name='photo']")).locator(
        "button[type='submit']"
    ).click()
    expect(page.locator("main img").first).to_be_visible()
    no_violations(page, "sites-owner-6-media-fr")

    page.goto(base + f"/fr/my/sites/{site.pk}/review/")
    no_violations(page, "sites-owner-7-review-fr")
    page.locator("form[action$='/submit/'] button[type='submit']").click()
    site.refresh_from_db()
    assert (site.state, site.total_surface_m2, site.photos.count()) == ("submitted", 300, 1)
    assert list(site.units.values_list("name", "surface_m2")) == [("Hall A", 180), ("Hall B", 120)]
    no_violations(page, "sites-owner-8-submitted-fr")

    # 2. A caseworker publishes it in the admin.
    caseworker = factories.caseworker(email="desk@example.org")
    desk = new_page(locale="nl-BE")
    desk.goto(base + "/admin/")
    sign_in(desk, base, caseworker.email)
    desk.locator("[name='code']").fill(current_totp_code(factories.TOTP_SECRET))
    desk.locator("main form button[type='submit']").first.click()
    desk.goto(base + "/admin/properties/site/")
    expect(desk.locator("#result_list")).to_contain_text(site.reference)
    no_violations(desk, "sites-desk-1-queue-nl")
    desk.goto(base + f"/admin/properties/site/{site.pk}/change/")
    no_violations(desk, "sites-desk-1b-change-nl")
    desk.locator("form[action*='publish_public'] button").click()
    no_violations(desk, "sites-desk-2-published-nl")
    site.refresh_from_db()
    assert (site.state, site.publication) == ("published", "public")
    assert list(
        SiteTransition.objects.filter(site=site).values_list("from_state", "to_state", "actor")
    ) == [("draft", "submitted", owner.pk), ("submitted", "published", caseworker.pk)]

    # 3. An anonymous visitor finds it in Dutch, on the map and in the list, with filters.
    visitor = new_page(locale="nl-BE")
    visitor.goto(base + "/nl/sites/")
    visitor.locator("details.commune-filter summary").click()
    visitor.locator("input[name='commune'][value='21004']").check()
    visitor.locator("[name='surface_min']").fill("250")
    visitor.locator("[name='surface_max']").fill("400")
    visitor.locator("form", has=visitor.locator("[name='surface_min']")).locator(
        "button[type='submit']"
    ).click()
    expect(visitor).to_have_url(
        re.compile(r"commune=21004.*surface_min=250|surface_min=250.*commune=21004")
    )
    expect(visitor.locator(".site-results")).to_contain_text("Ancien dépôt du Canal")
    expect(visitor.locator(".leaflet-marker-icon").first).to_be_attached()
    no_violations(visitor, "sites-visitor-1-catalogue-nl")
    visitor.locator(".site-results a", has_text="Ancien dépôt du Canal").first.click()
    expect(visitor.locator("h1")).to_contain_text("Ancien dépôt du Canal")
    no_violations(visitor, "sites-visitor-2-detail-nl")
