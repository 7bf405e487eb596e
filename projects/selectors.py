"""Reusable querysets for applications and saved searches."""

from django.db.models import Q, QuerySet

from properties.models import Site

from .models import SavedSearch


def saved_searches_fitting(site: Site) -> QuerySet[SavedSearch]:
    """The saved searches that `site` fits, in one query whatever their number.

    Each criterion left empty in a search matches every site; no communes means anywhere.
    """
    total = site.total_surface_m2
    activity_ids = list(site.allowed_activities.values_list("pk", flat=True))
    cost = site.estimated_monthly_cost
    fits = (
        (Q(surface_min__isnull=True) | Q(surface_min__lte=total))
        & (Q(surface_max__isnull=True) | Q(surface_max__gte=total))
        & (Q(kind__isnull=True) | Q(kind_id=site.kind_id))
        & (Q(economic_model__isnull=True) | Q(economic_model_id=site.economic_model_id))
        & (Q(activity__isnull=True) | Q(activity_id__in=activity_ids))
        & (Q(max_cost__isnull=True) | (Q(max_cost__gte=cost) if cost is not None else Q(pk=None)))
        & (Q(communes__isnull=True) | Q(communes=site.commune_id))
    )
    if not site.open_to_public:
        fits &= Q(needs_open_to_public=False)
    if not site.step_free_access:
        fits &= Q(needs_step_free=False)
    if site.available_until is not None:
        fits &= Q(available_from__isnull=True) | Q(available_from__lte=site.available_until)
    if site.available_from is not None:
        fits &= Q(available_until__isnull=True) | Q(available_until__gte=site.available_from)
    return SavedSearch.objects.filter(fits).distinct()
