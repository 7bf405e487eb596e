"""An owner's save that read the site as still editable, while a caseworker publishes it at that
very moment: the save waits for the caseworker's transaction, is then refused with the
read-only message, and the units, photos and documents stay as they were. PostgreSQL only."""

import threading
import time
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction

from loket.reference.models import UnitKind
from properties.domain import site_photo_add, site_transition
from properties.models import Site, SiteDocument, SitePhoto, Unit

from ..conftest import login_client
from ..factories import SiteFactory, UnitFactory
from ..races import needs_postgres
from .test_editing import READ_ONLY_NL, nl_url
from .test_owner_media import PDF, jpeg
from .test_owner_steps import units_data

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


def while_the_desk_publishes(site: Site, caseworker, request):
    """Run `request` in a thread while the desk holds the site's row and publishes it; the desk
    commits once the request waits for that row. Returns the request's response."""
    outcome = []

    def run():
        try:
            outcome.append(request())
        except Exception as error:  # reported by the caller's assertions
            outcome.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    with transaction.atomic():
        locked = Site.objects.select_for_update().get(pk=site.pk)
        site_transition(site=locked, to_state="published", actor=caseworker)
        thread.start()
        _wait_for_a_lock_waiter(thread)
    thread.join(timeout=60)
    return outcome[0]


def _wait_for_a_lock_waiter(thread, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while thread.is_alive() and time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.01)


@pytest.fixture
def submitted(owner):
    """A site the desk is about to review: still editable by its owner."""
    return SiteFactory(state="submitted", publication="", owner=owner.active_organisation, units=[])


def test_owner_units_saved_while_the_desk_publishes_change_nothing_and_say_why(
    owner, caseworker_user, submitted
):
    needs_postgres()
    hall = UnitFactory(site=submitted, name="Hall", surface_m2=Decimal("100"), position=0)
    Site.objects.filter(pk=submitted.pk).update(total_surface_m2=Decimal("100"))
    office = UnitKind.objects.get(code="office").pk
    client = login_client(owner)
    data = units_data(
        {
            "id": hall.pk,
            "site": submitted.pk,
            "name": "Big hall",
            "kind": office,
            "surface_m2": "150",
        },
        {"name": "Shop", "kind": office, "surface_m2": "60", "open_to_public": "unknown"},
        initial=1,
    )

    response = while_the_desk_publishes(
        submitted,
        caseworker_user,
        lambda: client.post(nl_url("properties:owner_step", pk=submitted.pk, step="units"), data),
    )

    assert response["Location"] == nl_url("properties:owner_step", pk=submitted.pk, step="review")
    review = client.get(response["Location"])
    assert [str(message) for message in review.context["messages"]] == [READ_ONLY_NL]
    units = list(Unit.objects.filter(site=submitted).values_list("name", "surface_m2"))
    assert units == [("Hall", Decimal("100.0"))]
    assert Site.objects.values_list("state", "total_surface_m2").get(pk=submitted.pk) == (
        "published",
        Decimal("100"),
    )


def test_owner_media_removed_while_the_desk_publishes_stay_with_their_files(
    owner, caseworker_user, submitted
):
    needs_postgres()
    photo = site_photo_add(site=submitted, uploaded=SimpleUploadedFile("a.jpg", jpeg()))
    document = SiteDocument.objects.create(
        site=submitted, title="Plan", file=ContentFile(PDF, name="plan.pdf")
    )
    files = [(file.storage, file.name) for file in (photo.image, photo.thumbnail, document.file)]
    client = login_client(owner)

    responses = [
        while_the_desk_publishes(
            submitted,
            caseworker_user,
            lambda: client.post(
                nl_url("properties:owner_photo_delete", pk=submitted.pk, photo_pk=photo.pk)
            ),
        )
    ]
    # Back to a state the owner may edit, for the document's turn.
    Site.objects.filter(pk=submitted.pk).update(state="submitted")
    responses.append(
        while_the_desk_publishes(
            submitted,
            caseworker_user,
            lambda: client.post(
                nl_url("properties:owner_document_delete", pk=submitted.pk, document_pk=document.pk)
            ),
        )
    )

    review = nl_url("properties:owner_step", pk=submitted.pk, step="review")
    assert [response["Location"] for response in responses] == [review, review]
    shown = [str(message) for message in client.get(review).context["messages"]]
    assert shown == [READ_ONLY_NL, READ_ONLY_NL]
    assert list(SitePhoto.objects.values_list("pk", flat=True)) == [photo.pk]
    assert list(SiteDocument.objects.values_list("pk", flat=True)) == [document.pk]
    assert [storage.exists(name) for storage, name in files] == [True, True, True]
