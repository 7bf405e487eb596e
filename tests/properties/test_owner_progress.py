"""A draft's card on the owner's dashboard: its progress in the reader's language, and a
"Continue" that resumes at its first unfinished step; the site's entry resumes there too."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from properties.models import SiteStepProgress

from ..factories import SiteFactory

pytestmark = pytest.mark.django_db


def path(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def progress_lines(html: str) -> list[str]:
    return re.findall(r'<p class="card-progress">(.*?)</p>', html)


@pytest.fixture
def draft(owner):
    """A complete draft whose first three steps were saved."""
    site = SiteFactory(state="draft", publication="", owner=owner.active_organisation)
    SiteStepProgress.objects.create(site=site, saved_steps=["where", "what", "availability"])
    return site


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "3 of 8 steps finished"),
        ("nl", "3 van 8 stappen klaar"),
        ("fr", "3 étapes terminées sur 8"),
    ],
)
def test_a_draft_card_shows_its_progress(owner_client, draft, language, expected):
    html = owner_client.get(path("properties:owner_dashboard", language)).content.decode()
    assert progress_lines(html) == [expected]


def test_a_published_site_shows_no_progress(owner, owner_client):
    SiteFactory(owner=owner.active_organisation)
    html = owner_client.get(path("properties:owner_dashboard")).content.decode()
    assert progress_lines(html) == []


def test_continue_and_the_sites_entry_resume_at_the_first_unfinished_step(owner_client, draft):
    resume = path("properties:owner_step", pk=draft.pk, step="technical")
    html = owner_client.get(path("properties:owner_dashboard")).content.decode()
    assert f'<a class="button button-small" href="{resume}">Continue' in html
    response = owner_client.get(path("properties:owner_site", pk=draft.pk))
    assert response["Location"] == resume


def test_saving_the_units_and_continuing_past_the_media_count_as_finished(owner_client, draft):
    unit = draft.units.get()
    owner_client.post(
        path("properties:owner_step", pk=draft.pk, step="units"),
        {
            "units-TOTAL_FORMS": "1",
            "units-INITIAL_FORMS": "1",
            "units-0-id": str(unit.pk),
            "units-0-name": unit.name,
            "units-0-kind": str(unit.kind_id),
            "units-0-surface_m2": "150",
            "units-0-open_to_public": "unknown",
        },
    )
    response = owner_client.post(path("properties:owner_step", pk=draft.pk, step="media"))
    assert response["Location"] == path("properties:owner_step", pk=draft.pk, step="review")
    assert SiteStepProgress.objects.get(pk=draft.pk).saved_steps == [
        "where",
        "what",
        "availability",
        "units",
        "media",
    ]


def test_the_review_marks_the_steps_its_problems_are_in(owner, owner_client):
    site = SiteFactory(state="draft", publication="", owner=owner.active_organisation, street="")
    SiteStepProgress.objects.create(site=site, saved_steps=["where", "what"])
    html = owner_client.get(path("properties:owner_step", pk=site.pk, step="review")).content
    nav = html.decode().split('<nav class="step-nav"')[1].split("</nav>")[0]
    statuses = re.findall(r'<li class="step-(\w+)">', nav)
    assert statuses[:3] == ["tocorrect", "finished", "tocomplete"]
    assert "Give the street." in html.decode()
