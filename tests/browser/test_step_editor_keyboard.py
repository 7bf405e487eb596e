"""The step editors by keyboard only, in Dutch and French at 1,280 px: Tab reaches a step in the
step list and Enter opens it; a field is filled, Tab reaches "Save and continue" and Enter
saves; the step list then says the step is finished. Every page runs axe-core."""

import re

import pytest
from playwright.sync_api import expect

from loket.accounts.enums import Role
from properties.models import Site
from tests import factories

from .conftest import no_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def tab_to(page, text: str, limit: int = 120) -> None:
    """Press Tab until the focused control reads `text`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.innerText || ''")
        if focused.strip().startswith(text):
            return
    raise AssertionError(f"Tab never reached “{text}”")


def step_statuses(page) -> list[str]:
    return [
        text.strip()
        for text in page.locator(".step-nav .step-status").all_inner_texts()
        if text.strip()
    ]


@pytest.mark.parametrize(
    ("language", "role", "new", "step", "field", "value", "save", "finished"),
    [
        (
            "nl",
            Role.OWNER,
            "/nl/my/sites/new/",
            "Technisch",
            "ceiling_height_m",
            "3.5",
            "Opslaan en doorgaan",
            "Klaar",
        ),
        (
            "fr",
            Role.HOLDER,
            "/fr/my/applications/new/",
            "Budget",
            "max_monthly_budget",
            "800",
            "Enregistrer et continuer",
            "Terminée",
        ),
    ],
)
def test_the_step_list_and_the_form_work_by_keyboard(
    live_server, new_page, language, role, new, step, field, value, save, finished
):
    user = factories.member_of(factories.OrganisationFactory(), role=role)
    page = new_page(locale=f"{language}-BE")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/{language}/accounts/login/")
    page.locator("[name='login']").fill(user.email)
    page.locator("[name='password']").fill(factories.PASSWORD)
    page.locator("[name='password']").press("Enter")
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/)"))
    page.goto(live_server.url + new)
    page.locator("main form button[type='submit']").last.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/my/(sites|applications)/\d+/\w+/$"))

    tab_to(page, step)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/(technical|money)/$"))
    expect(page.locator(".step-nav a[aria-current='step']")).to_contain_text(step)
    no_violations(page, f"steps-keyboard-{language}-step")

    page.locator(f"[name='{field}']").focus()
    page.keyboard.type(value)
    tab_to(page, save)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/(uses|use)/$"))
    statuses = step_statuses(page)
    saved_step = 3 if role == Role.OWNER else 4
    assert statuses[saved_step] == finished
    assert statuses.count(finished) == 1
    no_violations(page, f"steps-keyboard-{language}-saved")
    if role == Role.OWNER:
        assert str(Site.objects.get().ceiling_height_m) == "3.50"
