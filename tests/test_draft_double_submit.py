"""A double click on "start a new site" or "start a new application" opens one draft, not two;
a second draft started after the first has content, or later, is a new one."""

import datetime

import pytest
from django.utils import timezone

from loket.accounts.enums import Role
from projects.models import Application
from properties.models import Site

from .conftest import login_client
from .factories import OrganisationFactory, member_of
from .races import needs_postgres, race

pytestmark = pytest.mark.django_db


def test_a_double_click_on_new_site_opens_one_draft(owner_client, owner):
    first = owner_client.post("/nl/my/sites/new/")
    second = owner_client.post("/nl/my/sites/new/")

    drafts = list(Site.objects.filter(owner=owner.active_organisation))
    assert len(drafts) == 1
    assert first["Location"] == second["Location"]
    assert f"/nl/my/sites/{drafts[0].pk}/" in first["Location"]


def test_a_new_site_after_the_first_has_a_title_is_a_second_draft(owner_client, owner):
    owner_client.post("/nl/my/sites/new/")
    Site.objects.update(title_nl="Oude brouwerij")
    owner_client.post("/nl/my/sites/new/")

    assert Site.objects.filter(owner=owner.active_organisation).count() == 2


def test_a_blank_site_draft_older_than_the_window_is_not_reused(owner_client, owner):
    owner_client.post("/nl/my/sites/new/")
    Site.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=6))
    owner_client.post("/nl/my/sites/new/")

    assert Site.objects.filter(owner=owner.active_organisation).count() == 2


def test_a_double_click_on_new_application_opens_one_draft(holder_client, holder):
    first = holder_client.post("/fr/my/applications/new/")
    second = holder_client.post("/fr/my/applications/new/")

    drafts = list(Application.objects.filter(organisation=holder.active_organisation))
    assert len(drafts) == 1
    assert first["Location"] == second["Location"]
    assert f"/fr/my/applications/{drafts[0].pk}/" in first["Location"]


def test_a_new_application_after_the_first_has_a_title_is_a_second_draft(holder_client, holder):
    holder_client.post("/fr/my/applications/new/")
    Application.objects.update(title="Atelier vélo")
    holder_client.post("/fr/my/applications/new/")

    assert Application.objects.filter(organisation=holder.active_organisation).count() == 2


def test_a_new_application_after_the_first_has_a_description_is_a_second_draft(
    holder_client, holder
):
    holder_client.post("/fr/my/applications/new/")
    Application.objects.update(description="Un atelier de réparation de vélos.")
    holder_client.post("/fr/my/applications/new/")

    assert Application.objects.filter(organisation=holder.active_organisation).count() == 2


# --- Races: PostgreSQL -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "role, url, model",
    [
        (Role.OWNER, "/nl/my/sites/new/", Site),
        (Role.HOLDER, "/fr/my/applications/new/", Application),
    ],
    ids=["site", "application"],
)
def test_two_clicks_at_the_same_moment_open_one_draft(role, url, model):
    needs_postgres()
    user = member_of(OrganisationFactory(), role=role)
    clients = [login_client(user), login_client(user)]

    outcomes = race(*(lambda c=client: c.post(url) for client in clients))

    assert model.objects.count() == 1
    assert outcomes[0]["Location"] == outcomes[1]["Location"]
