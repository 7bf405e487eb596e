from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .forms import OrganisationForm
from .models import Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "is_active"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    list_display = ["name", "legal_form", "enterprise_number_column", "city", "member_count"]
    list_filter = ["legal_form"]
    search_fields = ["name", "enterprise_number", "city"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_member_count=Count("memberships"))

    @admin.display(description=_("enterprise number (BCE/KBO)"), ordering="enterprise_number")
    def enterprise_number_column(self, obj: Organisation) -> str:
        return obj.enterprise_number_display

    @admin.display(description=_("members"), ordering="_member_count")
    def member_count(self, obj: Organisation) -> int:
        return obj._member_count
