from django.contrib import admin

from .models import AccessibilityFeedback


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "page_url", "language", "forwarded_at"]
    list_filter = ["language"]
    search_fields = ["page_url", "message"]
    readonly_fields = [
        "page_url",
        "message",
        "name",
        "email",
        "language",
        "created_at",
        "forwarded_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False
