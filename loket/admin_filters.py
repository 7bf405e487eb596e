"""List filters shared by the desk's admins: a work queue that the changelist opens on, and
the age of a record in bands."""

from datetime import timedelta

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class QueueFilter(admin.SimpleListFilter):
    """A work queue, with "all" last. The changelist opens on `default_queue`, unless the
    caseworker searches or filters by state: then it looks at every record, until a queue is
    picked explicitly. Subclasses give `queues` and `filter_queue`."""

    title = _("queue")
    parameter_name = "queue"
    ALL = "all"
    queues: list[tuple[str, str]] = []  # (value, label)
    default_queue = ""

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        looks_elsewhere = request.GET.get("q") or request.GET.get("state__exact")
        self.default = self.ALL if looks_elsewhere else self.default_queue

    def lookups(self, request, model_admin):
        return [*self.queues, (self.ALL, _("All"))]

    def value(self):
        value = super().value()
        valid = {code for code, _label in self.queues} | {self.ALL}
        return value if value in valid else self.default

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.ALL:
            return queryset
        return self.filter_queue(request, queryset, value)

    def filter_queue(self, request, queryset, value):
        raise NotImplementedError


class AgeFilter(admin.SimpleListFilter):
    """The age of a record, from `field`, in `bands`: (code, label, at least, under), the
    bounds in days, None for open."""

    parameter_name = "age"
    field = ""
    bands: list[tuple[str, str, int | None, int | None]] = []

    def lookups(self, request, model_admin):
        return [(code, label) for code, label, _low, _high in self.bands]

    def queryset(self, request, queryset):
        now = timezone.now()
        for code, _label, at_least, under in self.bands:
            if self.value() != code:
                continue
            if at_least is not None:
                queryset = queryset.filter(**{f"{self.field}__lte": now - timedelta(at_least)})
            if under is not None:
                queryset = queryset.filter(**{f"{self.field}__gt": now - timedelta(under)})
        return queryset
