from .application import Application, ApplicationDocument, ApplicationNote
from .progress import ApplicationStepProgress
from .reference import ReferenceCounter
from .saved_search import SavedSearch, SavedSearchMatch
from .transition import ApplicationTransition

__all__ = [
    "Application",
    "ApplicationDocument",
    "ApplicationNote",
    "ApplicationStepProgress",
    "ApplicationTransition",
    "ReferenceCounter",
    "SavedSearch",
    "SavedSearchMatch",
]
