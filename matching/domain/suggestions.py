"""Ranked suggestions in both directions, stored for the desk and refreshed when a side changes.

The hard filters' in-memory prefilters pick the candidates among every offered site or every
matchable application, kept in the process while the database's version of them stays the
same (`market.cached`); the engine checks and scores the survivors, stopping once the rest
cannot enter the list, and the best `TOP_N` are written as Suggestion rows. A refresh
rewrites one side's rows in one transaction, so a reader sees the old list or the new one,
never half.
"""

import bisect
import datetime
import heapq
import json
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from django.db import connection, connections, transaction
from django.utils import timezone

from projects.models import Application
from properties.enums import OFFERED_STATES
from properties.models import Site

from ..data import ApplicationData, Result, SiteData
from ..enums import Direction
from ..filters import CANNOT_HOLD, Wish, months_between, wish_window
from ..market import (
    MatchableApplications,
    OfferedSites,
    application_data,
    application_data_list,
    applications_for_scoring,
    cached,
    engine_versions,
    site_data,
    site_data_list,
    sites_for_scoring,
)
from ..models import SiteSharing, Suggestion
from ..scoring import (
    LONG_HORIZON_YEARS,
    WEIGHTS,
    _expectations_line,
    _waiting_line,
    rank,
    score,
)
from ..selectors import MATCHABLE_STATES
from ..sharing import Plan, share_site

TOP_N = 20
# The sharing of a site is drawn from its best applications, this many.
SHARING_CANDIDATES = 50


def score_pair(*, application: Application, site: Site, today=None) -> Result:
    """The engine's verdict on one pair, excluded or not, with every line."""
    today = today or timezone.localdate()
    _site, data = _loaded_site(site, today)
    application = applications_for_scoring(Application.objects.filter(pk=application.pk)).get()
    return score(application_data(application), data, today=today)


def rank_sites(
    application: Application, *, limit: int = TOP_N, today: datetime.date | None = None
) -> list[Result]:
    """The best sites for one application: 4 queries (the version of the sites, the application
    and its two lists) when the offered sites are kept in memory (`offered_sites`)."""
    today = today or timezone.localdate()
    sites = offered_sites(today)
    loaded = application_data_list(Application.objects.filter(pk=application.pk))
    if not loaded:
        raise Application.DoesNotExist(f"No application {application.pk}.")
    data = loaded[0]
    return _best(data, sites.candidates(Wish.of(data, (), today)), today, limit)


def rank_applications(
    site: Site, *, limit: int = TOP_N, today: datetime.date | None = None
) -> list[Result]:
    """The best applications for one site: one query (the versions) when the matchable
    applications and the offered sites are kept in memory."""
    _data, pairs = _fitting_applications(site, today or timezone.localdate(), limit)
    return [result for _application, result in pairs]


def offered_sites(today: datetime.date, versions=None) -> OfferedSites:
    """Every offered site as engine data (`market.OfferedSites`), kept in the process until a
    site, unit, booking or reference list changes (`market.cached`)."""
    return cached("sites", today, lambda: OfferedSites(today), versions)


def matchable_applications(today: datetime.date, versions=None) -> MatchableApplications:
    """Every matchable application as engine data, kept like `offered_sites`."""
    return cached(
        "applications",
        today,
        lambda: MatchableApplications(
            Application.objects.filter(state__in=MATCHABLE_STATES), today, _PAIR_POINTS
        ),
        versions,
    )


def _loaded_site(site: Site, today: datetime.date):
    """The site with what the engine reads prefetched, and its engine data (free units)."""
    site = sites_for_scoring(Site.objects.filter(pk=site.pk), today).get()
    return site, site_data(site)


def _site_data(site: Site, today: datetime.date, versions) -> SiteData:
    """The site's engine data: from the offered sites kept in memory, or read (a site that is
    not offered)."""
    data = offered_sites(today, versions).by_id.get(site.pk)
    if data is None:
        loaded = site_data_list(Site.objects.filter(pk=site.pk), today)
        if not loaded:
            raise Site.DoesNotExist(f"No site {site.pk}.")
        data = loaded[0]
    return data


def _fitting_applications(site: Site, today: datetime.date, limit: int):
    """The site's engine data, and (application data, result) for the best `limit`
    applications that pass its hard filters, best first: the ranking and the sharing both
    start here. An application's score is at most its bound (`MatchableApplications`); once
    `limit` results score above the bound of the rest, those cannot enter."""
    versions = engine_versions()
    data = _site_data(site, today, versions)
    if limit < 1:
        return data, []
    candidates = matchable_applications(today, versions).candidates(data)
    candidates.sort(key=lambda c: -c[0])
    pairs, lowest = [], []  # lowest: a min-heap of the best `limit` scores so far
    for bound, application in candidates:
        if len(lowest) >= limit and bound < lowest[0]:
            break
        result = score(application, data, today=today)
        if result.excluded:
            continue
        pairs.append((application, result))
        if len(lowest) < limit:
            heapq.heappush(lowest, result.score)
        elif result.score > lowest[0]:
            heapq.heapreplace(lowest, result.score)
    pairs.sort(key=lambda pair: (-pair[1].score, pair[0].id))
    return data, pairs[:limit]


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
    SiteSharing.objects.filter(site_id=site_id).delete()
    if site is None or site.state not in OFFERED_STATES:
        return 0
    data, pairs = _fitting_applications(site, today or timezone.localdate(), 10_000)
    _store_sharing(site_id, data, pairs)
    results = [result for _application, result in pairs]
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


def suggestions_refresh_all(*, today=None, chunk: int = 500) -> int:
    """Recompute every matchable application's list: the nightly safety net, and the
    benchmark's full recompute. Returns the number of rows written.

    The same lists as `suggestions_refresh_for_application` for each, made faster: the offered
    sites are loaded once (`OfferedSites`, which applies the hard filters' in-memory tests)
    and the applications `chunk` at a time, each chunk rewritten in one transaction
    (`_ChunkWriter`: on PostgreSQL, while the next chunk is ranked)."""
    today = today or timezone.localdate()
    sites = offered_sites(today)
    ids = list(
        Application.objects.filter(state__in=MATCHABLE_STATES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    with _ChunkWriter() as writer:
        for start in range(0, len(ids), chunk):
            part = ids[start : start + chunk]
            applications = application_data_list(
                Application.objects.filter(pk__in=part, state__in=MATCHABLE_STATES)
            )
            activity_ids: dict[int, list[int]] = {}
            for application_id, activity_id in Application.activity_types.through.objects.filter(
                application_id__in=part
            ).values_list("application_id", "activitytype_id"):
                activity_ids.setdefault(application_id, []).append(activity_id)
            ranked = []
            for data in applications:
                wish = Wish.of(data, activity_ids.get(data.id, ()), today)
                ranked.append(_best(data, sites.candidates(wish), today))
            writer.write(part, ranked)
    return writer.written


def _rewrite_chunk(part: list[int], ranked: list[list[Result]]) -> int:
    """Replace the lists of the applications `part` by `ranked`, in one transaction."""
    with transaction.atomic():
        Suggestion.objects.filter(
            direction=Direction.SITES_FOR_APPLICATION, application_id__in=part
        ).delete()
        return _insert(Direction.SITES_FOR_APPLICATION, ranked)


class _ChunkWriter:
    """Writes the recompute's chunks (`_rewrite_chunk`) one after the other, in order.

    On PostgreSQL, outside a transaction, a thread of its own writes a chunk on a connection
    of its own while the caller ranks the next one: the delete and the COPY wait for the
    database (about a sixth of the recompute), and the wait gives up the GIL, so the two
    overlap on a machine with two cores. At most one chunk waits to be written, so memory
    stays that of two chunks; a failed write is raised at the next `write` or at the end, and
    the chunks before it stay written, as when they are written in line. Inside a
    transaction (a caller's, or a test's) the thread could not see its rows: chunks are
    written in line there, and on SQLite, whose writes are not worth a thread."""

    def __init__(self):
        self.written = 0
        self._pending = None
        self._executor = None
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="suggestions")

    def __enter__(self):
        return self

    def write(self, part: list[int], ranked: list[list[Result]]) -> None:
        if self._executor is None:
            self.written += _rewrite_chunk(part, ranked)
            return
        self._wait()
        self._pending = self._executor.submit(_rewrite_chunk, part, ranked)

    def _wait(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self.written += pending.result()

    def __exit__(self, *exc_info):
        if self._executor is None:
            return
        try:
            self._wait()
        finally:
            # The thread's connection is its own: closed there, or it would stay open.
            self._executor.submit(connections.close_all).result()
            self._executor.shutdown()


def suggestions_refresh_all_sites(*, today=None) -> int:
    """Rewrite every offered site's ranked applications, one site per transaction, and drop
    the lists of sites no longer offered: the nightly safety net for the other direction
    (`suggestions_refresh_all` rewrites the applications' lists)."""
    today = today or timezone.localdate()
    Suggestion.objects.filter(direction=Direction.APPLICATIONS_FOR_SITE).exclude(
        site__state__in=OFFERED_STATES
    ).delete()
    SiteSharing.objects.exclude(site__state__in=OFFERED_STATES).delete()
    written = 0
    offered = Site.objects.filter(state__in=OFFERED_STATES).order_by("pk")
    for site in offered.iterator():
        data, pairs = _fitting_applications(site, today, max(TOP_N, SHARING_CANDIDATES))
        rows = _rows(Direction.APPLICATIONS_FOR_SITE, [result for _a, result in pairs[:TOP_N]])
        with transaction.atomic():
            Suggestion.objects.filter(
                direction=Direction.APPLICATIONS_FOR_SITE, site_id=site.pk
            ).delete()
            Suggestion.objects.bulk_create(rows)
            _store_sharing(site.pk, data, pairs)
        written += len(rows)
    return written


def _store_sharing(site_id: int, data: SiteData, pairs) -> None:
    """Store the site's suggested sharing (`sharing_for_site`) from its ranked `pairs`."""
    plan = share_site(data, pairs[:SHARING_CANDIDATES])
    SiteSharing.objects.update_or_create(site_id=site_id, defaults={"plan": plan.as_dict()})


def _insert(direction: str, ranked: list[list[Result]]) -> int:
    """`bulk_create` of the rows of the ranked lists, numbered from 1 in each list; on
    PostgreSQL a COPY of the values, several times faster (the arrays `bulk_create` sends escape
    every JSON value in Python, and the model instances cost more than the scoring)."""
    if connection.vendor != "postgresql":
        rows = [row for results in ranked for row in _rows(direction, results)]
        Suggestion.objects.bulk_create(rows, batch_size=1000)
        return len(rows)
    names = [
        "direction",
        "application",
        "site",
        "rank",
        "score",
        "lines",
        "unit_ids",
        "surface_m2",
        "computed_at",
    ]
    columns = ", ".join(
        connection.ops.quote_name(Suggestion._meta.get_field(name).column) for name in names
    )
    table = connection.ops.quote_name(Suggestion._meta.db_table)
    now = timezone.now()  # computed_at is auto_now
    sql = f"COPY {table} ({columns}) FROM STDIN"
    # COPY's text format, written whole: JSON as `json.dumps` writes it (ASCII, no tab or
    # line break) needs only its backslashes doubled.
    head = f"{direction}\t"
    tail = f"\t{now.isoformat()}\n"
    lines = []
    for results in ranked:
        for position, r in enumerate(results, start=1):
            explanation = json.dumps([line.as_dict() for line in r.lines]).replace("\\", "\\\\")
            units = json.dumps(list(r.unit_ids))
            lines.append(
                f"{head}{r.application_id}\t{r.site_id}\t{position}\t{r.score}\t"
                f"{explanation}\t{units}\t{r.surface}{tail}"
            )
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        copy.write("".join(lines).encode())
    return len(lines)


# Most points a site can earn on the criteria that depend on the pair: at most their weights.
_PAIR_POINTS = WEIGHTS["surface"] + WEIGHTS["duration"] + WEIGHTS["horizon"]


def _best(data, candidates: list[tuple[int, SiteData]], today, limit: int = TOP_N) -> list[Result]:
    """`rank(scores, limit)` of the candidates, scoring fewer: a site's score is at most the
    application's own points (expectations, waiting), its transport points (given with it) and
    what `_pair_bound` allows on the pair's criteria; the candidates are scored from the highest
    bound down, and once `limit` results score above the next bound, the sites left cannot
    enter."""
    if limit < 1:
        return rank((score(data, site, today=today) for _, site in candidates), limit)
    own = _expectations_line(data).points + _waiting_line(data, today).points
    pair_bound = _pair_bound(data, today)
    bounded = [(own + points + pair_bound(site), site) for points, site in candidates]
    bounded.sort(key=lambda c: -c[0])
    results, lowest = [], []  # lowest: a min-heap of the best `limit` scores so far
    for bound, site in bounded:
        if len(lowest) >= limit and bound < lowest[0]:
            break
        result = score(data, site, today=today)
        if result.excluded:
            continue
        results.append(result)
        if len(lowest) < limit:
            heapq.heappush(lowest, result.score)
        elif result.score > lowest[0]:
            heapq.heapreplace(lowest, result.score)
    return rank(results, limit)


def _pair_bound(application: ApplicationData, today: datetime.date):
    """A function giving, for a site, the most points the pair's criteria (surface, duration,
    horizon) can give this application there, at most `_PAIR_POINTS`: each line of
    `scoring.score` recomputed with what can only raise it (the site's dates rather than those
    of the units chosen; for the surface, the distance to the ideal that no choice of units can
    beat). The points are rounded as the lines round them, from values at least as high."""
    low, high = application.surface_min, application.surface_max
    ideal = min(max(application.surface_ideal or low, low), high)
    spread = max(ideal - low, high - ideal) or Decimal(1)
    kind = application.space_kind if application.space_kind in CANNOT_HOLD else "either"
    several = application.several_units_ok
    surface_weight = WEIGHTS["surface"]
    horizon_weight, duration_weight = WEIGHTS["horizon"], WEIGHTS["duration"]
    wish = application.duration_months
    long_term = application.long_term
    start, _end, required = wish_window(application, today)
    horizon_wish = wish or required

    def surface_points(site: SiteData) -> int:
        surfaces = site.pool_surfaces[kind]
        if not surfaces:
            return surface_weight  # no combination: the pair is excluded, score it to know
        if several:
            # Any non-empty choice lies between the smallest unit and all of them.
            if surfaces[0] > ideal:
                distance = surfaces[0] - ideal
            elif site.pool_totals[kind] < ideal:
                distance = ideal - site.pool_totals[kind]
            else:
                return surface_weight
        else:
            # One unit within the range, the closest to the ideal.
            distance = None
            at = bisect.bisect_left(surfaces, ideal)
            for surface in surfaces[max(at - 1, 0) : at + 1]:
                if low <= surface <= high:
                    gap = abs(surface - ideal)
                    distance = gap if distance is None else min(distance, gap)
            if distance is None:
                return surface_weight  # excluded: scored to know it
        closeness = max(Decimal(0), 1 - distance / spread)
        return round(surface_weight * float(closeness))

    def duration_points(site: SiteData) -> int:
        if long_term or not wish:
            return duration_weight
        shortest, longest = site.min_duration_months, site.max_duration_months
        fit = 1.0
        if shortest and wish < shortest:
            fit = wish / shortest
        elif longest and wish > longest:
            fit = longest / wish
        return round(duration_weight * fit)

    def horizon_points(site: SiteData) -> int:
        if site.available_until is None:
            return horizon_weight
        earliest = max(start, site.available_from or today, today)
        years = max(0.0, months_between(earliest, site.available_until) / 12)
        if long_term:
            fit = min(1.0, years / LONG_HORIZON_YEARS)
        else:
            fit = min(1.0, years * 12 / horizon_wish) if horizon_wish else 1.0
        return round(horizon_weight * fit)

    return lambda site: surface_points(site) + duration_points(site) + horizon_points(site)


def sharing_for_site(*, site: Site, today=None, candidates: int = SHARING_CANDIDATES):
    """The suggested sharing of a site between applications (`matching.sharing`), from its
    best `candidates` applications. The refreshes store it (`SiteSharing`, `stored_sharing`)."""
    data, pairs = _fitting_applications(site, today or timezone.localdate(), candidates)
    return share_site(data, pairs)


def stored_sharing(site: Site):
    """The site's suggested sharing as its last refresh stored it, or None."""
    stored = SiteSharing.objects.filter(site_id=site.pk).values_list("plan", flat=True).first()
    return None if stored is None else Plan.from_dict(stored)
