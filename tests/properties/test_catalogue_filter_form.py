"""The catalogue's filter form is written out in its template, not rendered through Django's
form templates (which cost more than the rest of the page), with the same markup."""

import re

import pytest

from ..factories import SiteFactory

pytestmark = pytest.mark.django_db

WRONG = "surface_min=lots&commune=99999&kind=nope&open_to_public=on"


def form_templates(response) -> list[str]:
    return [t.name for t in response.templates if t.name and t.name.startswith("django/forms/")]


@pytest.mark.parametrize("query", ["", "commune=21004&kind=land&surface_min=10", WRONG])
def test_the_filter_form_uses_no_django_form_template(client, query):
    SiteFactory()

    response = client.get(f"/en/sites/?{query}")

    assert form_templates(response) == []


def test_a_wrong_choice_shows_its_error_between_the_label_and_the_list(client):
    html = client.get(f"/en/sites/?{WRONG}").content.decode()

    kind = re.search(r'<label for="id_kind">.*?</select>', html, re.S).group(0)
    assert kind.splitlines()[:4] == [
        '<label for="id_kind">Kind of site:</label>',
        '<ul class="errorlist" id="id_kind_error"><li>Select a valid choice. That choice is not'
        " one of the available choices.</li></ul>",
        '<select name="kind" aria-invalid="true" aria-describedby="id_kind_error" id="id_kind">',
        '  <option value="">Any kind</option>',
    ]


def test_the_chosen_filters_stay_ticked_and_selected(client):
    html = client.get(
        "/en/sites/?commune=21004&commune=21009&activity=social&step_free_access=on"
    ).content.decode()

    assert re.findall(r'<input type="checkbox"[^>]*checked>', html) == [
        '<input type="checkbox" name="step_free_access" id="id_step_free_access" checked>',
        '<input type="checkbox" name="commune" value="21004" id="id_commune_3" checked>',
        '<input type="checkbox" name="commune" value="21009" id="id_commune_8" checked>',
    ]
    assert re.findall(r"<option [^>]*selected>[^<]*", html) == [
        '<option value="" selected>Any kind',
        '<option value="social" selected>Social and community',
        '<option value="" selected>Any model',
    ]
