"""Issue 4's journey in a real browser, in French: a holder starts an application, leaves after
three steps, comes back and submits; the desk marks it incomplete; the holder completes and
submits again, then saves a catalogue search. Every step runs axe-core."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from loket.accounts.enums import Role
from projects.models import Application, ApplicationTransition, SavedSearch
from tests import factories

from .conftest import no_violations
from .test_journeys import current_totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def save_and_continue(page) -> None:
    page.locator("button[name='action'][value='continue']").click()


def sign_in(page, email: str) -> None:
    page.locator("[name='login']").fill(email)
    page.locator("[name='password']").fill(factories.PASSWORD)
    page.locator("main form button[type='submit']").first.click()


def test_holder_applies_desk_asks_more_holder_completes_and_saves_a_search(live_server, new_page):
    base = live_server.url
    holder = factories.member_of(
        factories.OrganisationFactory(name="Collectif des Marolles"),
        role=Role.HOLDER,
        preferred_language="fr",
        email="porteuse@example.org",
    )

    # 1. Start in French, stop after three steps, sign out.
    page = new_page(locale="fr-BE")
    page.goto(base + "/fr/accounts/login/")
    sign_in(page, holder.email)
    page.goto(base + "/fr/my/applications/new/")
    no_violations(page, "apps-1-new-fr")
    page.locator("main form button[type='submit']").last.click()
    expect(page).to_have_url(re.compile(r"/fr/my/applications/\d+/project/$"))
    application = Application.objects.get(organisation=holder.active_organisation)
    page.locator("[name='title']").fill("Ateliers des Marolles")
    page.locator("textarea[name='description']").fill(
        "Douze ateliers d'artistes et un espace d'exposition."
    )
    page.locator("[name='activity_types']").first.check()
    no_violations(page, "apps-2-project-fr")
    save_and_continue(page)
    page.locator("[name='surface_min']").fill("300")
    page.locator("[name='surface_ideal']").fill("200")
    page.locator("[name='surface_max']").fill("500")
    save_and_continue(page)
    expect(page.locator("#id_surface_ideal_error")).to_be_visible()
    no_violations(page, "apps-3-space-error-fr")
    page.locator("[name='surface_ideal']").fill("400")
    save_and_continue(page)
    page.locator("input[name='communes'][value='21004']").check()
    no_violations(page, "apps-4-place-fr")
    save_and_continue(page)
    page.locator("form[action$='/logout/'] button").click()
    application.refresh_from_db()
    assert (application.state, application.title, application.surface_ideal) == (
        "draft",
        "Ateliers des Marolles",
        400,
    )

    # 2. Come back, finish and submit.
    page.goto(base + "/fr/accounts/login/")
    sign_in(page, holder.email)
    page.goto(base + "/fr/my/applications/")
    no_violations(page, "apps-5-dashboard-draft-fr")
    page.goto(base + f"/fr/my/applications/{application.pk}/time/")
    page.locator("[name='desired_start']").fill(
        (timezone.localdate() + timedelta(days=120)).isoformat()
    )
    page.locator("[name='duration_value']").fill("24")
    save_and_continue(page)
    page.locator("[name='max_monthly_budget']").fill("900")
    save_and_continue(page)
    save_and_continue(page)  # use: nothing required
    page.locator("[name='consent_to_share']").check()
    save_and_continue(page)
    page.goto(base + f"/fr/my/applications/{application.pk}/review/")
    no_violations(page, "apps-6-review-fr")
    page.locator("form[action$='/submit/'] button[type='submit']").click()
    application.refresh_from_db()
    assert application.state == "submitted"
    assert re.fullmatch(r"LTG-\d{4}-0001", application.reference)
    expect(page.locator(".messages")).to_contain_text(application.reference)
    no_violations(page, "apps-7-submitted-fr")

    # 3. A caseworker marks it incomplete with a message.
    caseworker = factories.caseworker(email="guichet@example.org")
    desk = new_page(locale="fr-BE")
    desk.goto(base + "/admin/")
    sign_in(desk, caseworker.email)
    desk.locator("[name='code']").fill(current_totp_code(factories.TOTP_SECRET))
    desk.locator("main form button[type='submit']").first.click()
    desk.goto(base + f"/admin/projects/application/{application.pk}/change/")
    no_violations(desk, "apps-8-desk-change-fr")
    desk.locator("form[action*='mark_incomplete'] button").click()
    desk.locator("textarea[name='message']").fill("Ajoutez vos statuts et votre budget détaillé.")
    no_violations(desk, "apps-9-desk-message-fr")
    desk.locator("textarea[name='message']").locator("xpath=ancestor::form").locator(
        "[type='submit']"
    ).first.click()
    application.refresh_from_db()
    assert (application.state, application.desk_message) == (
        "incomplete",
        "Ajoutez vos statuts et votre budget détaillé.",
    )

    # 4. The holder sees what is asked, completes and submits again.
    page.goto(base + "/fr/my/applications/")
    expect(page.locator("main")).to_contain_text("Ajoutez vos statuts et votre budget détaillé.")
    no_violations(page, "apps-10-dashboard-incomplete-fr")
    page.goto(base + f"/fr/my/applications/{application.pk}/money/")
    page.locator("[name='fitout_budget']").fill("15000")
    save_and_continue(page)
    page.goto(base + f"/fr/my/applications/{application.pk}/review/")
    page.locator("form[action$='/submit/'] button[type='submit']").click()
    application.refresh_from_db()
    assert application.state == "submitted"
    assert list(
        ApplicationTransition.objects.filter(application=application).values_list(
            "from_state", "to_state"
        )
    ) == [("draft", "submitted"), ("submitted", "incomplete"), ("incomplete", "submitted")]

    # 5. The holder saves a catalogue search.
    page.goto(base + "/fr/sites/?commune=21004&surface_min=300")
    page.locator("#save-search-name").fill("Ateliers à Bruxelles")
    page.locator("form", has=page.locator("#save-search-name")).locator(
        "button[type='submit']"
    ).click()
    assert list(SavedSearch.objects.values_list("name", "surface_min")) == [
        ("Ateliers à Bruxelles", 300)
    ]
    page.goto(base + "/fr/my/searches/")
    expect(page.locator("main")).to_contain_text("Ateliers à Bruxelles")
    no_violations(page, "apps-11-searches-fr")


def test_programme_shares_add_up_as_you_type(live_server, new_page):
    holder = factories.member_of(
        factories.OrganisationFactory(name="Atelier Nord"), role=Role.HOLDER
    )
    application = Application.objects.create(organisation=holder.active_organisation)
    page = new_page(locale="nl-BE")
    page.goto(live_server.url + "/nl/accounts/login/")
    sign_in(page, holder.email)
    page.goto(live_server.url + f"/nl/my/applications/{application.pk}/project/")
    page.locator("[name='programme']").fill("ateliers: 60\nwonen: 30")
    total = page.locator("#programme-total")
    expect(total).to_have_text("Aandelen tot nu toe: 90 van 100")
    expect(total).to_have_class(re.compile("programme-total-off"))
    page.locator("[name='programme']").fill("ateliers: 60\nwonen: 40")
    expect(total).to_have_text("Aandelen tot nu toe: 100 van 100")
    expect(total).not_to_have_class(re.compile("programme-total-off"))
    no_violations(page, "apps-programme-total-nl")
