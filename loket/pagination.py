"""One way to page a portal list (dashboards, proposals, saved searches), so that a page weighs
the same for an organisation with 5 rows and one with 500.

The rows and their total come in one query, so a paged list costs the same number of queries
as the whole list did. The database sorts only the keys (and what the order reads) to pick the
page, then joins and reads the wide rows of that page alone, and counts the keys in a
subquery: a page so costs about the same for 20 rows and for 500, where a count beside every
wide row grew with the list. A `?page=` that is not a whole number, below 1 or past the last
page is a 404, as in Django's own list views: only a hand-made link asks for it. The markup is
`templates/includes/pagination.html`.
"""

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Subquery, Value
from django.http import Http404

# A page of cards, as many as the public catalogue shows: an organisation with fewer rows sees
# them all on one page, and a page with many rows weighs what one with 20 does.
PAGE_SIZE = 20

# Far past any list's end, and small enough for every database's OFFSET.
MAX_PAGE = 100_000


def page_number(request, param: str = "page") -> int:
    """The page the reader asked for, 1 when they did not ask."""
    raw = request.GET.get(param, "1")
    try:
        number = int(raw)
    except ValueError:
        raise Http404 from None
    if not 1 <= number <= MAX_PAGE:
        raise Http404
    return number


def paginate(
    request, queryset: QuerySet, *, per_page: int = PAGE_SIZE, param: str = "page"
) -> Page:
    """The page of `queryset` that `?page=` (or `?<param>=`, for a second list on the same
    page) asks for, in one query; `page.numbers` holds the page numbers to link to, with gaps
    for long lists."""
    number = page_number(request, param)
    start = (number - 1) * per_page
    page_keys = queryset.values("pk")[start : start + per_page]
    # distinct: a filter across a many-to-many join may repeat a row.
    total = queryset.order_by().annotate(every=Value(1)).values("every")
    total = total.annotate(n=Count("pk", distinct=True)).values("n")
    rows = list(queryset.filter(pk__in=page_keys).annotate(page_total=Subquery(total)))
    if not rows and number > 1:
        raise Http404
    paginator = Paginator(queryset, per_page)
    paginator.count = rows[0].page_total if rows else 0
    # The rest of the query string, kept in the page links (another list's page, a filter).
    others = request.GET.copy()
    others.pop(param, None)
    return with_links(Page(rows, number, paginator), query=others.urlencode(), param=param)


def with_links(page: Page, *, query: str, param: str = "page") -> Page:
    """`page`, with what `templates/includes/pagination.html` links to: the page numbers (with
    gaps for long lists), the page parameter and the query string the links keep. For a page
    that a list pages its own way, as the public catalogue does."""
    page.numbers = list(
        page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    )
    page.param = param
    page.query = query
    return page
