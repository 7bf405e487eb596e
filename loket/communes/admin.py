from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from .models import Commune


@admin.register(Commune)
class CommuneAdmin(TabbedTranslationAdmin):
    list_display = ["nis_code", "name_nl", "name_fr", "postcode_list"]
    search_fields = ["nis_code", "name_nl", "name_fr"]
    readonly_fields = ["nis_code"]

    @admin.display(description=_("postcodes"))
    def postcode_list(self, obj: Commune) -> str:
        return ", ".join(obj.postcodes)

    def has_add_permission(self, request) -> bool:
        # The Region has 19 communes; they come from the data migration.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
