from django.db import models
from django.utils.translation import gettext_lazy as _

from loket.workflow import Transition, state_field

from ..enums import ApplicationState


class ApplicationTransition(Transition):
    """One change of an application's state. Written only by `application_transition`."""

    application = models.ForeignKey(
        "projects.Application", on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = state_field(_("from"), ApplicationState)
    to_state = state_field(_("to"), ApplicationState)
