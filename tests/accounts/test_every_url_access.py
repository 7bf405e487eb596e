"""Every URL of the resolver, requested by people who must not reach another tenant's data:

- staff accounts whose session has not passed the second factor (with or without TOTP set up);
- former members: removed from the organisation, or with their membership deactivated, while
  their account still names it as the one they act for.

The URL list is built from the resolver, so a new URL fails `test_every_url_is_covered` until
it says how to fill its arguments. Each URL is requested with GET and POST. Nobody may see the
victims' private titles or files, and nothing of theirs may change.
"""

import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from loket.accounts.enums import Role
from loket.accounts.services import user_set_role
from loket.organisations.models import Membership, Organisation
from matching.domain import match_answer, match_propose_to_holder, visit_slot_propose
from matching.enums import MatchState
from matching.models import Match, MatchTransition, VisitSlot
from projects.models import Application, ApplicationDocument, SavedSearch
from properties.models import Site, SiteDocument, SitePhoto

from ..conftest import login_client
from ..factories import OrganisationFactory, SiteFactory, UserFactory, caseworker, member_of
from ..matching.helpers import fitting_pair, new_match

pytestmark = pytest.mark.django_db

SECRET_SITE_TITLE = "Verborgen depot VICTIM-SITE"
SECRET_APPLICATION_TITLE = "Geheim project VICTIM-APP"
SECRET_SEARCH_NAME = "VICTIM-SEARCH"
SECRET_PDF = b"%PDF-1.4\n% VICTIM-PDF\n%%EOF\n"
SECRETS = (SECRET_SITE_TITLE, SECRET_APPLICATION_TITLE, SECRET_SEARCH_NAME, "VICTIM-PDF")

# URLs whose only credential is a secret in the URL itself, by design; their own tests check
# what a wrong or old secret gets.
TOKEN_URLS = {
    "notifications:unsubscribe": "the signed token is the credential",
    "notifications:unsubscribe_renew": "the signed token, even expired, is the credential",
    "account_confirm_email": "the e-mailed key is the credential",
    "account_reset_password_from_key": "the e-mailed key is the credential",
}


def walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            name = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), name)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, pattern, prefix + str(pattern.pattern)


def portal_patterns():
    """(name, pattern) of every URL outside the admin, in Dutch."""
    seen = {}
    for name, pattern, route in walk(get_resolver().url_patterns):
        if route.startswith("admin/") or name in seen:
            continue
        seen[name] = pattern
    return seen


def admin_patterns():
    return {
        name: pattern
        for name, pattern, route in walk(get_resolver().url_patterns)
        if route.startswith("admin/")
    }


@pytest.fixture
def victims(caseworker_user):
    """Two tenants with private things: an owner with a draft site, a photo and documents, and a
    holder with an application, its document and a saved search, on a match proposed to both."""
    owner = member_of(OrganisationFactory(name="Victim Owner NV"), role=Role.OWNER)
    holder = member_of(OrganisationFactory(name="Victim Holder VZW"), role=Role.HOLDER)
    application, site = fitting_pair(
        holder_org=holder.active_organisation, owner_org=owner.active_organisation
    )
    Application.objects.filter(pk=application.pk).update(title=SECRET_APPLICATION_TITLE)
    draft = SiteFactory(owner=owner.active_organisation, state="draft", title_nl=SECRET_SITE_TITLE)
    photo = SitePhoto.objects.create(
        site=draft,
        image=ContentFile(b"VICTIM-PDF-photo", name="p.jpg"),
        thumbnail=ContentFile(b"VICTIM-PDF-thumb", name="t.jpg"),
        width=1,
        height=1,
    )
    site_document = SiteDocument.objects.create(
        site=site, title="Plans", file=ContentFile(SECRET_PDF, name="plans.pdf")
    )
    application_document = ApplicationDocument.objects.create(
        application=application,
        kind="statutes",
        title="Statutes",
        file=ContentFile(SECRET_PDF, name="statutes.pdf"),
    )
    match = new_match(application, site, caseworker_user, to_state=MatchState.PROPOSED_OWNER)
    match = match_answer(match=match, actor=owner, accept=True)
    match = match_propose_to_holder(match=match, actor=caseworker_user)
    start = timezone.now() + datetime.timedelta(days=5)
    slot = visit_slot_propose(
        match=match, actor=owner, starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )
    search = SavedSearch.objects.create(user=holder, name=SECRET_SEARCH_NAME, query="depot")
    return {
        "owner": owner,
        "holder": holder,
        "site": site,
        "draft": draft,
        "photo": photo,
        "site_document": site_document,
        "application": application,
        "application_document": application_document,
        "match": match,
        "slot": slot,
        "search": search,
    }


def arguments(name: str, pattern, victims) -> dict | None:
    """The URL's arguments, pointing at the victims' objects; None when it takes none."""
    keys = set(pattern.pattern.converters) | set(pattern.pattern.regex.groupindex)
    if not keys:
        return {}
    app = name.split(":")[0]
    pk = {
        "organisations": victims["owner"].active_organisation_id,
        "properties": victims["draft"].pk,
        "projects": victims["application"].pk,
        "searches": victims["search"].pk,
        "matching": victims["match"].pk,
    }.get(app)
    values = {
        "pk": pk,
        "site_pk": victims["draft"].pk,
        "photo_pk": victims["photo"].pk,
        "size": "full",
        "reference": victims["draft"].reference,
        "slot_pk": victims["slot"].pk,
        "step": "where" if app == "properties" else "project",
        "document_pk": {
            "properties": victims["site_document"].pk,
            "projects": victims["application_document"].pk,
            "matching": victims["application_document"].pk,
        }.get(app),
    }
    if name == "properties:document":
        values["site_pk"] = victims["site"].pk
    if not keys <= {key for key, value in values.items() if value is not None}:
        return None
    return {key: values[key] for key in keys}


def path_of(name: str, pattern, victims) -> str:
    kwargs = arguments(name, pattern, victims)
    if kwargs is None:
        raise AssertionError(f"{name}: say how to fill its arguments in `arguments()`")
    with translation.override("nl"):
        return reverse(name, kwargs=kwargs)


def snapshot(victims) -> dict:
    """Everything of the victims' that a request could change."""
    owner_org = victims["owner"].active_organisation_id
    holder_org = victims["holder"].active_organisation_id
    return {
        "organisations": list(
            Organisation.objects.filter(pk__in=[owner_org, holder_org]).values().order_by("pk")
        ),
        "memberships": list(
            Membership.objects.filter(organisation_id__in=[owner_org, holder_org])
            .values()
            .order_by("pk")
        ),
        "sites": list(
            Site.objects.filter(owner_id=owner_org)
            .values("pk", "state", "title_nl", "title_fr", "publication", "updated_at")
            .order_by("pk")
        ),
        "photos": list(SitePhoto.objects.values_list("pk", flat=True).order_by("pk")),
        "site_documents": list(SiteDocument.objects.values_list("pk", flat=True).order_by("pk")),
        "applications": list(
            Application.objects.filter(organisation_id=holder_org)
            .values("pk", "state", "title", "updated_at")
            .order_by("pk")
        ),
        "application_documents": list(
            ApplicationDocument.objects.values_list("pk", flat=True).order_by("pk")
        ),
        "matches": list(Match.objects.values("pk", "state").order_by("pk")),
        "match_transitions": MatchTransition.objects.count(),
        "slots": list(VisitSlot.objects.values("pk", "state").order_by("pk")),
        "searches": list(
            SavedSearch.objects.filter(user=victims["holder"]).values("pk", "name").order_by("pk")
        ),
    }


def staff_without_second_factor(*, with_totp: bool):
    user = caseworker(email=f"no-mfa-{with_totp}@example.org") if with_totp else UserFactory()
    if not with_totp:
        user_set_role(user=user, role=Role.CASEWORKER)
    assert Authenticator.objects.filter(user=user).exists() == with_totp
    return user


def former_member(victim, *, how: str):
    """A member of the victim's organisation whose membership was then ended; their account
    still names the organisation as the one they act for, as it did before the fix."""
    organisation = victim.active_organisation
    user = member_of(organisation, role=victim.role)
    membership = Membership.objects.get(user=user, organisation=organisation)
    if how == "removed":
        membership.delete()
    else:
        membership.is_active = False
        membership.save()
    assert user.active_organisation_id == organisation.pk
    return user


PERSONAS = [
    "staff_with_totp_password_only",
    "staff_without_totp",
    "removed_owner_member",
    "removed_holder_member",
    "deactivated_owner_member",
    "deactivated_holder_member",
]


def persona_user(persona: str, victims):
    if persona.startswith("staff"):
        return staff_without_second_factor(with_totp=persona == "staff_with_totp_password_only")
    how, side, _member = persona.split("_")
    return former_member(victims[side], how=how)


# Every form field the portal's POST views read, with a value that would change something.
POST_DATA = {
    "action": "stay",
    "title": "HACKED",
    "title_nl": "HACKED",
    "name": "HACKED",
    "decline-decline_reason": "1",
    "withdraw-decline_reason": "1",
    "closed_reason": "withdrawn",
    "reason": "1",
    "message": "HACKED",
    "organisation": "1",
}


def assert_no_secret(response, label: str) -> None:
    assert response.status_code != 500, label
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    for secret in SECRETS:
        assert secret.encode() not in body, f"{label} shows {secret}"


def test_every_url_is_covered(victims):
    """A new URL must say how its arguments are filled, or this fails."""
    missing = [
        name
        for name, pattern in portal_patterns().items()
        if name not in TOKEN_URLS and arguments(name, pattern, victims) is None
    ]
    assert missing == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_other_tenant_object_through_any_url(persona, victims):
    user = persona_user(persona, victims)
    before = snapshot(victims)
    reached = []

    for name, pattern in portal_patterns().items():
        if name in TOKEN_URLS:
            continue
        path = path_of(name, pattern, victims)
        for method in ("get", "post"):
            # A fresh session each time: an earlier URL (log-out, say) must not end it.
            client = login_client(user)
            response = getattr(client, method)(path, POST_DATA if method == "post" else None)
            assert_no_secret(response, f"{persona} {method.upper()} {name}")
            reached.append(name)

    assert snapshot(victims) == before
    assert len(reached) > 100  # the loop really walked the resolver


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_admin_page_without_second_factor(persona, victims):
    """The admin is closed to all of them: staff go to the second factor, others to sign-in."""
    user = persona_user(persona, victims)
    before = snapshot(victims)
    checked = 0

    for name, pattern in admin_patterns().items():
        keys = set(pattern.pattern.converters) | set(pattern.pattern.regex.groupindex)
        kwargs = dict.fromkeys(keys, "1") | (
            {"app_label": "properties"} if "app_label" in keys else {}
        )
        path = reverse(name, kwargs=kwargs)
        for method in ("get", "post"):
            client = login_client(user)
            response = getattr(client, method)(path, POST_DATA if method == "post" else None)
            label = f"{persona} {method.upper()} {path}"
            if persona.startswith("staff"):
                outcome = (response.status_code, "/accounts/2fa/" in response.url)
            elif name == "admin:login":  # signed in, but not staff: allauth refuses
                outcome = (302 if response.status_code == 403 else response.status_code, True)
            elif name == "admin:logout":  # shows nothing; it signs them out
                outcome = (302 if response.status_code in (200, 302, 405) else 0, True)
            else:
                outcome = (response.status_code, "/admin/login/" in response.url)
            assert outcome == (302, True), label
            checked += 1

    assert snapshot(victims) == before
    assert checked > 100


def test_staff_pages_say_how_to_finish_the_second_factor(victims):
    client = login_client(staff_without_second_factor(with_totp=False))

    page = client.get("/nl/accounts/profile/").content.decode()

    assert 'id="second-factor-needed"' in page
    assert "/nl/accounts/2fa/totp/activate/" in page


def test_staff_with_second_factor_still_act_for_the_desk(caseworker_client, victims):
    """The same URLs with the second factor passed: the desk reaches the draft and the file."""
    draft = victims["draft"]
    document = victims["application_document"]

    page = caseworker_client.get(f"/nl/my/sites/{draft.pk}/where/")
    file = caseworker_client.get(
        f"/nl/my/applications/{victims['application'].pk}/documents/{document.pk}/"
    )

    assert SECRET_SITE_TITLE in page.content.decode()
    assert b"".join(file.streaming_content) == SECRET_PDF
    assert 'id="second-factor-needed"' not in page.content.decode()


def test_a_removed_member_stops_acting_for_the_organisation(victims):
    """The next request clears the organisation they acted for, and their dashboard is empty."""
    owner = victims["owner"]
    client = login_client(owner)
    assert SECRET_SITE_TITLE in client.get("/nl/my/sites/").content.decode()

    Membership.objects.filter(user=owner).delete()
    response = client.get("/nl/my/sites/")

    owner.refresh_from_db()
    assert owner.active_organisation_id is None
    assert SECRET_SITE_TITLE not in response.content.decode()


def test_a_deactivated_member_is_reactivated_with_access_again(victims):
    owner = victims["owner"]
    Membership.objects.filter(user=owner).update(is_active=False)
    client = login_client(owner)
    draft_url = f"/nl/my/sites/{victims['draft'].pk}/where/"
    assert client.get(draft_url).status_code == 404

    Membership.objects.filter(user=owner).update(is_active=True)
    owner.active_organisation_id = victims["draft"].owner_id
    owner.save(update_fields=["active_organisation"])

    assert SECRET_SITE_TITLE in client.get(draft_url).content.decode()
