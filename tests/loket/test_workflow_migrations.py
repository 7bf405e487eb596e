"""The migrations that put the history tables on the shared base fill the side of the rows
written before it, from the actor, and go back cleanly."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ..factories import OrganisationFactory, UserFactory, caseworker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def latest_schema_afterwards():
    """The tests that follow need every migration applied, not the ones under test."""
    yield
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


def test_application_history_gets_the_side_of_each_actor():
    holder, desk, organisation = UserFactory(), caseworker(), OrganisationFactory()
    apps = migrate([("projects", "0003_saved_search_name_unique_per_user")])
    Application = apps.get_model("projects", "Application")
    ApplicationTransition = apps.get_model("projects", "ApplicationTransition")
    application = Application.objects.create(organisation_id=organisation.pk, title="Atelier")
    for actor in (holder, desk, None):
        ApplicationTransition.objects.create(
            application=application,
            actor_id=actor and actor.pk,
            from_state="submitted",
            to_state="closed",
        )

    apps = migrate([("projects", "0004_transition_side")])

    ApplicationTransition = apps.get_model("projects", "ApplicationTransition")
    assert list(ApplicationTransition.objects.order_by("pk").values_list("side", flat=True)) == [
        "holder",
        "desk",
        "system",
    ]


def test_site_history_gets_the_side_site_transition_gave_each_actor():
    owner, desk, organisation = UserFactory(), caseworker(), OrganisationFactory()
    apps = migrate([("properties", "0001_initial")])
    Site = apps.get_model("properties", "Site")
    SiteTransition = apps.get_model("properties", "SiteTransition")
    site = Site.objects.create(owner_id=organisation.pk, title_nl="Pand")
    for actor in (owner, desk, None):
        SiteTransition.objects.create(
            site=site, actor_id=actor and actor.pk, from_state="draft", to_state="submitted"
        )

    apps = migrate([("properties", "0002_transition_side")])

    SiteTransition = apps.get_model("properties", "SiteTransition")
    assert list(SiteTransition.objects.order_by("pk").values_list("side", flat=True)) == [
        "owner",
        "desk",
        "desk",
    ]


def test_matches_keep_their_sides_and_go_back_without_the_system():
    desk, organisation = caseworker(), OrganisationFactory()
    apps = migrate([("matching", "0004_shared_history")])
    MatchTransition = apps.get_model("matching", "MatchTransition")
    fields = {"actor_id": desk.pk, "from_state": "suggested", "to_state": "shortlisted"}
    match_id = _match(apps, organisation.pk)
    for side in ("owner", "holder", "desk", "system"):
        MatchTransition.objects.create(match_id=match_id, side=side, **fields)

    apps = migrate([("matching", "0003_visit_slot_labels")])

    MatchTransition = apps.get_model("matching", "MatchTransition")
    assert list(MatchTransition.objects.order_by("pk").values_list("side", flat=True)) == [
        "owner",
        "holder",
        "desk",
        "desk",
    ]


def _match(apps, organisation_id: int) -> int:
    Application = apps.get_model("projects", "Application")
    Site = apps.get_model("properties", "Site")
    Match = apps.get_model("matching", "Match")
    return Match.objects.create(
        application=Application.objects.create(organisation_id=organisation_id, title="Atelier"),
        site=Site.objects.create(owner_id=organisation_id, title_nl="Pand"),
    ).pk
