"""The owner's edits through the domain (properties.domain.sites): only the named fields and
the chosen many-to-many rows are written, units are saved with the site's figures in one
transaction, and nothing changes once a caseworker moved the site out of an editable state,
not even a photo or a document."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from loket.reference.models import ActivityType, UnitKind
from properties.domain import SiteError, site_photo_add, site_transition
from properties.domain.sites import (
    site_document_delete,
    site_photo_delete,
    site_units_update,
    site_update,
)
from properties.forms import UnitForm
from properties.models import Site, SiteDocument, SitePhoto, Unit
from properties.models.unit import MAX_UNITS
from properties.signals import site_changed

from ..factories import SiteFactory, UnitFactory
from .test_owner_media import PDF, jpeg
from .test_owner_steps import units_data

pytestmark = pytest.mark.django_db

READ_ONLY = "This site is “Published”: its details can no longer be changed here."
READ_ONLY_NL = (
    "Deze site is “Gepubliceerd”: de gegevens ervan kunnen hier niet meer worden gewijzigd."
)


@pytest.fixture
def draft(owner):
    return SiteFactory(state="draft", publication="", owner=owner.active_organisation, units=[])


@pytest.fixture
def changed_sites():
    """The pks of the sites that site_changed was sent for (matching listens to it)."""
    sent = []

    def receiver(sender, site, **kwargs):
        sent.append(site.pk)

    site_changed.connect(receiver, dispatch_uid="test_editing")
    yield sent
    site_changed.disconnect(dispatch_uid="test_editing")


def publish(site: Site, caseworker) -> None:
    """The desk publishes the site: it can no longer be changed in the owner's editor."""
    site_transition(site=Site.objects.get(pk=site.pk), to_state="submitted", actor=caseworker)
    site_transition(site=Site.objects.get(pk=site.pk), to_state="published", actor=caseworker)


def nl_url(name: str, **kwargs) -> str:
    with translation.override("nl"):
        return reverse(name, kwargs=kwargs)


def shown_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Fields and many-to-many rows ------------------------------------------------------------


def test_update_writes_only_the_named_fields_and_the_chosen_rows(draft):
    studios, shops = ActivityType.objects.order_by("pk")[:2]
    draft.allowed_activities.set([studios])
    stale = Site.objects.get(pk=draft.pk)
    Site.objects.filter(pk=draft.pk).update(restrictions="Written meanwhile")
    stale.title_nl, stale.restrictions = "Oude brouwerij", "stale"
    site_update(site=stale, fields=["title_nl"], relations={"allowed_activities": [shops]})
    stored = Site.objects.get(pk=draft.pk)
    assert (stored.title_nl, stored.restrictions) == ("Oude brouwerij", "Written meanwhile")
    assert list(stored.allowed_activities.all()) == [shops]


@pytest.mark.parametrize(
    ("fields", "relations"),
    [(["state"], None), (["title_nl", "reviewer"], None), ([], {"title_nl": []})],
)
def test_update_refuses_workflow_fields_and_plain_fields_as_rows(draft, fields, relations):
    title = draft.title_nl
    draft.state, draft.title_nl = "published", "Changed"
    with pytest.raises(ValueError):
        site_update(site=draft, fields=fields, relations=relations)
    assert Site.objects.values_list("state", "title_nl").get(pk=draft.pk) == ("draft", title)


def test_update_of_a_site_the_desk_published_meanwhile_writes_nothing(draft, caseworker_user):
    studios = ActivityType.objects.order_by("pk").first()
    stale = Site.objects.get(pk=draft.pk)
    publish(draft, caseworker_user)
    stale.title_nl = "Changed"
    with pytest.raises(SiteError) as refused:
        site_update(site=stale, fields=["title_nl"], relations={"allowed_activities": [studios]})
    assert str(refused.value.message) == READ_ONLY
    stored = Site.objects.get(pk=draft.pk)
    assert (stored.title_nl, list(stored.allowed_activities.all())) == (draft.title_nl, [])


def test_owner_uses_step_replaces_the_chosen_activities(owner_client, owner):
    site = SiteFactory(state="draft", publication="", owner=owner.active_organisation)
    first, second, third = ActivityType.objects.order_by("pk")[:3]
    site.allowed_activities.set([first, second])
    response = owner_client.post(
        nl_url("properties:owner_step", pk=site.pk, step="uses"),
        {
            "allowed_activities": [third.pk],
            "economic_model": site.economic_model_id,
            "charges_monthly": "300",
        },
    )
    assert response["Location"] == nl_url("properties:owner_step", pk=site.pk, step="units")
    assert list(Site.objects.get(pk=site.pk).allowed_activities.all()) == [third]


# --- Units -----------------------------------------------------------------------------------


def test_units_update_writes_the_units_and_the_total_surface(draft, changed_sites):
    kept = UnitFactory(site=draft, name="Hall", surface_m2=Decimal("100"), position=0)
    dropped = UnitFactory(site=draft, name="Cellar", surface_m2=Decimal("40"), position=1)
    kept.surface_m2 = Decimal("150")
    shop = Unit(
        site=draft, name="Shop", kind=UnitKind.objects.get(code="shop"), surface_m2=Decimal("60")
    )
    changed_sites.clear()

    site_units_update(site=draft, saved=[kept, shop], deleted=[dropped])

    units = list(Unit.objects.filter(site=draft).values_list("name", "surface_m2", "position"))
    assert units == [("Hall", Decimal("150.0"), 0), ("Shop", Decimal("60.0"), 2)]
    assert Site.objects.get(pk=draft.pk).total_surface_m2 == Decimal("210")
    assert changed_sites == [draft.pk]


def test_units_update_of_a_site_the_desk_published_meanwhile_changes_nothing(
    draft, caseworker_user
):
    hall = UnitFactory(site=draft, name="Hall", surface_m2=Decimal("100"), position=0)
    Site.objects.filter(pk=draft.pk).update(total_surface_m2=Decimal("100"))
    stale = Site.objects.get(pk=draft.pk)
    publish(draft, caseworker_user)
    hall.surface_m2 = Decimal("150")
    shop = Unit(
        site=stale, name="Shop", kind=UnitKind.objects.get(code="shop"), surface_m2=Decimal("60")
    )
    with pytest.raises(SiteError) as refused:
        site_units_update(site=stale, saved=[hall, shop], deleted=[])
    assert str(refused.value.message) == READ_ONLY
    units = list(Unit.objects.filter(site=draft).values_list("name", "surface_m2"))
    assert units == [("Hall", Decimal("100.0"))]
    assert Site.objects.get(pk=draft.pk).total_surface_m2 == Decimal("100")


def test_units_update_past_the_cap_is_refused_and_stores_nothing(draft):
    office = UnitKind.objects.get(code="office")
    Unit.objects.bulk_create(
        Unit(site=draft, name=f"Office {n}", kind=office, surface_m2=10, position=n)
        for n in range(MAX_UNITS)
    )
    one_more = Unit(site=draft, name="One more", kind=office, surface_m2=Decimal("10"))
    with pytest.raises(SiteError) as refused:
        site_units_update(site=draft, saved=[one_more], deleted=[])
    assert str(refused.value.message) == (
        "A site has at most 80 units. Remove one before adding another."
    )
    assert Unit.objects.filter(site=draft).count() == MAX_UNITS


def test_units_update_refuses_a_unit_of_another_site(draft):
    elsewhere = UnitFactory(name="Elsewhere", surface_m2=Decimal("100"))
    elsewhere.surface_m2 = Decimal("1")
    with pytest.raises(ValueError):
        site_units_update(site=draft, saved=[elsewhere], deleted=[])
    assert Unit.objects.get(pk=elsewhere.pk).surface_m2 == Decimal("100.0")


def test_owner_units_post_on_a_site_the_desk_published_meanwhile_changes_nothing_and_says_why(
    owner_client, draft, caseworker_user, monkeypatch
):
    """The owner's page was read while the site was a draft; the desk publishes it while the
    owner's units are being checked. The save is refused under the site's lock."""
    hall = UnitFactory(site=draft, name="Hall", surface_m2=Decimal("100"), position=0)
    Site.objects.filter(pk=draft.pk).update(total_surface_m2=Decimal("100"))
    clean = UnitForm.clean

    def clean_while_the_desk_publishes(form):
        if Site.objects.get(pk=draft.pk).state == "draft":
            publish(draft, caseworker_user)
        return clean(form)

    monkeypatch.setattr(UnitForm, "clean", clean_while_the_desk_publishes)
    office = UnitKind.objects.get(code="office").pk
    response = owner_client.post(
        nl_url("properties:owner_step", pk=draft.pk, step="units"),
        units_data(
            {
                "id": hall.pk,
                "site": draft.pk,
                "name": "Big hall",
                "kind": office,
                "surface_m2": "150",
            },
            {"name": "Shop", "kind": office, "surface_m2": "60", "open_to_public": "unknown"},
            initial=1,
        ),
        follow=True,
    )
    monkeypatch.undo()

    assert response.redirect_chain == [
        (nl_url("properties:owner_step", pk=draft.pk, step="review"), 302)
    ]
    assert shown_messages(response) == [READ_ONLY_NL]
    units = list(Unit.objects.filter(site=draft).values_list("name", "surface_m2"))
    assert units == [("Hall", Decimal("100.0"))]
    assert Site.objects.get(pk=draft.pk).total_surface_m2 == Decimal("100")


# --- Photos and documents --------------------------------------------------------------------


def test_a_photo_of_a_site_the_desk_published_meanwhile_keeps_its_row_and_files(
    draft, caseworker_user, django_capture_on_commit_callbacks
):
    photo = site_photo_add(site=draft, uploaded=SimpleUploadedFile("a.jpg", jpeg()))
    storage, names = photo.image.storage, [photo.image.name, photo.thumbnail.name]
    publish(draft, caseworker_user)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SiteError) as refused:
        site_photo_delete(photo=photo)
    assert str(refused.value.message) == READ_ONLY
    assert list(SitePhoto.objects.values_list("pk", flat=True)) == [photo.pk]
    assert [storage.exists(name) for name in names] == [True, True]


def test_a_document_of_a_site_the_desk_published_meanwhile_keeps_its_row_and_file(
    draft, caseworker_user, django_capture_on_commit_callbacks
):
    document = SiteDocument.objects.create(
        site=draft, title="Plan", file=ContentFile(PDF, name="plan.pdf")
    )
    storage, name = document.file.storage, document.file.name
    publish(draft, caseworker_user)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SiteError) as refused:
        site_document_delete(document=document)
    assert str(refused.value.message) == READ_ONLY
    assert list(SiteDocument.objects.values_list("pk", flat=True)) == [document.pk]
    assert storage.exists(name)


def test_photo_and_document_of_an_editable_site_are_removed_with_their_files(
    draft, django_capture_on_commit_callbacks
):
    photo = site_photo_add(site=draft, uploaded=SimpleUploadedFile("a.jpg", jpeg()))
    document = SiteDocument.objects.create(
        site=draft, title="Plan", file=ContentFile(PDF, name="plan.pdf")
    )
    files = [photo.image, photo.thumbnail, document.file]
    stored = [(file.storage, file.name) for file in files]
    with django_capture_on_commit_callbacks(execute=True):
        site_photo_delete(photo=photo)
        site_document_delete(document=document)
    assert (SitePhoto.objects.count(), SiteDocument.objects.count()) == (0, 0)
    assert [storage.exists(name) for storage, name in stored] == [False, False, False]
