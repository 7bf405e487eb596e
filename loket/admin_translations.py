"""Django's own admin strings that its Dutch catalogue leaves in English (Django 5.2): the
hidden column headers of the admin's list of models, read out by screen readers. Listed here
so that `makemessages` keeps them in Loket's catalogues, which come before Django's. Nothing
imports this module; it only marks the strings."""

from django.utils.translation import gettext_noop

DJANGO_ADMIN_STRINGS = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
)
