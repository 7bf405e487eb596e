from csp.decorators import csp_replace
from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
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


def _private(notification: Notification) -> bool:
    kind = kinds.KINDS.get(notification.kind)
    return kind is not None and kind.private


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, read-only: the desk filters it, previews a message as it will be sent, and
    resends a failed one or cancels one that has not gone out."""

    list_display = [
        "created_at",
        "kind_label",
        "to",
        "language",
        "status",
        "frequency",
        "attempts",
    ]
    list_filter = ["status", KindFilter, "language", "frequency"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__email", "recipient__last_name", "email", "key"]
    date_hierarchy = "created_at"
    actions = ["resend_selected", "cancel_selected"]
    readonly_fields = [
        "recipient",
        "email",
        "kind_label",
        "language",
        "status",
        "frequency",
        "digest",
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

    def lookup_allowed(self, lookup, value, request=None):
        # The context may hold a sign-in link (account messages): no filtering on it, or its
        # text could be guessed through the list's row counts.
        if lookup.split("__", 1)[0] == "context":
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and _private(obj):
            fields.remove("context")  # it holds a sign-in link until the message is sent
        return fields

    def get_urls(self):
        html = self.admin_site.admin_view(self.html_view)
        return [
            path("<int:pk>/html/", html, name="notifications_notification_html"),
            *super().get_urls(),
        ]

    @admin.display(description=_("recipient"), ordering="recipient__email")
    def to(self, obj):
        return obj.recipient or obj.email

    @admin.display(description=_("preview"))
    def preview(self, obj):
        if _private(obj):
            return _("Not shown: this message holds a sign-in link or code.")
        rendered = render(obj)
        if rendered is None:
            return _("What the message was about is gone.")
        return format_html(
            '<p class="notification-subject"><strong>{}</strong></p>'
            '<pre class="notification-body">{}</pre>'
            '<p><a href="{}" target="_blank" rel="noopener">{}</a></p>',
            rendered.subject,
            rendered.text,
            reverse("admin:notifications_notification_html", args=[obj.pk]),
            _("Open the HTML version"),
        )

    # The message's own inline styles, and nothing else: no script, no remote content.
    @csp_replace({"default-src": ["'none'"], "style-src": ["'unsafe-inline'"]})
    def html_view(self, request, pk):
        obj = get_object_or_404(Notification, pk=pk)
        if not self.has_view_permission(request, obj) or _private(obj):
            raise Http404
        rendered = render(obj)
        if rendered is None:
            raise Http404
        return HttpResponse(rendered.html)

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
