from django.db import models

from loket.steps import StepProgress

from .site import Site


class SiteStepProgress(StepProgress):
    """Which steps of the owner's editor were saved for a site (see `loket.steps`)."""

    site = models.OneToOneField(
        Site, on_delete=models.CASCADE, primary_key=True, related_name="step_progress"
    )
