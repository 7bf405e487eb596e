from .applications import (
    application_assign,
    application_confirm,
    application_create,
    application_mark_incomplete,
    application_qualify,
    application_submit,
    application_transition,
    application_withdraw,
    applications_expire,
    applications_remind_renewal,
    next_reference,
    queue_suggestions,
    submission_errors,
)
from .editing import (
    application_document_add,
    application_document_delete,
    application_update,
)
from .errors import ApplicationConflict, ApplicationError, ApplicationIncomplete

__all__ = [
    "ApplicationConflict",
    "ApplicationError",
    "ApplicationIncomplete",
    "application_assign",
    "application_confirm",
    "application_create",
    "application_document_add",
    "application_document_delete",
    "application_mark_incomplete",
    "application_qualify",
    "application_submit",
    "application_transition",
    "application_update",
    "application_withdraw",
    "applications_expire",
    "applications_remind_renewal",
    "next_reference",
    "queue_suggestions",
    "submission_errors",
]
