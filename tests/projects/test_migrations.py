"""Migration 0002 parts the duplicate saved searches that the name constraint (0003) forbids."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ..factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]

BEFORE = [("projects", "0001_initial")]
AFTER = [("projects", "0003_saved_search_name_unique_per_user")]


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


def test_duplicate_names_are_parted_before_the_constraint():
    holder, other = UserFactory(), UserFactory()
    apps = migrate(BEFORE)
    SavedSearch = apps.get_model("projects", "SavedSearch")
    for user, name, query in [
        (holder, "Centre", "commune=21004"),
        (holder, "Centre", "commune=21004"),  # a double submit
        (holder, "Centre", "kind=land"),  # another search under the same name
        (holder, "Centre (2)", "kind=building"),
        (other, "Centre", "kind=land"),
    ]:
        SavedSearch.objects.create(user_id=user.pk, name=name, query=query)

    apps = migrate(AFTER)

    SavedSearch = apps.get_model("projects", "SavedSearch")
    assert list(SavedSearch.objects.order_by("pk").values_list("user_id", "name", "query")) == [
        (holder.pk, "Centre", "commune=21004"),
        (holder.pk, "Centre (3)", "kind=land"),
        (holder.pk, "Centre (2)", "kind=building"),
        (other.pk, "Centre", "kind=land"),
    ]
