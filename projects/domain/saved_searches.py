from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import User
from properties.filters import SiteFilter

from ..models import SavedSearch
from .errors import ApplicationError

MAX_SAVED_SEARCHES = 20


class SearchAlreadySaved(ApplicationError):
    """The same search under the same name is kept already: a second click, a reload."""

    def __init__(self, search: SavedSearch):
        super().__init__(_("This search is already saved as “%(name)s”.") % {"name": search.name})
        self.search = search


class SearchNameTaken(ApplicationError):
    """Another search of the user has this name; names tell the searches apart in e-mails."""

    def __init__(self):
        super().__init__(_("You already have a search with this name. Choose another name."))


def _existing(*, user: User, name: str, query: str) -> None:
    search = SavedSearch.objects.filter(user=user, name=name).first()
    if search is None:
        return
    if search.query == query:
        raise SearchAlreadySaved(search)
    raise SearchNameTaken()


@transaction.atomic
def saved_search_create(*, user: User, name: str, query: str) -> SavedSearch:
    """Keep a catalogue search (its query string) with its criteria as columns.

    A user's names are unique (a database constraint), which makes saving idempotent: the same
    name and search again raise `SearchAlreadySaved` with the kept one, even when two requests
    race, and the same name for another search raises `SearchNameTaken`."""
    name = name.strip() or str(_("My search"))
    # The user's row is locked first, so two saves at once are counted one after the other.
    User.objects.select_for_update().only("pk").get(pk=user.pk)
    _existing(user=user, name=name, query=query)
    if user.saved_searches.count() >= MAX_SAVED_SEARCHES:
        raise ApplicationError(_("You can keep at most 20 searches. Delete one first."))
    form = SiteFilter(QueryDict(query)).form
    if not form.is_valid():
        raise ApplicationError(_("This search has errors; correct it in the catalogue first."))
    data = form.cleaned_data
    try:
        with transaction.atomic():
            search = SavedSearch.objects.create(
                user=user,
                name=name,
                query=query,
                surface_min=data.get("surface_min"),
                surface_max=data.get("surface_max"),
                kind=data.get("kind"),
                activity=data.get("activity"),
                economic_model=data.get("economic_model"),
                max_cost=data.get("max_cost"),
                needs_open_to_public=bool(data.get("open_to_public")),
                needs_step_free=bool(data.get("step_free_access")),
                available_from=data.get("available_from"),
                available_until=data.get("available_until"),
            )
    except IntegrityError:
        # A request with the same name committed between the check above and this insert.
        _existing(user=user, name=name, query=query)
        raise
    search.communes.set(data.get("commune") or [])
    return search
