"""The holder's edits through the domain (projects.domain.editing): only the named fields are
written, workflow fields and read-only applications are refused, and documents keep their cap
with nothing half-stored."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from loket.communes.models import Commune
from projects.domain import (
    ApplicationError,
    application_document_add,
    application_document_delete,
    application_submit,
    application_update,
)
from projects.models import Application, ApplicationDocument

from ..factories import ApplicationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def draft(holder):
    return ApplicationFactory(organisation=holder.active_organisation, title="Ateliers")


def pdf(name: str = "statuten.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, "application/pdf")


def test_update_writes_only_the_named_fields_and_the_chosen_rows(draft):
    stale = Application.objects.get(pk=draft.pk)
    Application.objects.filter(pk=draft.pk).update(summary="Written meanwhile")
    stale.title, stale.summary = "Ateliers du canal", "stale"
    brussels = Commune.objects.get(nis_code="21004")
    application_update(application=stale, fields=["title"], relations={"communes": [brussels]})
    stored = Application.objects.get(pk=draft.pk)
    assert (stored.title, stored.summary) == ("Ateliers du canal", "Written meanwhile")
    assert list(stored.communes.all()) == [brussels]


@pytest.mark.parametrize(
    ("fields", "relations"), [(["state"], None), (["title", "assignee"], None), ([], {"title": []})]
)
def test_update_refuses_workflow_fields_and_plain_fields_as_rows(draft, fields, relations):
    draft.state, draft.title = "qualified", "Changed"
    with pytest.raises(ValueError):
        application_update(application=draft, fields=fields, relations=relations)
    assert Application.objects.values_list("state", "title").get(pk=draft.pk) == (
        "draft",
        "Ateliers",
    )


def test_update_of_a_submitted_application_is_refused(holder):
    application = ApplicationFactory(organisation=holder.active_organisation, complete=True)
    application_submit(application=application, actor=holder)
    stale = Application.objects.get(pk=application.pk)
    stale.title = "Changed"
    with pytest.raises(ApplicationError) as refused:
        application_update(application=stale, fields=["title"])
    assert str(refused.value.message) == (
        "This application is “Submitted”: the desk is reviewing it, so it can no longer be "
        "changed here. Only drafts and applications the desk sent back can be changed."
    )
    assert Application.objects.get(pk=application.pk).title == "Ateliers du canal"


def test_a_document_is_stored_under_a_random_name_and_removed_with_its_file(
    draft, django_capture_on_commit_callbacks
):
    before = Application.objects.get(pk=draft.pk).updated_at
    document = application_document_add(
        application=draft, kind="statutes", title="Our statutes", uploaded=pdf()
    )
    stored = ApplicationDocument.objects.get()
    assert (stored.pk, stored.kind, stored.title) == (document.pk, "statutes", "Our statutes")
    assert "statuten" not in stored.file.name
    assert stored.file.read() == PDF
    assert Application.objects.get(pk=draft.pk).updated_at > before
    storage, name = stored.file.storage, stored.file.name
    with django_capture_on_commit_callbacks(execute=True):
        application_document_delete(document=stored)
    assert not ApplicationDocument.objects.exists()
    assert not storage.exists(name)


def test_the_document_over_the_cap_is_refused_and_leaves_no_row_and_no_file(draft):
    for n in range(20):
        ApplicationDocument.objects.create(
            application=draft, kind="plans", title=f"Plan {n}", file=ContentFile(PDF, "a.pdf")
        )
    names = set(ApplicationDocument.objects.values_list("file", flat=True))
    storage = ApplicationDocument._meta.get_field("file").storage
    stored_before = storage.listdir(f"applications/{draft.pk}/documents")[1]
    with pytest.raises(ApplicationError) as refused:
        application_document_add(
            application=draft, kind="plans", title="One more", uploaded=pdf("extra.pdf")
        )
    assert str(refused.value.message) == (
        "An application has at most 20 documents. Remove one before adding another."
    )
    assert set(ApplicationDocument.objects.values_list("file", flat=True)) == names
    assert storage.listdir(f"applications/{draft.pk}/documents")[1] == stored_before


def test_documents_of_a_submitted_application_cannot_change(holder):
    application = ApplicationFactory(organisation=holder.active_organisation, complete=True)
    document = ApplicationDocument.objects.create(
        application=application, kind="plans", title="Plan", file=ContentFile(PDF, "a.pdf")
    )
    application_submit(application=application, actor=holder)
    with pytest.raises(ApplicationError):
        application_document_add(application=application, kind="plans", title="x", uploaded=pdf())
    with pytest.raises(ApplicationError):
        application_document_delete(document=document)
    assert list(ApplicationDocument.objects.values_list("title", flat=True)) == ["Plan"]
