"""The desk's admin for sites: the review queue, search, the actions and their history rows."""

import datetime
import io
import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from loket.reference.models import UnitKind
from properties.domain import SiteConflict, site_photo_add
from properties.enums import Publication, SiteState
from properties.models import Site, SiteDocument, SitePhoto, SiteTransition

from ..factories import OrganisationFactory, SiteFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/properties/site/"


@pytest.fixture
def desk_client(caseworker_client):
    """The admin has no language prefix: it follows the language cookie. English here, so the
    assertions read like the source strings."""
    caseworker_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return caseworker_client


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def run_action(client, action: str, sites, *, url=CHANGELIST, seen=None, **extra):
    """Post a changelist action as the admin's form would, with the states the list showed."""
    data = {"action": action, "_selected_action": [site.pk for site in sites], "index": 0}
    for site in sites:
        data[f"seen_state_{site.pk}"] = (seen or {}).get(site.pk, site.state)
    data.update(extra)
    return client.post(url, data, follow=True)


def change_form_data(response) -> dict:
    """What the browser would post back from an admin change page, unchanged."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(buffer, format="JPEG")
    return buffer.getvalue()


# --- The queue and search --------------------------------------------------------------------


def test_admin_queue_opens_on_sites_to_review(desk_client):
    submitted = SiteFactory(state=SiteState.SUBMITTED)
    under_review = SiteFactory(state=SiteState.UNDER_REVIEW)
    SiteFactory(state=SiteState.PUBLISHED)
    SiteFactory(state=SiteState.DRAFT)

    response = desk_client.get(CHANGELIST)

    assert set(response.context["cl"].result_list) == {submitted, under_review}


def test_admin_queue_offered_and_all(desk_client):
    SiteFactory(state=SiteState.SUBMITTED)
    published = SiteFactory(state=SiteState.PUBLISHED)
    partly = SiteFactory(state=SiteState.PARTLY_OCCUPIED)
    SiteFactory(state=SiteState.SUSPENDED)

    offered = desk_client.get(CHANGELIST, {"queue": "offered"})
    everything = desk_client.get(CHANGELIST, {"queue": "all"})

    assert set(offered.context["cl"].result_list) == {published, partly}
    assert everything.context["cl"].result_count == 4


@pytest.mark.parametrize(
    "query",
    ["S-2026-09999", "Zennewerk", "Rue des Palais", "OWN-REF-7"],
)
def test_admin_search_finds_any_site_by_reference_owner_street_or_internal_reference(
    desk_client, query
):
    wanted = SiteFactory(
        reference="S-2026-09999",
        owner=OrganisationFactory(name="Kunstenaarscoöperatie Zennewerk"),
        street="Rue des Palais",
        postcode="1030",
        commune_id="21015",
        internal_reference="OWN-REF-7",
        state=SiteState.PUBLISHED,
    )
    SiteFactory(state=SiteState.SUBMITTED)

    response = desk_client.get(CHANGELIST, {"q": query})

    assert list(response.context["cl"].result_list) == [wanted]


def test_admin_lists_sites_in_constant_queries(desk_client, django_assert_num_queries):
    SiteFactory(state=SiteState.SUBMITTED)
    desk_client.get(CHANGELIST)  # warm caches
    with django_assert_num_queries(8) as one:
        desk_client.get(CHANGELIST)
    for _ in range(29):
        SiteFactory(state=SiteState.UNDER_REVIEW, owner=OrganisationFactory())
    with django_assert_num_queries(len(one.captured_queries)):
        response = desk_client.get(CHANGELIST)
    assert response.context["cl"].result_count == 30


def test_admin_is_closed_to_owners_and_anonymous(owner_client, anonymous_client):
    site = SiteFactory()

    for client in (owner_client, anonymous_client):
        for url in (CHANGELIST, f"{CHANGELIST}{site.pk}/change/", f"{CHANGELIST}add/"):
            response = client.get(url)
            assert response.status_code == 302
            assert response.url.startswith("/admin/login/")


# --- Actions ---------------------------------------------------------------------------------


def test_admin_action_start_review_writes_transitions(desk_client, caseworker_user):
    sites = [SiteFactory(state=SiteState.SUBMITTED) for _ in range(2)]

    response = run_action(desk_client, "start_review", sites)

    assert list(Site.objects.order_by("pk").values_list("state", "reviewer")) == [
        (SiteState.UNDER_REVIEW, caseworker_user.pk),
        (SiteState.UNDER_REVIEW, caseworker_user.pk),
    ]
    assert (
        SiteTransition.objects.filter(
            actor=caseworker_user, from_state=SiteState.SUBMITTED, to_state=SiteState.UNDER_REVIEW
        ).count()
        == 2
    )
    references = ", ".join(sorted(site.reference for site in sites))
    assert messages_of(response) == [f"Start review: done for 2 sites ({references})."]


@pytest.mark.parametrize(
    ("action", "publication"),
    [("publish_public", Publication.PUBLIC), ("publish_desk_only", Publication.DESK_ONLY)],
)
def test_admin_action_publish_sets_state_and_publication(desk_client, action, publication):
    site = SiteFactory(state=SiteState.UNDER_REVIEW, publication="", published_at=None)

    run_action(desk_client, action, [site])

    site.refresh_from_db()
    assert (site.state, site.publication) == (SiteState.PUBLISHED, publication)
    assert site.published_at is not None
    assert list(SiteTransition.objects.values_list("from_state", "to_state")) == [
        (SiteState.UNDER_REVIEW, SiteState.PUBLISHED)
    ]


def test_admin_action_reports_which_sites_failed_and_why(desk_client):
    submitted = SiteFactory(state=SiteState.SUBMITTED)
    draft = SiteFactory(state=SiteState.DRAFT)

    response = run_action(desk_client, "start_review", [submitted, draft])

    assert messages_of(response) == [
        f"Start review: done for 1 site ({submitted.reference}).",
        f"Start review failed for {draft.reference}: "
        "A site cannot go from “Draft” to “Under review by the desk”.",
    ]
    assert Site.objects.get(pk=draft.pk).state == SiteState.DRAFT


def test_admin_action_send_back_asks_for_a_message_then_stores_it(desk_client):
    site = SiteFactory(state=SiteState.UNDER_REVIEW)

    page = run_action(desk_client, "send_back", [site])
    assert page.templates[0].name == "admin/desk/action_page.html"
    assert Site.objects.get(pk=site.pk).state == SiteState.UNDER_REVIEW

    response = run_action(
        desk_client, "send_back", [site], message="Add a photo of the hall.", apply="1"
    )

    site.refresh_from_db()
    assert (site.state, site.desk_message) == (SiteState.DRAFT, "Add a photo of the hall.")
    assert list(SiteTransition.objects.values_list("to_state", "reason")) == [
        (SiteState.DRAFT, "Add a photo of the hall.")
    ]
    assert messages_of(response) == [
        f"Send back to the owner with a message: done for 1 site ({site.reference})."
    ]


def test_admin_action_send_back_without_message_changes_nothing(desk_client):
    site = SiteFactory(state=SiteState.SUBMITTED)

    response = run_action(desk_client, "send_back", [site], message="", apply="1")

    assert list(response.context["form"].errors) == ["message"]
    assert Site.objects.get(pk=site.pk).state == SiteState.SUBMITTED
    assert SiteTransition.objects.count() == 0


def test_admin_actions_suspend_resume_release(desk_client):
    site = SiteFactory(state=SiteState.PUBLISHED)

    run_action(desk_client, "suspend", [site], message="Water damage.", apply="1")
    site.refresh_from_db()
    run_action(desk_client, "resume", [site])
    site.refresh_from_db()
    run_action(desk_client, "mark_released", [site])

    site.refresh_from_db()
    assert (site.state, site.desk_message) == (SiteState.RELEASED, "")
    assert list(SiteTransition.objects.values_list("from_state", "to_state", "reason")) == [
        (SiteState.PUBLISHED, SiteState.SUSPENDED, "Water damage."),
        (SiteState.SUSPENDED, SiteState.PUBLISHED, ""),
        (SiteState.PUBLISHED, SiteState.RELEASED, ""),
    ]


def test_admin_action_resume_applies_only_to_suspended_sites(desk_client):
    site = SiteFactory(state=SiteState.SUBMITTED)

    response = run_action(desk_client, "resume", [site])

    assert messages_of(response) == [
        f"Resume failed for {site.reference}: “Resume” does not apply to a site that is "
        "“Submitted”."
    ]
    assert SiteTransition.objects.count() == 0


def test_admin_actions_withdraw_and_close(desk_client):
    withdrawn = SiteFactory(state=SiteState.PUBLISHED)
    closed = SiteFactory(state=SiteState.SUSPENDED)

    run_action(desk_client, "withdraw", [withdrawn], url=f"{CHANGELIST}?queue=all")
    run_action(
        desk_client,
        "close",
        [closed],
        url=f"{CHANGELIST}?queue=all",
        closed_reason="demolished",
        message="",
        apply="1",
    )

    assert Site.objects.get(pk=withdrawn.pk).state == SiteState.WITHDRAWN
    closed.refresh_from_db()
    assert (closed.state, closed.closed_reason) == (SiteState.CLOSED, "demolished")
    assert SiteTransition.objects.count() == 2


def test_admin_action_on_a_site_changed_meanwhile_says_someone_else_was_faster(
    desk_client, caseworker_user
):
    site = SiteFactory(state=SiteState.SUBMITTED)
    listed = desk_client.get(CHANGELIST)
    assert f'name="seen_state_{site.pk}" value="submitted"' in listed.content.decode()
    # Another caseworker sends it back while this one is looking at the list.
    Site.objects.filter(pk=site.pk).update(state=SiteState.DRAFT)

    response = run_action(desk_client, "start_review", [site], seen={site.pk: SiteState.SUBMITTED})

    assert messages_of(response) == [
        f"Start review failed for {site.reference}: {SiteConflict().message}"
    ]
    assert Site.objects.get(pk=site.pk).state == SiteState.DRAFT
    assert SiteTransition.objects.count() == 0


def test_admin_conflict_message_is_in_the_caseworkers_language(desk_client):
    desk_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    site = SiteFactory(state=SiteState.PUBLISHED)

    response = run_action(
        desk_client, "suspend", [site], seen={site.pk: SiteState.SUBMITTED}, message="x", apply="1"
    )

    with translation.override("fr"):
        expected = translation.gettext("%(action)s failed for %(reference)s: %(error)s") % {
            "action": admin.site._registry[Site].desk_action("suspend").label,
            "reference": site.reference,
            "error": SiteConflict().message,
        }
    assert messages_of(response) == [expected]


# --- The change page -------------------------------------------------------------------------


def test_admin_change_page_shows_the_buttons_that_apply(desk_client):
    site = SiteFactory(state=SiteState.SUBMITTED)

    response = desk_client.get(f"{CHANGELIST}{site.pk}/change/")

    assert [action.name for action in response.context["desk_actions"]] == [
        "start_review",
        "publish_public",
        "publish_desk_only",
        "send_back",
        "withdraw",
        "close",
    ]


def test_admin_change_page_button_publishes(desk_client, caseworker_user):
    site = SiteFactory(state=SiteState.UNDER_REVIEW, publication="")

    response = desk_client.post(
        f"{CHANGELIST}{site.pk}/desk-action/publish_public/",
        {"seen_state": SiteState.UNDER_REVIEW},
        follow=True,
    )

    site.refresh_from_db()
    assert (site.state, site.publication) == (SiteState.PUBLISHED, Publication.PUBLIC)
    assert messages_of(response) == [f"Publish (public): done for 1 site ({site.reference})."]


def test_admin_change_page_button_on_a_stale_page_reports_the_conflict(desk_client):
    site = SiteFactory(state=SiteState.PUBLISHED)

    response = desk_client.post(
        f"{CHANGELIST}{site.pk}/desk-action/suspend/",
        {"seen_state": SiteState.SUBMITTED, "message": "Closed for works.", "apply": "1"},
        follow=True,
    )

    assert messages_of(response) == [
        f"Suspend with a message failed for {site.reference}: {SiteConflict().message}"
    ]
    assert SiteTransition.objects.count() == 0


def test_admin_saving_units_refreshes_the_total_surface(desk_client):
    site = SiteFactory(state=SiteState.UNDER_REVIEW, units=[100])
    page = desk_client.get(f"{CHANGELIST}{site.pk}/change/")
    data = change_form_data(page)
    data["units-0-surface_m2"] = "350"

    response = desk_client.post(f"{CHANGELIST}{site.pk}/change/", data)

    assert response.status_code == 302
    site.refresh_from_db()
    assert (site.state, site.total_surface_m2) == (SiteState.UNDER_REVIEW, 350)
    assert SiteTransition.objects.count() == 0


def test_admin_photo_upload_is_re_encoded(desk_client):
    site = SiteFactory(state=SiteState.UNDER_REVIEW)
    page = desk_client.get(f"{CHANGELIST}{site.pk}/change/")
    data = change_form_data(page)
    data.update(
        {
            "photos-TOTAL_FORMS": "1",
            "photos-0-upload": SimpleUploadedFile("hall.png", jpeg_bytes()),
            "photos-0-caption_nl": "De hal",
            "photos-0-position": "0",
        }
    )

    response = desk_client.post(f"{CHANGELIST}{site.pk}/change/", data)

    assert response.status_code == 302
    photo = SitePhoto.objects.get()
    assert (photo.site, photo.width, photo.height, photo.caption_nl) == (site, 64, 48, "De hal")
    assert photo.image.name.endswith(".jpg")
    assert photo.thumbnail.name.endswith("-thumb.jpg")


def test_admin_photo_upload_refuses_a_text_file_named_jpg(desk_client):
    site = SiteFactory(state=SiteState.UNDER_REVIEW)
    page = desk_client.get(f"{CHANGELIST}{site.pk}/change/")
    data = change_form_data(page)
    data.update(
        {
            "photos-TOTAL_FORMS": "1",
            "photos-0-upload": SimpleUploadedFile("photo.jpg", b"just some text"),
            "photos-0-position": "0",
        }
    )

    response = desk_client.post(f"{CHANGELIST}{site.pk}/change/", data)

    assert response.status_code == 200
    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "photos"
    )
    assert formset.errors == [
        {"upload": ["This file is not a photo we can read. Send a JPEG, PNG or WebP image."]}
    ]
    assert SitePhoto.objects.count() == 0


def test_admin_document_upload_refuses_html_named_pdf(desk_client):
    site = SiteFactory(state=SiteState.UNDER_REVIEW)
    page = desk_client.get(f"{CHANGELIST}{site.pk}/change/")
    data = change_form_data(page)
    data.update(
        {
            "documents-TOTAL_FORMS": "1",
            "documents-0-title": "Plan",
            "documents-0-file": SimpleUploadedFile("plan.pdf", b"<html>not a pdf</html>"),
        }
    )

    response = desk_client.post(f"{CHANGELIST}{site.pk}/change/", data)

    assert response.status_code == 200
    assert site.documents.count() == 0
    assert "This file is not a PDF document." in response.content.decode()


def test_admin_edit_refuses_a_postcode_outside_the_commune(desk_client):
    site = SiteFactory(state=SiteState.UNDER_REVIEW)
    page = desk_client.get(f"{CHANGELIST}{site.pk}/change/")
    data = change_form_data(page)
    data["postcode"] = "1180"

    response = desk_client.post(f"{CHANGELIST}{site.pk}/change/", data)

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["postcode"]
    assert Site.objects.get(pk=site.pk).postcode == "1000"


def test_admin_creates_a_site_on_behalf_of_an_owner(desk_client, caseworker_user):
    owner = OrganisationFactory(name="CPAS d'Anderlecht")
    page = desk_client.get(f"{CHANGELIST}add/")
    data = change_form_data(page)
    data.update(
        {
            "owner": owner.pk,
            "title_fr": "Ancien entrepôt rue Wayez",
            "street": "Rue Wayez",
            "number": "12",
            "postcode": "1070",
            "commune": "21001",
            "units-TOTAL_FORMS": "2",
            "units-0-name": "Hall",
            "units-0-kind": UnitKind.objects.get(code="hall").pk,
            "units-0-surface_m2": "400",
            "units-0-position": "0",
            "units-1-name": "Bureau",
            "units-1-kind": UnitKind.objects.get(code="office").pk,
            "units-1-surface_m2": "60",
            "units-1-position": "1",
        }
    )

    response = desk_client.post(f"{CHANGELIST}add/", data)

    assert response.status_code == 302
    site = Site.objects.get()
    assert site.reference == f"S-{datetime.date.today():%Y}-{site.pk:05d}"
    assert (site.owner, site.created_by, site.state, site.title_fr) == (
        owner,
        caseworker_user,
        SiteState.DRAFT,
        "Ancien entrepôt rue Wayez",
    )
    assert site.total_surface_m2 == 460
    assert site.units.count() == 2


def test_admin_transition_history_is_read_only(desk_client):
    response = desk_client.get("/admin/properties/sitetransition/add/")

    assert response.status_code == 403


def test_admin_changelist_rows_carry_the_state_shown(desk_client):
    site = SiteFactory(state=SiteState.UNDER_REVIEW)

    html = desk_client.get(CHANGELIST).content.decode()

    assert re.findall(r'name="seen_state_(\d+)" value="(\w+)"', html) == [
        (str(site.pk), "under_review")
    ]


def test_admin_saving_the_form_keeps_a_state_changed_meanwhile(desk_client, monkeypatch):
    site = SiteFactory(state=SiteState.UNDER_REVIEW, publication="")
    data = change_form_data(desk_client.get(f"{CHANGELIST}{site.pk}/change/"))
    data["title_nl"] = "Nieuwe titel"
    original_save = Site.save

    def save_after_someone_published(self, *args, **kwargs):
        # Another caseworker publishes between the admin loading the row and saving it.
        Site.objects.filter(pk=self.pk).update(state=SiteState.PUBLISHED, publication="public")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(Site, "save", save_after_someone_published)
    response = desk_client.post(f"{CHANGELIST}{site.pk}/change/", data)
    monkeypatch.undo()

    assert response.status_code == 302
    site.refresh_from_db()
    assert (site.title_nl, site.state, site.publication) == (
        "Nieuwe titel",
        SiteState.PUBLISHED,
        Publication.PUBLIC,
    )


# --- Private files ---------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def private_file_links(html: str) -> list[str]:
    """Every href and src of the page that points at a photo or a document."""
    return re.findall(r'(?:href|src)="([^"]*/(?:photos|documents)/[^"]*)"', html)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def stored_bytes(file) -> bytes:
    with file.storage.open(file.name) as handle:
        return handle.read()


def test_admin_change_page_links_a_document_to_the_checked_view(desk_client, other_owner_client):
    site = SiteFactory(state=SiteState.UNDER_REVIEW)
    document = SiteDocument.objects.create(
        site=site, title="Plan", file=ContentFile(PDF, name="plan.pdf"), is_public=False
    )
    with translation.override("en"):
        view = reverse("properties:document", args=[site.pk, document.pk])

    html = desk_client.get(f"{CHANGELIST}{site.pk}/change/").content.decode()

    assert private_file_links(html) == [view]
    assert re.findall(r'<p class="file-upload">Currently: <a href="([^"]*)">([^<]*)</a>', html) == [
        (view, document.file.name.rsplit("/", 1)[-1])
    ]
    assert body(desk_client.get(view)) == PDF
    assert other_owner_client.get(view).status_code == 404


def test_admin_change_page_links_a_photo_to_the_checked_view(desk_client, other_owner_client):
    site = SiteFactory(state=SiteState.UNDER_REVIEW)
    photo = site_photo_add(site=site, uploaded=SimpleUploadedFile("hall.jpg", jpeg_bytes()))
    with translation.override("en"):
        full = reverse("properties:photo", args=[site.pk, photo.pk, "full"])
        thumb = reverse("properties:photo", args=[site.pk, photo.pk, "thumb"])

    html = desk_client.get(f"{CHANGELIST}{site.pk}/change/").content.decode()

    assert private_file_links(html) == [full, thumb]
    assert body(desk_client.get(full)) == stored_bytes(photo.image)
    assert body(desk_client.get(thumb)) == stored_bytes(photo.thumbnail)
    assert other_owner_client.get(full).status_code == 404
    assert other_owner_client.get(thumb).status_code == 404
