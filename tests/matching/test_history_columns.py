"""The match's history on its admin page: one column per thing, each with its own heading in
the caseworker's language."""

import pytest
from django.conf import settings

from matching.admin.matches import MatchTransitionInline
from matching.domain import match_create

from .helpers import fitting_pair

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "headings"),
    [
        ("fr", ["date", "partie", "par", "de", "vers", "motif de refus", "motif"]),
        ("nl", ["wanneer", "partij", "door", "van", "naar", "weigeringsreden", "reden"]),
    ],
)
def test_the_match_history_has_a_heading_per_column(
    caseworker_client, caseworker_user, holder, owner, language, headings
):
    application, site = fitting_pair(
        holder_org=holder.memberships.get().organisation,
        owner_org=owner.memberships.get().organisation,
    )
    desk = type(caseworker_user).objects.get(pk=caseworker_user.pk)
    match = match_create(application=application, site=site, actor=desk)
    caseworker_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = caseworker_client.get(f"/admin/matching/match/{match.pk}/change/")

    (history,) = [
        formset
        for formset in response.context["inline_admin_formsets"]
        if isinstance(formset.opts, MatchTransitionInline)
    ]
    assert [str(field["label"]).lower() for field in history.fields()] == headings
