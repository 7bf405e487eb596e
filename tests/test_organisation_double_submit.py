"""Registering an organisation twice: the same form sent again by the same person returns the
organisation it registered; an enterprise number taken by someone else at the same moment is
an error next to the field. Never a second organisation, a half-saved one, or a 500."""

import html
import re

import pytest

from loket.organisations.enums import MemberRole
from loket.organisations.models import Membership, Organisation

from .conftest import login_client
from .factories import OrganisationFactory, UserFactory, member_of
from .races import needs_postgres, race, race_at_insert

FORM = {
    "name": "Zinneke Ateliers",
    "legal_form": "nonprofit",
    "enterprise_number": "BE 0456.789.034",
    "street": "Rue Haute",
    "number": "10",
    "box": "",
    "postcode": "1000",
    "city": "Bruxelles",
    "website": "zinneke.example.org",
}
DE_FACTO = {**FORM, "legal_form": "de_facto", "enterprise_number": ""}
TAKEN = (
    "An organisation with this enterprise number is already registered. Ask one of its "
    "administrators to add you, or contact the desk."
)
RESENT = "You had already sent this form: Zinneke Ateliers is registered."
NEW = "Zinneke Ateliers is registered. You now act for it."


def page_messages(response) -> list[str]:
    """The messages on the page, read from the HTML (threads share the test client's context
    signal, so `response.context` cannot be trusted in the race tests)."""
    return [
        html.unescape(text)
        for text in re.findall(r'<p class="message [^"]*">(.*?)</p>', response.content.decode())
    ]


def field_error(response) -> list[str]:
    match = re.search(
        r'<ul class="errorlist" id="id_enterprise_number_error">(.*?)</ul>',
        response.content.decode(),
    )
    return [html.unescape(text) for text in re.findall(r"<li>(.*?)</li>", match.group(1))]


def detail_url(organisation) -> str:
    return f"/en/organisations/{organisation.pk}/"


# --- Sequential: any database ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("form", [FORM, DE_FACTO], ids=["with number", "without number"])
def test_the_same_form_sent_twice_registers_one_organisation(holder_client, holder, form):
    first = holder_client.post("/en/organisations/new/", form, follow=True)
    second = holder_client.post("/en/organisations/new/", form, follow=True)

    organisation = Organisation.objects.get(name="Zinneke Ateliers")
    assert first.redirect_chain == second.redirect_chain == [(detail_url(organisation), 302)]
    assert (page_messages(first), page_messages(second)) == ([NEW], [RESENT])
    assert list(organisation.memberships.values_list("user", "role")) == [
        (holder.pk, MemberRole.ADMIN)
    ]


@pytest.mark.django_db
def test_a_number_someone_else_registered_is_an_error_next_to_the_field(holder_client, holder):
    OrganisationFactory(enterprise_number="0456789034")
    active_before = holder.active_organisation_id

    response = holder_client.post("/en/organisations/new/", FORM)

    assert field_error(response) == [TAKEN]
    assert Organisation.objects.filter(name="Zinneke Ateliers").count() == 0
    holder.refresh_from_db()
    assert holder.active_organisation_id == active_before


@pytest.mark.django_db
def test_a_plain_member_sending_their_organisations_number_is_told_it_is_taken(holder):
    organisation = OrganisationFactory(enterprise_number="0456789034")
    member = member_of(organisation)
    Membership.objects.filter(user=member).update(role=MemberRole.MEMBER)

    response = login_client(member).post("/en/organisations/new/", FORM)

    assert field_error(response) == [TAKEN]
    assert list(Organisation.objects.filter(enterprise_number="0456789034")) == [organisation]


@pytest.mark.django_db
def test_another_name_is_another_organisation(holder_client):
    holder_client.post("/en/organisations/new/", DE_FACTO)
    holder_client.post("/en/organisations/new/", {**DE_FACTO, "name": "Zinneke Jardins"})

    names = Organisation.objects.filter(name__startswith="Zinneke").values_list("name", flat=True)
    assert sorted(names) == ["Zinneke Ateliers", "Zinneke Jardins"]


# --- Races: PostgreSQL -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_people_registering_one_number_at_once_one_is_told_it_is_taken():
    needs_postgres()
    nadia, jan = UserFactory(), UserFactory()

    def register(user, name):
        client = login_client(user)
        return lambda: client.post("/en/organisations/new/", {**FORM, "name": name})

    # Both pass the form's check before either organisation exists.
    outcomes = race_at_insert(
        Organisation, register(nadia, "Zinneke Ateliers"), register(jan, "Zinneke")
    )

    organisation = Organisation.objects.get()
    winner = [nadia, jan][[o.status_code for o in outcomes].index(302)]
    loser_response = next(o for o in outcomes if o.status_code == 200)
    assert field_error(loser_response) == [TAKEN]
    assert list(Membership.objects.values_list("user", "organisation")) == [
        (winner.pk, organisation.pk)
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("form", [FORM, DE_FACTO], ids=["with number", "without number"])
def test_a_double_click_registers_one_organisation(form):
    needs_postgres()
    holder = UserFactory()
    clients = [login_client(holder), login_client(holder)]

    outcomes = race(
        *(
            lambda c=client: c.post("/en/organisations/new/", form, follow=True)
            for client in clients
        )
    )

    organisation = Organisation.objects.get()
    assert [o.redirect_chain for o in outcomes] == [[(detail_url(organisation), 302)]] * 2
    assert sorted(text for o in outcomes for text in page_messages(o)) == sorted([NEW, RESENT])
    assert list(Membership.objects.values_list("user", "organisation", "role")) == [
        (holder.pk, organisation.pk, MemberRole.ADMIN)
    ]


@pytest.mark.django_db(transaction=True)
def test_two_organisations_given_one_number_at_once_one_is_told_it_is_taken():
    needs_postgres()
    first, second = (
        OrganisationFactory(legal_form="de_facto", enterprise_number="") for _ in range(2)
    )
    admins = [member_of(first), member_of(second)]

    def edit(admin, organisation):
        client = login_client(admin)
        data = {**FORM, "name": organisation.name}
        return lambda: client.post(f"/en/organisations/{organisation.pk}/edit/", data)

    outcomes = race_at_insert(Organisation, edit(admins[0], first), edit(admins[1], second))

    assert sorted(o.status_code for o in outcomes) == [200, 302]
    assert field_error(next(o for o in outcomes if o.status_code == 200)) == [TAKEN]
    numbers = Organisation.objects.order_by("enterprise_number")
    assert list(numbers.values_list("enterprise_number", flat=True)) == ["", "0456789034"]
