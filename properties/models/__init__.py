from .media import SiteDocument, SitePhoto
from .progress import SiteStepProgress
from .site import Site
from .transition import SiteTransition
from .unit import Unit

__all__ = ["Site", "SiteDocument", "SitePhoto", "SiteStepProgress", "SiteTransition", "Unit"]
