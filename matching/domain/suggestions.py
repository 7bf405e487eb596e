"""Ranked suggestions in both directions, stored for the desk and refreshed when a side changes.

The database applies the hard filters it can (`selectors.candidate_*`), the engine scores the
survivors, and the best `TOP_N` are written as Suggestion rows. A refresh rewrites one side's
rows in one transaction, so a reader sees the old list or the new one, never half.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from projects.models import Application
from properties.enums import OFFERED_STATES
from properties.models import Site

from ..enums import Direction
from ..models import Suggestion
from ..scoring import Result, rank, score
from ..selectors import (
    MATCHABLE_STATES,
    application_data,
    applications_for_scoring,
    candidate_applications,
    candidate_sites,
    site_data,
    sites_for_scoring,
)

TOP_N = 20


def score_pair(*, application: Application, site: Site, today=None) -> Result:
    """The engine's verdict on one pair, excluded or not, with every line."""
    today = today or timezone.localdate()
    site = sites_for_scoring(Site.objects.filter(pk=site.pk), today).get()
    application = applications_for_scoring(Application.objects.filter(pk=application.pk)).get()
    return score(application_data(application), site_data(site), today=today)


def rank_sites(
    application: Application, *, limit: int = TOP_N, today: datetime.date | None = None
) -> list[Result]:
    """The best sites for one application: 4 queries (the application's lists, the candidate
    sites, their units, their activities) whatever the number of sites."""
    today = today or timezone.localdate()
    application = applications_for_scoring(Application.objects.filter(pk=application.pk)).get()
    data = application_data(application)
    sites = sites_for_scoring(candidate_sites(application, today=today), today)
    return rank((score(data, site_data(s), today=today) for s in sites), limit)


def rank_applications(
    site: Site, *, limit: int = TOP_N, today: datetime.date | None = None
) -> list[Result]:
    """The best applications for one site, in a constant number of queries."""
    today = today or timezone.localdate()
    site = sites_for_scoring(Site.objects.filter(pk=site.pk), today).get()
    data = site_data(site)
    applications = applications_for_scoring(candidate_applications(site, today=today))
    results = (score(application_data(a), data, today=today) for a in applications)
    kept = [r for r in results if not r.excluded]
    kept.sort(key=lambda r: (-r.score, r.application_id))
    return kept[:limit]


def _rows(direction: str, results: list[Result]) -> list[Suggestion]:
    return [
        Suggestion(
            direction=direction,
            application_id=r.application_id,
            site_id=r.site_id,
            rank=position,
            score=r.score,
            lines=[line.as_dict() for line in r.lines],
            unit_ids=list(r.unit_ids),
            surface_m2=r.surface,
        )
        for position, r in enumerate(results, start=1)
    ]


@transaction.atomic
def suggestions_refresh_for_application(*, application_id: int, today=None) -> int:
    """Rewrite the application's ranked sites. A closed or withdrawn application has none."""
    application = Application.objects.filter(pk=application_id).first()
    Suggestion.objects.filter(
        direction=Direction.SITES_FOR_APPLICATION, application_id=application_id
    ).delete()
    if application is None or application.state not in MATCHABLE_STATES:
        return 0
    rows = _rows(Direction.SITES_FOR_APPLICATION, rank_sites(application, today=today))
    Suggestion.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def suggestions_refresh_for_site(*, site_id: int, today=None) -> int:
    """Rewrite the site's ranked applications, and place the site in (or take it out of) the
    lists of the applications it fits, without recomputing those applications whole: the
    site goes in where its score beats the list's last, and the lists are cut back to TOP_N."""
    site = Site.objects.filter(pk=site_id).first()
    Suggestion.objects.filter(direction=Direction.APPLICATIONS_FOR_SITE, site_id=site_id).delete()
    Suggestion.objects.filter(direction=Direction.SITES_FOR_APPLICATION, site_id=site_id).delete()
    if site is None or site.state not in OFFERED_STATES:
        return 0
    results = rank_applications(site, limit=10_000, today=today)
    Suggestion.objects.bulk_create(_rows(Direction.APPLICATIONS_FOR_SITE, results[:TOP_N]))
    if not results:
        return 0
    # The other direction: each fitting application's list, with this site in its place.
    by_application = {r.application_id: r for r in results}
    lists = Suggestion.objects.filter(
        direction=Direction.SITES_FOR_APPLICATION, application_id__in=by_application
    ).values("application_id", "site_id", "score")
    current: dict[int, list[tuple[int, int]]] = {pk: [] for pk in by_application}
    for row in lists:
        current[row["application_id"]].append((row["score"], row["site_id"]))
    touched = []
    for application_id, result in by_application.items():
        entries = current[application_id]
        if len(entries) >= TOP_N and result.score <= min(s for s, _ in entries):
            continue
        touched.append(application_id)
        entries.append((result.score, site_id))
    if not touched:
        return len(results[:TOP_N])
    Suggestion.objects.bulk_create(
        _rows_for_pairs(
            [by_application[pk] for pk in touched],
        )
    )
    _rerank(touched)
    return len(results[:TOP_N])


def _rows_for_pairs(results: list[Result]) -> list[Suggestion]:
    return [
        Suggestion(
            direction=Direction.SITES_FOR_APPLICATION,
            application_id=r.application_id,
            site_id=r.site_id,
            rank=TOP_N + 1,  # set by _rerank
            score=r.score,
            lines=[line.as_dict() for line in r.lines],
            unit_ids=list(r.unit_ids),
            surface_m2=r.surface,
        )
        for r in results
    ]


def _rerank(application_ids: list[int]) -> None:
    """Number each list again by score and cut it back to TOP_N."""
    rows = list(
        Suggestion.objects.filter(
            direction=Direction.SITES_FOR_APPLICATION, application_id__in=application_ids
        ).order_by("application_id", "-score", "site_id")
    )
    keep, drop, position, last = [], [], 0, None
    for row in rows:
        position = position + 1 if row.application_id == last else 1
        last = row.application_id
        if position > TOP_N:
            drop.append(row.pk)
        else:
            row.rank = position
            keep.append(row)
    Suggestion.objects.filter(pk__in=drop).delete()
    Suggestion.objects.bulk_update(keep, ["rank"])


def suggestions_refresh_all(*, today=None) -> int:
    """Recompute every matchable application's list: the nightly safety net, and the
    benchmark's full recompute. Returns the number of rows written."""
    written = 0
    ids = Application.objects.filter(state__in=MATCHABLE_STATES).values_list("pk", flat=True)
    for application_id in ids.iterator():
        written += suggestions_refresh_for_application(application_id=application_id, today=today)
    return written


def sharing_for_site(*, site: Site, today=None, candidates: int = 50):
    """The suggested sharing of a site between applications (`matching.sharing`), from its
    best `candidates` applications."""
    from ..sharing import share_site

    today = today or timezone.localdate()
    site = sites_for_scoring(Site.objects.filter(pk=site.pk), today).get()
    data = site_data(site)
    pairs = []
    for application in applications_for_scoring(candidate_applications(site, today=today)):
        app_data = application_data(application)
        result = score(app_data, data, today=today)
        if not result.excluded:
            pairs.append((app_data, result))
    pairs.sort(key=lambda pair: (-pair[1].score, pair[0].id))
    return share_site(data, pairs[:candidates])
