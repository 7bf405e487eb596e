"""Every owner, holder and public page is valid HTML: the W3C Nu checker (vnu) finds no error.

The pages come from the resolver, filled with real objects (a published site with units,
photo and documents, a draft site, a searching application with a document, a draft one, a
match proposed to the holder with a visit time offered, a saved search), in Dutch and in
French. Every portal URL must be listed here or skipped with a reason, so a new page cannot
slip past. The pages are written to files and checked in one run of vnu (one JVM start).

vnu is the npm package vnu-jar, run with Java: `.ci/run` installs it into
~/.cache/loket/vnu; elsewhere set VNU_JAR to its vnu.jar. Without Java or the jar the test
skips on a developer's machine and fails in CI.
"""

import datetime
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from loket.accounts.enums import Role
from matching.domain import match_answer, match_propose_to_holder, visit_slot_propose
from matching.enums import MatchState
from projects.domain.applications import application_create
from projects.domain.saved_searches import saved_search_create
from projects.models import ApplicationDocument
from projects.views.holder import STEPS as APPLICATION_STEPS
from properties.models import SiteDocument, SitePhoto
from properties.views.owner import STEPS as SITE_STEPS

from .accounts.test_every_url_access import portal_patterns
from .ci import require
from .conftest import login_client
from .factories import OrganisationFactory, SiteFactory, member_of
from .matching.helpers import fitting_pair, new_match

pytestmark = pytest.mark.django_db

DEFAULT_JAR = Path.home() / ".cache/loket/vnu/node_modules/vnu-jar/build/dist/vnu.jar"
LANGUAGES = ("nl", "fr")

# Who opens each page, and with which of the world's objects: name → [(persona, kwargs)].
# Persona "anonymous" is a visitor; a `kwargs` value that is a key of `world` stands for it.
PAGES = {
    "pages:home": [("anonymous", {})],
    "pages:how_it_works": [("anonymous", {})],
    "pages:contact": [("anonymous", {}), ("holder", {})],
    "pages:privacy": [("anonymous", {})],
    "pages:accessibility": [("anonymous", {})],
    "properties:catalogue": [("anonymous", {}), ("holder", {})],
    "properties:detail": [
        ("anonymous", {"reference": "site_reference"}),
        ("holder", {"reference": "site_reference"}),
        ("owner", {"reference": "site_reference"}),
        ("owner", {"reference": "draft_reference"}),
    ],
    "account_login": [("anonymous", {})],
    "account_signup": [("anonymous", {})],
    "account_reset_password": [("anonymous", {})],
    "account_reset_password_done": [("anonymous", {})],
    "account_email_verification_sent": [("anonymous", {})],
    "account_inactive": [("anonymous", {})],
    "accounts:home": [("owner", {}), ("holder", {})],
    "accounts:edit": [("owner", {})],
    "account_email": [("holder", {})],
    "account_change_password": [("holder", {})],
    "mfa_index": [("owner", {})],
    "organisations:create": [("holder", {})],
    "organisations:detail": [("owner", {"pk": "owner_organisation"})],
    "organisations:edit": [("owner", {"pk": "owner_organisation"})],
    "properties:owner_dashboard": [("owner", {})],
    "properties:owner_create": [("owner", {})],
    "properties:owner_step": [
        *[("owner", {"pk": "draft", "step": step.slug}) for step in SITE_STEPS],
        ("owner", {"pk": "site", "step": "review"}),
    ],
    "properties:owner_withdraw": [("owner", {"pk": "site"})],
    "projects:holder_dashboard": [("holder", {})],
    "projects:holder_create": [("holder", {})],
    "projects:holder_step": [
        *[("holder", {"pk": "draft_application", "step": s.slug}) for s in APPLICATION_STEPS],
        ("holder", {"pk": "application", "step": "review"}),
    ],
    "projects:holder_withdraw": [("holder", {"pk": "application"})],
    "searches:list": [("holder", {})],
    "searches:delete": [("holder", {"pk": "search"})],
    "matching:proposal_list": [("owner", {}), ("holder", {})],
    "matching:proposal_detail": [("owner", {"pk": "match"}), ("holder", {"pk": "match"})],
    "notifications:preferences": [("owner", {}), ("holder", {})],
}

# Pages as they come back with errors next to the fields (and the not-found page):
# (persona, name, kwargs, POST data or None for GET, status).
WITH_ERRORS = [
    ("owner", "properties:owner_step", {"pk": "draft", "step": "where"}, {"postcode": "abc"}, 200),
    (
        "holder",
        "projects:holder_step",
        {"pk": "draft_application", "step": "space"},
        {"surface_min": "-1", "surface_max": "50", "surface_ideal": "900"},
        200,
    ),
    ("anonymous", "pages:accessibility", {}, {"message": ""}, 200),
    ("anonymous", "account_signup", {}, {"email": "not an address"}, 200),
    ("anonymous", "account_login", {}, {"login": "x@example.org", "password": "wrong"}, 200),
    ("anonymous", "properties:detail", {"reference": "S-0000-NONE"}, None, 404),
]

# What a page with errors shows: our error summary, or allauth's marked fields and list.
ERROR_MARKS = ('class="error-summary"', 'aria-invalid="true"', 'class="errorlist')

# Portal URLs that are no page of their own, with the reason.
NOT_PAGES = {
    "root": "redirects to a language",
    "healthz": "plain text for the load balancer",
    "set_language": "a POST that redirects",
    "language_choose": "remembers the language and redirects",
    "api:sites_geojson": "GeoJSON, not HTML",
    "api:sites_csv": "CSV, not HTML",
    "properties:map": "JSON for the catalogue map, not HTML",
    "account_logout": "a POST that redirects",
    "account_reauthenticate": "allauth's own flow; only reached from a sensitive action",
    "account_set_password": "redirects: every account has a password",
    "account_confirm_login_code": "needs a login-code flow in progress",
    "account_confirm_email": "needs an e-mailed key",
    "account_reset_password_from_key": "needs an e-mailed key",
    "account_reset_password_from_key_done": "allauth's plain confirmation, after a key",
    "mfa_authenticate": "needs a sign-in in progress",
    "mfa_reauthenticate": "allauth's own flow; only reached from a sensitive action",
    "mfa_activate_totp": "asks to sign in again first (allauth's reauthentication)",
    "mfa_deactivate_totp": "needs TOTP set up; the desk's accounts only",
    "mfa_view_recovery_codes": "needs TOTP set up; the desk's accounts only",
    "mfa_generate_recovery_codes": "needs TOTP set up; the desk's accounts only",
    "mfa_download_recovery_codes": "a text file",
    "organisations:switch": "a POST that redirects",
    "searches:create": "a POST from the catalogue that redirects",
    "properties:photo": "an image",
    "properties:document": "a PDF",
    "properties:owner_site": "redirects to the step to resume",
    "properties:owner_photo_add": "a POST that redirects",
    "properties:owner_photo_delete": "a POST that redirects",
    "properties:owner_document_add": "a POST that redirects",
    "properties:owner_document_delete": "a POST that redirects",
    "properties:owner_submit": "a POST that redirects",
    "projects:holder_application": "redirects to the step to resume",
    "projects:holder_confirm": "a POST that redirects",
    "projects:holder_document_add": "a POST that redirects",
    "projects:holder_document": "a PDF",
    "projects:holder_document_delete": "a POST that redirects",
    "projects:holder_submit": "a POST that redirects",
    "matching:proposal_accept": "a POST that redirects",
    "matching:proposal_decline": "a POST that redirects",
    "matching:proposal_withdraw": "a POST that redirects",
    "matching:proposal_slot_propose": "a POST that redirects",
    "matching:proposal_slot_confirm": "a POST that redirects",
    "matching:proposal_document": "a PDF",
    "notifications:unsubscribe": "needs a signed token; tests/notifications cover its page",
    "notifications:unsubscribe_renew": "a POST with a signed token",
}


def vnu_command() -> list[str]:
    java = shutil.which("java")
    jar = Path(os.environ.get("VNU_JAR") or DEFAULT_JAR)
    require(
        java is not None and jar.is_file(),
        f"The HTML validity test needs Java and the Nu checker at {jar}: run "
        "`npm install --prefix ~/.cache/loket/vnu vnu-jar` (or set VNU_JAR) and install a JRE.",
    )
    return [java, "-jar", str(jar), "--format", "json", "--errors-only"]


@pytest.fixture
def world(caseworker_user):
    owner = member_of(OrganisationFactory(name="Immo Canal NV"), role=Role.OWNER)
    holder = member_of(OrganisationFactory(name="Collectief Zinne"), role=Role.HOLDER)
    application, site = fitting_pair(
        holder_org=holder.active_organisation, owner_org=owner.active_organisation
    )
    SitePhoto.objects.create(
        site=site,
        image=ContentFile(b"photo", name="p.jpg"),
        thumbnail=ContentFile(b"thumb", name="t.jpg"),
        width=1200,
        height=800,
        caption="The hall",
    )
    SiteDocument.objects.create(
        site=site, title="Plans", is_public=True, file=ContentFile(b"%PDF-1.4", name="p.pdf")
    )
    ApplicationDocument.objects.create(
        application=application,
        kind="statutes",
        title="Statutes",
        file=ContentFile(b"%PDF-1.4", name="s.pdf"),
    )
    draft = SiteFactory(owner=owner.active_organisation, state="draft", units=[])
    match = new_match(application, site, caseworker_user, to_state=MatchState.PROPOSED_OWNER)
    match = match_answer(match=match, actor=owner, accept=True)
    match = match_propose_to_holder(match=match, actor=caseworker_user)
    start = timezone.now() + datetime.timedelta(days=5)
    visit_slot_propose(
        match=match, actor=owner, starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )
    return {
        "owner": owner,
        "holder": holder,
        "owner_organisation": owner.active_organisation_id,
        "site": site.pk,
        "site_reference": site.reference,
        "draft": draft.pk,
        "draft_reference": draft.reference,
        "application": application.pk,
        "draft_application": application_create(
            actor=holder, organisation=holder.active_organisation
        ).pk,
        "match": match.pk,
        "search": saved_search_create(user=holder, name="Centre", query="commune=21004").pk,
    }


def test_every_portal_url_is_checked_or_skipped_with_a_reason():
    names = set(portal_patterns())
    assert sorted(names - set(PAGES) - set(NOT_PAGES)) == []
    assert sorted((set(PAGES) | set(NOT_PAGES)) - names) == []


def test_every_owner_holder_and_public_page_is_valid_html(world, tmp_path):
    command = vnu_command()
    clients = {
        "anonymous": Client(),
        "owner": login_client(world["owner"]),
        "holder": login_client(world["holder"]),
    }
    files = {}
    for name, visits in PAGES.items():
        for persona, kwargs in visits:
            for language in LANGUAGES:
                with translation.override(language):
                    path = reverse(name, kwargs={k: world.get(v, v) for k, v in kwargs.items()})
                response = clients[persona].get(path)
                label = f"{persona} {path}"
                assert (response.status_code, response["Content-Type"]) == (
                    200,
                    "text/html; charset=utf-8",
                ), label
                file = tmp_path / f"page-{len(files):03d}.html"
                file.write_bytes(response.content)
                files[str(file)] = label

    for persona, name, kwargs, data, status in WITH_ERRORS:
        for language in LANGUAGES:
            with translation.override(language):
                path = reverse(name, kwargs={k: world.get(v, v) for k, v in kwargs.items()})
            client = clients[persona]
            response = client.get(path) if data is None else client.post(path, data)
            label = f"{persona} {'GET' if data is None else 'POST'} {path}"
            assert response.status_code == status, label
            if data is not None:  # the form really came back with its errors
                html = response.content.decode()
                assert any(mark in html for mark in ERROR_MARKS), label
            file = tmp_path / f"page-{len(files):03d}.html"
            file.write_bytes(response.content)
            files[str(file)] = label

    result = subprocess.run(
        [*command, *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{files.get(message.get('url', '').removeprefix('file:'), message.get('url'))} "
        f"line {message.get('lastLine')}: "
        f"{message['message']}"
        for message in messages
        if message["type"] == "error"
    ]
    assert len(files) > 100  # the pages really were written
    assert errors == []
