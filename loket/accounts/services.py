from django.contrib.auth.models import Group
from django.db import transaction

from .enums import STAFF_ROLES, Role
from .models import User

CASEWORKERS_GROUP = "Caseworkers"


@transaction.atomic
def user_set_role(*, user: User, role: Role) -> User:
    """Give a person a role. Staff roles open the admin with the caseworkers' permissions."""
    user.role = role
    user.is_staff = role in STAFF_ROLES or user.is_superuser
    user.save(update_fields=["role", "is_staff"])
    group = Group.objects.get(name=CASEWORKERS_GROUP)
    if role == Role.CASEWORKER:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    return user
