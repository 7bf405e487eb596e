"""The change page of each of the desk's four workflows (site, application, match, occupation),
opened in the admin by a caseworker who passed the second factor, in Dutch and in French: axe
finds nothing on any of them, the Content Security Policy blocks nothing (no inline style or
script), the buttons sit beside the title without covering it, and the site page, with its
units table, fits 1,280 pixels."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from loket.accounts.enums import Role
from matching.domain import match_create, match_sign
from matching.enums import MatchState
from matching.models import Incident, IndicatorReport, InsuranceCertificate, SteeringMeeting
from projects.domain import application_qualify
from projects.models import ApplicationNote
from properties.domain import site_photo_add, site_transition
from tests import factories
from tests.matching.helpers import fitting_pair, walk

from .conftest import axe_violations, screenshot
from .test_journeys import current_totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

TODAY = timezone.localdate()

# Every CSP refusal on the page, kept where the test can read it.
RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(
    `${event.violatedDirective}: ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""

# Pairs of boxes that overlap: the page title (and its subtitle) and each button or link beside
# it.
OVERLAPS = """
() => {
  const boxes = (selector) => [...document.querySelectorAll(selector)].map((element) => [
    element.textContent.trim(), element.getBoundingClientRect()]);
  const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom
    && b.top < a.bottom;
  const found = [];
  for (const [title, titleBox] of boxes(".desk-title h1, .desk-title h2")) {
    for (const [tool, toolBox] of boxes(".desk-header .object-tools li")) {
      if (overlap(titleBox, toolBox)) found.push(`${tool} over ${title}`);
    }
  }
  return found;
}
"""


def photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (40, 110, 160)).save(buffer, format="JPEG")
    return SimpleUploadedFile("hall.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def workflows():
    """One record of each workflow, with history rows and inline rows to show."""
    desk = factories.caseworker(email="desk@example.org", first_name="Dana", last_name="Desk")
    owner_org = factories.OrganisationFactory(name="Immo Kanaal NV")
    holder_org = factories.OrganisationFactory(name="Collectif des Ateliers")
    factories.member_of(owner_org, role=Role.OWNER, email="owner@example.org")
    factories.member_of(holder_org, role=Role.HOLDER, email="holder@example.org")

    # A site under review, with units of every width the table has to hold.
    site = factories.SiteFactory(
        owner=owner_org, state="submitted", units=[1250, 480, 95, 60], publication=""
    )
    site_transition(site=site, to_state="under_review", actor=desk, reviewer=desk)
    site_photo_add(site=site, uploaded=photo(), caption="De grote hal")

    application, match_site = fitting_pair(holder_org=holder_org, owner_org=owner_org)
    application.state = "submitted"
    application.save(update_fields=["state"])
    application_qualify(application=application, actor=desk)
    ApplicationNote.objects.create(application=application, author=desk, text="Called them.")

    # A match where the owner and the holder said yes: visit times can be offered.
    match = walk(
        match_create(application=application, site=match_site, actor=desk),
        MatchState.HOLDER_ACCEPTED,
        desk=desk,
        owner=desk,
        holder=desk,
    )

    other = factories.ApplicationFactory(
        organisation=holder_org, complete=True, state="qualified", reference="LTG-2026-0902"
    )
    signed = walk(
        match_create(application=other, site=factories.SiteFactory(owner=owner_org), actor=desk),
        MatchState.DRAFTING,
        desk=desk,
        owner=desk,
        holder=desk,
    )
    occupation = match_sign(
        match=signed,
        actor=desk,
        starts_on=TODAY + datetime.timedelta(days=90),
        ends_on=TODAY + datetime.timedelta(days=820),
    )
    InsuranceCertificate.objects.create(
        occupation=occupation,
        kind="liability_fire",
        insurer="Ethias",
        expires_on=TODAY + datetime.timedelta(days=365),
    )
    SteeringMeeting.objects.create(occupation=occupation, held_on=TODAY, participants="All")
    Incident.objects.create(occupation=occupation, happened_on=TODAY, description="A leak.")
    IndicatorReport.objects.create(occupation=occupation, period_end=TODAY, users=12)
    return {
        "site": f"/admin/properties/site/{site.pk}/change/",
        "application": f"/admin/projects/application/{application.pk}/change/",
        "match": f"/admin/matching/match/{match.pk}/change/",
        "occupation": f"/admin/matching/occupation/{occupation.pk}/change/",
    }


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_admin_change_pages_have_no_axe_violations(live_server, new_page, workflows, language):
    base = live_server.url
    page = new_page(locale=f"{language}-BE")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}]
    )
    page.goto(base + "/admin/")
    page.locator("[name='login']").fill("desk@example.org")
    page.locator("[name='password']").fill(factories.PASSWORD)
    page.locator("main form button[type='submit']").first.click()
    page.locator("[name='code']").fill(current_totp_code(factories.TOTP_SECRET))
    page.locator("main form button[type='submit']").first.click()
    page.wait_for_url(base + "/admin/")

    found = {}
    for workflow, url in workflows.items():
        page.goto(base + url)
        page.wait_for_load_state("load")
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator(".desk-header .object-tools form").count() >= 1, workflow
        screenshot(page, f"admin-change-{workflow}-{language}")
        # Before axe, whose own injected styles the policy refuses.
        found[f"{workflow} CSP"] = page.evaluate("window.cspViolations")
        found[workflow] = axe_violations(page)
        found[f"{workflow} overlaps"] = page.evaluate(OVERLAPS)
        if workflow == "site":
            widths = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            found["site scroll"] = [] if widths[0] <= widths[1] else [f"scrolls: {widths}"]

    assert found == {key: [] for key in found}, found
    assert len(found) == 3 * len(workflows) + 1
