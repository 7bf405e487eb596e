from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import kinds
from .models import Notification
from .services import cancel, render, resend


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(code, kind.label) for code, kind in sorted(kinds.KINDS.items())]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, read-only: the desk filters it, previews a message as it will be sent, and
    resends a failed one or cancels one that has not gone out."""

    list_display = ["created_at", "kind_label", "recipient", "language", "status", "attempts"]
    list_filter = ["status", KindFilter, "language"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__email", "recipient__last_name", "key"]
    date_hierarchy = "created_at"
    actions = ["resend_selected", "cancel_selected"]
    readonly_fields = [
        "recipient",
        "kind_label",
        "language",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "queued_at",
        "sent_at",
        "key",
        "context",
        "preview",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, obj):
        kind = kinds.KINDS.get(obj.kind)
        return kind.label if kind else obj.kind

    @admin.display(description=_("preview"))
    def preview(self, obj):
        rendered = render(obj)
        if rendered is None:
            return _("What the message was about is gone.")
        subject, body = rendered
        return format_html(
            '<p class="notification-subject"><strong>{}</strong></p>'
            '<pre class="notification-body">{}</pre>',
            subject,
            body,
        )

    @admin.action(description=_("Send the selected messages again"))
    def resend_selected(self, request, queryset):
        done = sum(resend(n) for n in queryset)
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", done)
            % {"count": done},
            messages.SUCCESS if done else messages.WARNING,
        )

    @admin.action(description=_("Cancel the selected messages"))
    def cancel_selected(self, request, queryset):
        done = sum(cancel(n) for n in queryset)
        self.message_user(
            request,
            ngettext("%(count)d message cancelled.", "%(count)d messages cancelled.", done)
            % {"count": done},
            messages.SUCCESS if done else messages.WARNING,
        )
