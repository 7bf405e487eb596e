import pytest
from django.core.exceptions import ValidationError

from loket.organisations.enums import MemberRole
from loket.organisations.models import Membership, Organisation
from loket.organisations.validators import (
    enterprise_number_is_valid,
    normalise_enterprise_number,
    validate_enterprise_number,
)

from .conftest import login_client
from .factories import OrganisationFactory, member_of, valid_enterprise_number

pytestmark = pytest.mark.django_db

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


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("0456.789.034", "0456789034"),
        ("BE0456789034", "0456789034"),
        ("be 0456 789 034", "0456789034"),
    ],
)
def test_enterprise_number_is_normalised(raw, normalised):
    assert normalise_enterprise_number(raw) == normalised
    validate_enterprise_number(raw)


@pytest.mark.parametrize(
    ("number", "valid"),
    [("0456789034", True), ("0456789035", False), ("2456789034", False), ("045678903", False)],
)
def test_enterprise_number_mod97_check(number, valid):
    assert enterprise_number_is_valid(number) is valid


def test_enterprise_number_with_letters_has_a_format_error():
    with pytest.raises(ValidationError) as error:
        validate_enterprise_number("0456.789.ABC")
    assert error.value.code == "enterprise_number_format"


def test_create_organisation_makes_the_creator_admin_and_active(holder_client, holder):
    response = holder_client.post("/en/organisations/new/", FORM)
    organisation = Organisation.objects.get(name="Zinneke Ateliers")
    assert response["Location"] == f"/en/organisations/{organisation.pk}/"
    assert organisation.enterprise_number == "0456789034"
    assert organisation.website == "https://zinneke.example.org"
    assert list(organisation.memberships.values_list("user", "role")) == [
        (holder.pk, MemberRole.ADMIN)
    ]
    holder.refresh_from_db()
    assert holder.active_organisation == organisation


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "fr",
            "Ce numéro d’entreprise n’existe pas : ses chiffres de contrôle ne correspondent pas.",
        ),
        ("nl", "Dit ondernemingsnummer bestaat niet: de controlecijfers kloppen niet."),
    ],
)
def test_invalid_enterprise_number_is_explained_next_to_the_field(holder_client, language, message):
    count = Organisation.objects.count()
    response = holder_client.post(
        f"/{language}/organisations/new/", {**FORM, "enterprise_number": "0456.789.035"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<ul class="errorlist" id="id_enterprise_number_error"><li>{message}</li></ul>' in html
    assert 'aria-invalid="true"' in html
    assert Organisation.objects.count() == count
    assert Membership.objects.filter(organisation__name="Zinneke Ateliers").count() == 0


def test_enterprise_number_is_required_for_companies(holder_client):
    response = holder_client.post(
        "/en/organisations/new/", {**FORM, "legal_form": "company", "enterprise_number": ""}
    )
    assert response.context["form"].errors == {
        "enterprise_number": ["This legal form has an enterprise number: please give it."]
    }


@pytest.mark.parametrize("legal_form", ["de_facto", "individual"])
def test_enterprise_number_is_optional_for_de_facto_and_individuals(holder_client, legal_form):
    holder_client.post(
        "/en/organisations/new/", {**FORM, "legal_form": legal_form, "enterprise_number": ""}
    )
    assert Organisation.objects.get(name="Zinneke Ateliers").enterprise_number == ""


def test_enterprise_number_cannot_be_registered_twice(holder_client):
    OrganisationFactory(enterprise_number="0456789034")
    response = holder_client.post("/en/organisations/new/", FORM)
    assert response.context["form"].errors["enterprise_number"] == [
        "An organisation with this enterprise number is already registered. Ask one of its "
        "administrators to add you, or contact the desk."
    ]


def test_two_organisations_without_number_may_coexist():
    OrganisationFactory(legal_form="individual", enterprise_number="")
    OrganisationFactory(legal_form="de_facto", enterprise_number="")
    assert Organisation.objects.filter(enterprise_number="").count() == 2


class TestOrganisationPagePermissions:
    def test_member_sees_the_page_with_members(self, holder_client, holder):
        organisation = holder.active_organisation
        html = holder_client.get(f"/en/organisations/{organisation.pk}/").content.decode()
        assert "Collectief Zinne" in html
        assert holder.email in html

    def test_anonymous_is_sent_to_login(self, anonymous_client, holder):
        path = f"/en/organisations/{holder.active_organisation.pk}/"
        response = anonymous_client.get(path)
        assert response["Location"] == f"/en/accounts/login/?next={path}"

    @pytest.mark.parametrize(
        "persona", ["other_holder_client", "owner_client", "caseworker_client"]
    )
    def test_others_get_not_found(self, request, persona, holder):
        client = request.getfixturevalue(persona)
        response = client.get(f"/en/organisations/{holder.active_organisation.pk}/")
        assert response.status_code == 404
        assert "Collectief Zinne" not in response.content.decode()

    def test_plain_member_cannot_edit(self, holder):
        colleague = member_of(holder.active_organisation)
        Membership.objects.filter(user=colleague).update(role=MemberRole.MEMBER)
        client = login_client(colleague)
        pk = holder.active_organisation.pk
        response = client.post(f"/en/organisations/{pk}/edit/", {**FORM, "name": "Taken over"})
        assert response.status_code == 404
        assert Organisation.objects.get(pk=pk).name == "Collectief Zinne"

    def test_admin_member_edits(self, holder_client, holder):
        organisation = holder.active_organisation
        data = {**FORM, "enterprise_number": organisation.enterprise_number, "name": "Zinne"}
        response = holder_client.post(f"/en/organisations/{organisation.pk}/edit/", data)
        assert response["Location"] == f"/en/organisations/{organisation.pk}/"
        organisation.refresh_from_db()
        assert organisation.name == "Zinne"


def test_switch_to_another_own_organisation(holder_client, holder):
    second = OrganisationFactory(name="Second")
    Membership.objects.create(user=holder, organisation=second)
    response = holder_client.post("/en/organisations/switch/", {"organisation": second.pk})
    assert response["Location"] == "/en/accounts/profile/"
    holder.refresh_from_db()
    assert holder.active_organisation == second


def test_cannot_switch_to_someone_elses_organisation(holder_client, holder, other_holder):
    response = holder_client.post(
        "/en/organisations/switch/", {"organisation": other_holder.active_organisation.pk}
    )
    assert response.status_code == 404
    holder.refresh_from_db()
    assert holder.active_organisation.name == "Collectief Zinne"


def test_factory_numbers_are_valid():
    assert enterprise_number_is_valid(valid_enterprise_number(42))


def test_admin_lists_organisations_in_constant_queries(
    caseworker_client, django_assert_num_queries
):
    OrganisationFactory()
    caseworker_client.get("/admin/organisations/organisation/")  # warm caches
    with django_assert_num_queries(7) as one:
        caseworker_client.get("/admin/organisations/organisation/")
    OrganisationFactory.create_batch(15)
    with django_assert_num_queries(len(one.captured_queries)):
        response = caseworker_client.get("/admin/organisations/organisation/")
    assert response.context["cl"].result_count == 16


def test_a_website_longer_than_its_column_is_refused_next_to_the_field(holder_client):
    website = "https://zinneke.example.org/" + "a" * 180

    response = holder_client.post("/en/organisations/new/", {**FORM, "website": website})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "website": ["Ensure this value has at most 200 characters (it has 208)."]
    }
    assert Organisation.objects.filter(name="Zinneke Ateliers").count() == 0
