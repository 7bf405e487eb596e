from django.db import models
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    HOLDER = "holder", pgettext_lazy("role", "Project holder")
    OWNER = "owner", pgettext_lazy("role", "Owner or manager")
    CASEWORKER = "caseworker", pgettext_lazy("role", "Caseworker")
    ANALYST = "analyst", pgettext_lazy("role", "Analyst")
    COMMUNE = "commune", pgettext_lazy("role", "Commune contact")


# Roles a visitor may pick when signing up; the others are given by the desk.
SELF_SERVICE_ROLES = (Role.HOLDER, Role.OWNER)
# Roles that open the Django admin, and so must use two-factor authentication.
STAFF_ROLES = (Role.CASEWORKER,)
