"""The permission groups behind staff roles, rebuilt from their declaration after every migrate."""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

from .services import CASEWORKERS_GROUP

# Caseworkers manage everything the desk runs; a later app adds its label here.
CASEWORKER_APPS = (
    "organisations",
    "communes",
    "reference",
    "pages",
    "properties",
    "projects",
    "matching",
    "notifications",
)
CASEWORKER_EXTRA = (
    ("accounts", "view_user"),
    ("accounts", "change_user"),
    ("account", "view_emailaddress"),
)


def sync_caseworker_group(**kwargs) -> None:
    # post_migrate reaches this app before the apps listed after it have their permissions.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    group, _created = Group.objects.get_or_create(name=CASEWORKERS_GROUP)
    permissions = list(Permission.objects.filter(content_type__app_label__in=CASEWORKER_APPS))
    for app_label, codename in CASEWORKER_EXTRA:
        permissions += Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        )
    group.permissions.set(permissions)
