from django.db import models

from loket.steps import StepProgress

from .application import Application


class ApplicationStepProgress(StepProgress):
    """Which steps of the holder's editor were saved for an application (see `loket.steps`)."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, primary_key=True, related_name="step_progress"
    )
