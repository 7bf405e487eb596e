"""Short words with several meanings carry a context (pgettext), so each sense gets its own
translation: a duration's unit is no unit of a site."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from matching.models import OccupationUnit, SteeringMeeting
from projects.domain.applications import application_create
from properties.models import Unit

pytestmark = pytest.mark.django_db


def label_of(html: str, field: str) -> str:
    return re.search(rf'<label for="id_{field}"[^>]*>([^<]*)</label>', html).group(1).strip()


@pytest.mark.parametrize(
    ("language", "duration_unit", "site_unit"),
    [("nl", "Eenheid:", "ruimte"), ("fr", "Unité\xa0:", "espace"), ("en", "Unit:", "unit")],
)
def test_the_time_steps_duration_unit_is_no_unit_of_a_site(
    holder, holder_client, language, duration_unit, site_unit
):
    draft = application_create(actor=holder, organisation=holder.active_organisation)
    with translation.override(language):
        url = reverse("projects:holder_step", kwargs={"pk": draft.pk, "step": "time"})
        html = holder_client.get(url).content.decode()
        assert label_of(html, "duration_unit") == duration_unit
        assert str(Unit._meta.verbose_name) == site_unit


@pytest.mark.parametrize(
    ("language", "minutes", "booked_from"),
    [("nl", "notulen", "vanaf"), ("fr", "procès-verbal", "du"), ("en", "minutes", "from")],
)
def test_meeting_minutes_and_a_booking_start_have_their_own_words(language, minutes, booked_from):
    with translation.override(language):
        labels = (
            str(SteeringMeeting._meta.get_field("minutes").verbose_name),
            str(OccupationUnit._meta.get_field("starts_on").verbose_name),
        )
    assert labels == (minutes, booked_from)
