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
    next_reference,
    queue_suggestions,
    submission_errors,
)
from .errors import ApplicationConflict, ApplicationError, ApplicationIncomplete

__all__ = [
    "ApplicationConflict",
    "ApplicationError",
    "ApplicationIncomplete",
    "application_assign",
    "application_confirm",
    "application_create",
    "application_mark_incomplete",
    "application_qualify",
    "application_submit",
    "application_transition",
    "application_withdraw",
    "applications_expire",
    "next_reference",
    "queue_suggestions",
    "submission_errors",
]
