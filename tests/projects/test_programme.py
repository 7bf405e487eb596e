"""The mixed programme in the desk's admin (`projects.programme`): rows of a use and its share,
saved as the programme's list, with each wrong row named next to the field."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from projects.models import Application
from projects.programme import ProgrammeRowsField

from ..factories import ApplicationFactory
from ..html import field_error
from .test_admin import change_form_data

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/projects/application/"


@pytest.fixture
def desk_client(caseworker_client):
    caseworker_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return caseworker_client


@pytest.fixture
def application():
    return ApplicationFactory(
        complete=True,
        state="submitted",
        reference="LTG-2026-0300",
        programme=[{"use": "studios", "share": 60}, {"use": "housing", "share": 40}],
    )


def rows(**typed) -> dict:
    """The programme's inputs as the browser posts them: programme-<row>-use / -share."""
    return {f"programme{key.replace('_', '-')}": value for key, value in typed.items()}


def post(client, application, data):
    url = f"{CHANGELIST}{application.pk}/change/"
    return client.post(url, {**change_form_data(client.get(url)), **data})


def test_the_change_page_shows_a_labelled_row_per_use_and_two_empty_rows(desk_client, application):
    html = desk_client.get(f"{CHANGELIST}{application.pk}/change/").content.decode()

    assert '<label for="id_programme">Mixed programme:</label>' in html
    assert 'name="programme-0-use" value="studios"' in html
    assert 'name="programme-1-share" value="40"' in html
    assert html.count('name="programme-3-use"') == 1
    assert 'name="programme-4-use"' not in html
    assert '<label class="visually-hidden" for="id_programme-1-share">Share of use 2, in %' in html


def test_rows_are_saved_as_the_programme(desk_client, application):
    response = post(
        desk_client,
        application,
        rows(
            _0_use="studios",
            _0_share="50",
            _1_use="public space",
            _1_share="20",
            _2_use=" housing ",
            _2_share="30",
            _3_use="",
            _3_share="",
        ),
    )

    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).programme == [
        {"use": "studios", "share": 50},
        {"use": "public space", "share": 20},
        {"use": "housing", "share": 30},
    ]


def test_emptied_rows_clear_the_programme(desk_client, application):
    post(desk_client, application, rows(_0_use="", _0_share="", _1_use="", _1_share=""))

    assert Application.objects.get(pk=application.pk).programme == []


def test_a_wrong_row_is_named_next_to_the_field_and_marked(desk_client, application):
    response = post(
        desk_client,
        application,
        rows(_0_use="studios", _0_share="60", _1_use="housing", _1_share="forty", _2_share="5"),
    )

    assert response.status_code == 200
    assert field_error(response, "programme") == (
        'id="id_programme_error">'
        "<li>Row 2: the share is a whole number from 1 to 100.</li>"
        "<li>Row 3: name the use.</li>"
    )
    html = response.content.decode()
    assert html.count('<tr class="programme-row-error">') == 2
    assert 'name="programme-1-share" value="forty"' in html
    assert Application.objects.get(pk=application.pk).programme[1] == {
        "use": "housing",
        "share": 40,
    }


def test_shares_must_add_up_to_100(desk_client, application):
    response = post(
        desk_client,
        application,
        rows(_0_use="studios", _0_share="60", _1_use="housing", _1_share="30"),
    )

    assert field_error(response, "programme").endswith(
        "<li>The shares of the programme add up to 90 %, not 100 %.</li>"
    )


def test_a_nul_in_a_use_is_refused():
    # The admin answers a NUL in a post with its 400 page before any form sees it; the field
    # refuses it on its own too, as PostgreSQL would refuse it in JSON.
    with pytest.raises(ValidationError) as refused:
        ProgrammeRowsField().clean([("stu\x00dios", "100")])

    assert refused.value.messages == ["Row 1: a use cannot hold a null character."]


def test_a_form_saved_without_the_rows_keeps_the_programme(desk_client, application):
    url = f"{CHANGELIST}{application.pk}/change/"
    data = {
        key: value
        for key, value in change_form_data(desk_client.get(url)).items()
        if not key.startswith("programme")
    }

    assert desk_client.post(url, data).status_code == 302
    assert Application.objects.get(pk=application.pk).programme == application.programme
