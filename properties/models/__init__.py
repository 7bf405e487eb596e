from .media import SiteDocument, SitePhoto
from .site import Site
from .transition import SiteTransition
from .unit import Unit

__all__ = ["Site", "SiteDocument", "SitePhoto", "SiteTransition", "Unit"]
