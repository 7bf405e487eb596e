from .application import Application, ApplicationDocument, ApplicationNote
from .reference import ReferenceCounter
from .saved_search import SavedSearch, SavedSearchMatch
from .transition import ApplicationTransition

__all__ = [
    "Application",
    "ApplicationDocument",
    "ApplicationNote",
    "ApplicationTransition",
    "ReferenceCounter",
    "SavedSearch",
    "SavedSearchMatch",
]
