from django.contrib import admin
from modeltranslation.admin import TabbedTranslationAdmin

from .models import REFERENCE_MODELS


class ReferenceItemAdmin(TabbedTranslationAdmin):
    list_display = ["code", "name_nl", "name_fr", "name_en", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name_nl", "name_fr", "name_en"]

    def get_readonly_fields(self, request, obj=None):
        # Code relies on the codes; labels may change, codes may not.
        return ["code"] if obj else []

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting would orphan sites and applications; deactivate instead.
        return False


for _model in REFERENCE_MODELS:
    admin.site.register(_model, ReferenceItemAdmin)
