"""The step-editor base (loket.steps), through the holder's application editor and the owner's
site editor that use it: each step's status, where a draft resumes, its progress, the review's
problem list and the step list's markup."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from loket.steps import Step, StepStatus, form_changes
from projects.domain.applications import application_create, application_submit
from projects.forms import PlaceForm, ProjectForm
from projects.models import Application, ApplicationStepProgress
from projects.views.holder import EDITOR as APPLICATIONS
from properties.views.owner import EDITOR as SITES

from ..factories import ApplicationFactory, SiteFactory

pytestmark = pytest.mark.django_db

F, C, R = StepStatus.FINISHED, StepStatus.TO_COMPLETE, StepStatus.TO_CORRECT
SLUGS = ["project", "space", "place", "time", "money", "use", "neighbourhood", "documents"]


def url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def step_url(application: Application, step: str) -> str:
    return url("projects:holder_step", pk=application.pk, step=step)


def fresh(application: Application) -> Application:
    """The application as the editor reads it, with its progress."""
    return Application.objects.select_related("step_progress").get(pk=application.pk)


def save_steps(application: Application, *slugs: str) -> None:
    ApplicationStepProgress.objects.update_or_create(
        application=application, defaults={"saved_steps": list(slugs)}
    )


@pytest.fixture
def draft(holder):
    return application_create(actor=holder, organisation=holder.active_organisation)


@pytest.fixture
def complete(holder):
    return ApplicationFactory(organisation=holder.active_organisation, complete=True)


def step_list(html: str) -> list[tuple[str, str]]:
    """(step name, status) of each step in the step list, as the reader sees them."""
    nav = html[html.index('<nav class="step-nav"') : html.index("</nav>", html.index("step-nav"))]
    items = re.findall(r'<span class="step-name">(.*?)</span>.*?</svg>(.*?)</span></a>', nav)
    return list(items)


# --- Statuses ----------------------------------------------------------------------------------


def test_a_new_draft_has_every_step_to_complete(draft):
    assert APPLICATIONS.statuses(fresh(draft)) == dict.fromkeys([*SLUGS, "review"], C)


def test_a_saved_step_is_finished_unless_the_strict_checks_find_a_problem(holder_client, draft):
    holder_client.post(step_url(draft, "money"), {"max_monthly_budget": "800"})
    holder_client.post(step_url(draft, "project"), {"title": "Ateliers"})
    statuses = APPLICATIONS.statuses(fresh(draft))
    # The project still lacks its description and activity types.
    assert (statuses["money"], statuses["project"], statuses["space"]) == (F, R, C)


def test_a_refused_form_marks_its_step_to_correct(holder_client, draft):
    response = holder_client.post(step_url(draft, "money"), {"max_monthly_budget": "eight"})
    assert ("Money", "To correct") in step_list(response.content.decode())
    assert "money" not in APPLICATIONS.saved_steps(fresh(draft))


def test_the_review_is_finished_once_submitted_and_then_every_step_is(holder, complete):
    application_submit(application=complete, actor=holder)
    assert APPLICATIONS.statuses(fresh(complete)) == dict.fromkeys([*SLUGS, "review"], F)


def test_a_step_saved_twice_is_recorded_once(holder_client, draft):
    for _ in range(2):
        holder_client.post(step_url(draft, "use"), {"regular_users": "3"})
    assert ApplicationStepProgress.objects.get(pk=draft.pk).saved_steps == ["use"]


def test_continue_on_a_page_step_marks_it_saved_and_goes_on(holder_client, draft):
    response = holder_client.post(step_url(draft, "documents"), {"action": "continue"})
    assert response["Location"] == step_url(draft, "review")
    assert APPLICATIONS.saved_steps(fresh(draft)) == ["documents"]


def test_continue_on_a_read_only_record_is_refused(holder, holder_client, complete):
    application_submit(application=complete, actor=holder)
    response = holder_client.post(step_url(complete, "documents"), follow=True)
    assert "the desk is reviewing it" in response.content.decode()
    assert not ApplicationStepProgress.objects.filter(pk=complete.pk).exists()


# --- Resume and progress -----------------------------------------------------------------------


def test_a_draft_resumes_at_its_first_unfinished_step(holder_client, complete):
    save_steps(complete, "project", "space", "time")
    response = holder_client.get(url("projects:holder_application", pk=complete.pk))
    assert response["Location"] == step_url(complete, "place")


def test_a_draft_with_every_step_finished_resumes_at_the_review(holder_client, complete):
    save_steps(complete, *SLUGS)
    response = holder_client.get(url("projects:holder_application", pk=complete.pk))
    assert response["Location"] == step_url(complete, "review")
    progress = APPLICATIONS.progress(fresh(complete))
    assert (progress.done, progress.total, progress.url) == (8, 9, step_url(complete, "review"))


def test_a_step_to_correct_is_where_a_draft_resumes(holder_client, complete):
    save_steps(complete, *SLUGS)
    complete.desired_start = timezone.localdate().replace(year=2001)
    complete.save(update_fields=["desired_start"])
    response = holder_client.get(url("projects:holder_application", pk=complete.pk))
    assert response["Location"] == step_url(complete, "time")


def test_a_record_sent_back_opens_at_the_start_and_a_read_only_one_at_the_review(
    holder, holder_client, complete, caseworker_user
):
    from projects.domain.applications import application_mark_incomplete

    application_submit(application=complete, actor=holder)
    entry = url("projects:holder_application", pk=complete.pk)
    assert holder_client.get(entry)["Location"] == step_url(complete, "review")
    application_mark_incomplete(
        application=fresh(complete), actor=caseworker_user, message="Add the budget"
    )
    assert holder_client.get(entry)["Location"] == step_url(complete, "project")


# --- The review's problems ---------------------------------------------------------------------


def test_problems_link_to_the_field_of_their_step(owner):
    site = SiteFactory(state="draft", publication="", owner=owner.active_organisation)
    problems = SITES.problems(site, {"title": ["Give a title."], "units": ["Add a unit."]})
    with translation.override("en"):
        steps = [(p["label"], p["url"], str(p["step"])) for p in problems]
    assert steps == [
        ("Title", SITES.step_url(site, "what") + "#id_title_nl", "What"),
        ("Units", SITES.step_url(site, "units") + "#units", "Units"),
    ]


def test_a_problem_no_step_fixes_links_to_the_review(draft):
    problems = APPLICATIONS.problems(draft, {"organisation": ["Register it."]})
    assert [(p["url"], p["message"]) for p in problems] == [
        (APPLICATIONS.step_url(draft, "review"), "Register it.")
    ]


# --- Declarations ------------------------------------------------------------------------------


def test_a_step_fixes_its_form_fields_and_its_own_names():
    step = Step("place", "Place", PlaceForm, anchors={"anywhere_or_communes": "id_communes"})
    assert step.error_names == (
        "communes",
        "anywhere",
        "wants_central",
        "wants_public_transport",
        "anywhere_or_communes",
    )
    assert (step.anchor("anywhere"), step.anchor("anywhere_or_communes")) == (
        "id_anywhere",
        "id_communes",
    )


def test_form_changes_splits_columns_from_chosen_rows(draft):
    from loket.reference.models import ActivityType

    activity = ActivityType.objects.first()
    form = ProjectForm({"title": "Ateliers", "activity_types": [activity.pk]}, instance=draft)
    assert form.is_valid(), form.errors
    fields, relations = form_changes(form)
    assert fields == [
        "title",
        "summary",
        "description",
        "intended_use",
        "programme",
        "partners_text",
    ]
    assert {name: list(rows) for name, rows in relations.items()} == {"activity_types": [activity]}


# --- The step list ---------------------------------------------------------------------------


def test_the_step_list_says_each_status_in_words_and_marks_the_current_step(
    holder_client, complete
):
    save_steps(complete, "project", "space")
    html = holder_client.get(step_url(complete, "space")).content.decode()
    assert step_list(html) == [
        ("Project", "Finished"),
        ("Space", "Finished"),
        ("Place", "To complete"),
        ("Time", "To complete"),
        ("Money", "To complete"),
        ("Use", "To complete"),
        ("Neighbourhood", "To complete"),
        ("Documents", "To complete"),
        ("Review and submit", "To complete"),
    ]
    assert html.count('aria-current="step"') == 1
    assert f'<a href="{step_url(complete, "space")}" aria-current="step">' in html
    # The icons are decoration: the word beside each is what assistive technology reads.
    assert html.count('<svg class="step-icon" aria-hidden="true"') == 9


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", [("Project", "Klaar"), ("Ruimte", "Te verbeteren"), ("Plaats", "Nog in te vullen")]),
        ("fr", [("Projet", "Terminée"), ("Espace", "À corriger"), ("Localisation", "À compléter")]),
    ],
)
def test_the_step_list_is_translated(holder_client, complete, language, expected):
    save_steps(complete, "project", "space")
    complete.surface_min = None
    complete.save(update_fields=["surface_min"])
    with translation.override(language):
        path = reverse("projects:holder_step", kwargs={"pk": complete.pk, "step": "project"})
    assert step_list(holder_client.get(path).content.decode())[:3] == expected
