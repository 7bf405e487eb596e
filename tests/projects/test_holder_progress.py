"""A draft's card on the holder's dashboard: its progress in the reader's language, and a
"Continue" that resumes at its first unfinished step, in a constant number of queries."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from projects.domain.applications import application_submit
from projects.models import ApplicationStepProgress

from ..factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def dashboard(client, language: str = "en") -> str:
    with translation.override(language):
        return client.get(reverse("projects:holder_dashboard")).content.decode()


def progress_lines(html: str) -> list[str]:
    return re.findall(r'<p class="card-progress">(.*?)</p>', html)


@pytest.fixture
def draft(holder):
    """A complete draft whose first five steps were saved."""
    application = ApplicationFactory(organisation=holder.active_organisation, complete=True)
    ApplicationStepProgress.objects.create(
        application=application, saved_steps=["project", "space", "place", "time", "money"]
    )
    return application


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "5 of 9 steps finished"),
        ("nl", "5 van 9 stappen klaar"),
        ("fr", "5 étapes terminées sur 9"),
    ],
)
def test_a_draft_card_shows_its_progress(holder_client, draft, language, expected):
    assert progress_lines(dashboard(holder_client, language)) == [expected]


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nl", "1 van 9 stappen klaar"), ("fr", "1 étape terminée sur 9")],
)
def test_one_finished_step_reads_in_the_singular_where_the_language_says_so(
    holder_client, holder, language, expected
):
    application = ApplicationFactory(organisation=holder.active_organisation, complete=True)
    ApplicationStepProgress.objects.create(application=application, saved_steps=["use"])
    assert progress_lines(dashboard(holder_client, language)) == [expected]


def test_continue_resumes_at_the_first_unfinished_step(holder_client, draft):
    html = dashboard(holder_client)
    with translation.override("en"):
        resume = reverse("projects:holder_step", kwargs={"pk": draft.pk, "step": "use"})
    assert f'<a class="button button-small" href="{resume}">Continue</a>' in html


def test_a_submitted_application_shows_no_progress(holder, holder_client, draft):
    application_submit(application=draft, actor=holder)
    assert progress_lines(dashboard(holder_client)) == []


@pytest.mark.parametrize("count", [1, 10])
def test_draft_cards_take_the_same_queries_however_many(
    holder, holder_client, django_assert_num_queries, count
):
    for _ in range(count):
        ApplicationFactory(organisation=holder.active_organisation, complete=True)
    # The dashboard's six, and the drafts' activity types and communes for the strict checks.
    with django_assert_num_queries(8):
        html = dashboard(holder_client)
    assert progress_lines(html) == ["0 of 9 steps finished"] * count
