from .errors import SiteConflict, SiteError, SiteIncomplete
from .sites import (
    site_create,
    site_photo_add,
    site_refresh_figures,
    site_submit,
    site_transition,
)

__all__ = [
    "SiteConflict",
    "SiteError",
    "SiteIncomplete",
    "site_create",
    "site_photo_add",
    "site_refresh_figures",
    "site_submit",
    "site_transition",
]
