"""The user admin keeps "acting for" honest: only an organisation the person is a current member
of, and the membership inline can suspend a member without deleting the record."""

import pytest

from loket.organisations.models import Membership

from ..factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def change_form(user, organisation) -> dict:
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "preferred_language": "nl",
        "role": user.role,
        "active_organisation": organisation.pk,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }


def test_user_admin_refuses_an_organisation_the_user_is_not_a_member_of(caseworker_client):
    user = UserFactory(email="sam@example.org")
    stranger = OrganisationFactory(name="Vreemde VZW")

    response = caseworker_client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        change_form(user, stranger),
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    user.refresh_from_db()
    assert user.active_organisation_id is None
    assert response.context["adminform"].form.errors["active_organisation"] == [
        "sam@example.org n’est pas membre actif de Vreemde VZW. Ajoutez d’abord cette personne "
        "comme membre de l’organisation."
    ]


def test_user_admin_refuses_a_deactivated_membership(caseworker_client):
    user = UserFactory()
    organisation = OrganisationFactory()
    MembershipFactory(user=user, organisation=organisation, is_active=False)

    response = caseworker_client.post(
        f"/admin/accounts/user/{user.pk}/change/", change_form(user, organisation)
    )

    user.refresh_from_db()
    assert user.active_organisation_id is None
    assert "active_organisation" in response.context["adminform"].form.errors


def test_user_admin_sets_an_organisation_of_a_current_member(caseworker_client):
    user = UserFactory()
    organisation = OrganisationFactory()
    MembershipFactory(user=user, organisation=organisation)

    response = caseworker_client.post(
        f"/admin/accounts/user/{user.pk}/change/", change_form(user, organisation)
    )

    user.refresh_from_db()
    assert response.status_code == 302
    assert user.active_organisation_id == organisation.pk


def test_organisation_admin_deactivates_a_member(caseworker_client):
    organisation = OrganisationFactory(name="Atelier Zuid")
    membership = MembershipFactory(organisation=organisation)
    page = caseworker_client.get(f"/admin/organisations/organisation/{organisation.pk}/change/")
    assert 'name="memberships-0-is_active"' in page.content.decode()

    data = {
        "name": "Atelier Zuid",
        "legal_form": organisation.legal_form,
        "enterprise_number": organisation.enterprise_number,
        "street": organisation.street,
        "number": organisation.number,
        "postcode": organisation.postcode,
        "city": organisation.city,
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-0-id": membership.pk,
        "memberships-0-organisation": organisation.pk,
        "memberships-0-user": membership.user_id,
        "memberships-0-role": membership.role,
    }
    response = caseworker_client.post(
        f"/admin/organisations/organisation/{organisation.pk}/change/", data
    )

    assert response.status_code == 302
    assert list(Membership.objects.values_list("pk", "is_active")) == [(membership.pk, False)]
