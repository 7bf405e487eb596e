from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from loket.organisations.models import Membership

from .models import User
from .services import user_set_role


class UserAdminForm(UserChangeForm):
    def clean_active_organisation(self):
        """A person can only act for an organisation they are a current member of."""
        organisation = self.cleaned_data.get("active_organisation")
        if organisation is None:
            return organisation
        memberships = Membership.objects.current().filter(
            user_id=self.instance.pk, organisation=organisation
        )
        if not memberships.exists():
            raise ValidationError(
                _(
                    "%(user)s is not an active member of %(organisation)s. Add them as a "
                    "member of the organisation first."
                ),
                params={"user": self.instance.email, "organisation": organisation.name},
                code="not_a_member",
            )
        return organisation


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserAdminForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "preferred_language", "is_active"]
    list_filter = ["role", "preferred_language", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    filter_horizontal = ["communes", "groups", "user_permissions"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "preferred_language"]}),
        (_("Role"), {"fields": ["role", "communes", "active_organisation"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2", "role"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    autocomplete_fields = ["active_organisation"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "role" in form.changed_data or not change:
            user_set_role(user=obj, role=obj.role)
