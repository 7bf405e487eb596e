"""The admin's markup: no inline style or script in its own templates and widgets (the Content
Security Policy, style-src and script-src 'self', would refuse them), a label for every control
of the desk's change pages, and states in the reader's language, not their codes."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from matching.domain import match_create, match_withdraw
from matching.enums import MatchState

from ..factories import SiteFactory
from ..matching.helpers import fitting_pair, reason, walk

ROOT = Path(settings.BASE_DIR)
INLINE = re.compile(r"""style=|<style|<script(?![^>]*\bsrc=)[^>]*>|\bon[a-z]+=["']""")
ADMIN_CODE = [
    "templates/admin",
    "loket/admin_desk.py",
    "loket/admin_files.py",
    "properties/admin.py",
    "projects/admin.py",
    "projects/programme.py",
    "matching/admin",
]


def admin_files() -> list[Path]:
    files = []
    for name in ADMIN_CODE:
        path = ROOT / name
        files += sorted(path.rglob("*.*")) if path.is_dir() else [path]
    return [path for path in files if path.suffix in (".html", ".py")]


def test_admin_templates_and_widgets_have_no_inline_style_or_script():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in admin_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if INLINE.search(line)
    ]

    assert len(admin_files()) > 20
    assert found == []


def test_the_policy_allows_no_inline_style_or_script():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]

    assert (directives["style-src"], directives["script-src"]) == (["'self'"], ["'self'"])


# --- Labels and translated words on the desk's change pages ---------------------------------


class Controls(HTMLParser):
    """The form controls of a page and the ids its labels point at."""

    def __init__(self):
        super().__init__()
        self.labelled: set[str] = set()
        self.controls: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label" and attrs.get("for"):
            self.labelled.add(attrs["for"])
        hidden = attrs.get("type") in ("hidden", "submit", "button")
        if tag in ("input", "select", "textarea") and not hidden:
            self.controls.append(attrs)

    def unlabelled(self) -> list[str]:
        return [
            attrs.get("name", "?")
            for attrs in self.controls
            if attrs.get("id") not in self.labelled
            and not attrs.get("aria-label")
            and not attrs.get("aria-labelledby")
            and "__prefix__" not in attrs.get("name", "")
        ]


@pytest.fixture
def nl_desk_client(caseworker_client):
    caseworker_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    return caseworker_client


@pytest.fixture
def match(holder, owner, caseworker_user):
    application, site = fitting_pair(
        holder_org=holder.memberships.get().organisation,
        owner_org=owner.memberships.get().organisation,
    )
    desk = type(caseworker_user).objects.get(pk=caseworker_user.pk)
    return walk(
        match_create(application=application, site=site, actor=desk),
        MatchState.HOLDER_ACCEPTED,
        desk=desk,
        owner=desk,
        holder=desk,
    )


@pytest.mark.django_db
def test_every_control_of_the_site_and_match_pages_has_a_label(nl_desk_client, match):
    site = SiteFactory(state="under_review", units=[400, 120, 60])
    pages = {
        "site": f"/admin/properties/site/{site.pk}/change/",
        "match": f"/admin/matching/match/{match.pk}/change/",
    }

    found = {}
    for name, url in pages.items():
        controls = Controls()
        controls.feed(nl_desk_client.get(url).content.decode())
        assert len(controls.controls) > 10, name
        found[name] = controls.unlabelled()

    assert found == {"site": [], "match": []}


@pytest.mark.django_db
def test_the_match_page_shows_states_and_headers_in_dutch(nl_desk_client, match):
    match_withdraw(match=match, actor=match.caseworker, decline_reason=reason("too_big"))
    html = nl_desk_client.get(f"/admin/matching/match/{match.pk}/change/").content.decode()

    # The visit times can no longer be confirmed: no "confirm" column, under any name.
    assert "onfirm" not in html
    assert "bevestigen" not in html
    assert "→" not in html
    for code in ("suggested", "shortlisted", "proposed_owner", "holder_accepted"):
        assert f">{code}<" not in html
    assert "<p>Gesuggereerd</p>" in html


@pytest.mark.django_db
def test_the_hidden_headers_of_the_list_of_models_are_in_dutch(nl_desk_client):
    html = nl_desk_client.get("/admin/").content.decode()

    assert ("Model name" in html, "Add link" in html, "Change or view list link" in html) == (
        False,
        False,
        False,
    )
    assert '<th scope="col">Modelnaam</th>' in html
