"""Edits to an application's content and documents by its holder, while they may still change
it: a draft, or a file the desk sent back as incomplete. State changes are not edits; they go
through `application_transition`."""

import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..enums import EDITABLE_STATES, ApplicationState
from ..models import Application, ApplicationDocument
from ..models.application import MAX_DOCUMENTS
from .errors import ApplicationError

# Fields that only the workflow writes; never a holder's form.
PROTECTED_FIELDS = frozenset(
    {
        "organisation",
        "reference",
        "state",
        "closed_reason",
        "desk_message",
        "assignee",
        "prefilled_from",
        "created_by",
        "created_at",
        "submitted_at",
        "confirmed_at",
    }
)


def read_only_message(application: Application) -> str:
    return _(
        "This application is “%(state)s”: the desk is reviewing it, so it can no longer be "
        "changed here. Only drafts and applications the desk sent back can be changed."
    ) % {"state": ApplicationState(application.state).label}


def _lock_editable(application: Application) -> Application:
    """Inside a transaction: the application's row locked, if it may still be changed."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.state not in EDITABLE_STATES:
        raise ApplicationError(read_only_message(locked))
    return locked


@transaction.atomic
def application_update(
    *, application: Application, fields: list[str], relations: dict[str, Iterable] | None = None
) -> Application:
    """Save the holder's edits: only `fields` of `application` are written, so a state change
    the desk made meanwhile is never overwritten by a stale copy; `relations` sets the chosen
    rows of many-to-many fields (activity types, communes). Workflow fields are refused."""
    relations = relations or {}
    forbidden = PROTECTED_FIELDS.intersection([*fields, *relations])
    if forbidden:
        raise ValueError(f"application_update cannot write {sorted(forbidden)}")
    for name in relations:
        if not Application._meta.get_field(name).many_to_many:
            raise ValueError(f"{name} is not a many-to-many field")
    _lock_editable(application)
    application.save(update_fields=[*fields, "updated_at"])
    for name, rows in relations.items():
        getattr(application, name).set(rows)
    return application


@transaction.atomic
def application_document_add(
    *, application: Application, kind: str, title: str, uploaded
) -> ApplicationDocument:
    """Store a PDF (already checked by `properties.files.validate_pdf`) under a random name, so
    the holder's file name never reaches a URL or the disk. Refuses past MAX_DOCUMENTS: two
    uploads at once queue on the application's row, so the cap holds."""
    locked = _lock_editable(application)
    if locked.documents.count() >= MAX_DOCUMENTS:
        raise ApplicationError(
            _("An application has at most %(max)d documents. Remove one before adding another.")
            % {"max": MAX_DOCUMENTS}
        )
    uploaded.name = f"{secrets.token_hex(8)}.pdf"
    document = ApplicationDocument.objects.create(
        application=locked, kind=kind, title=title, file=uploaded
    )
    Application.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    return document


@transaction.atomic
def application_document_delete(*, document: ApplicationDocument) -> None:
    """Remove a document, and its file once the removal is committed (a rollback keeps it)."""
    _lock_editable(document.application)
    file = document.file
    storage, name = file.storage, file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))
