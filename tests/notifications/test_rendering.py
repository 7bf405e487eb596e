"""Every kind of message, rendered and sent in Dutch and in French: the subject and the text
in the reader's language, every link on the portal in that language (or in the admin for the
desk), the preferences link, the unsubscribe link for the kinds one may turn off, an HTML part
in the shared layout and a plain text without markup. Each message is built from real rows,
mostly through the domain, as the event would write it."""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from loket.accounts.enums import Role
from loket.accounts.models import User
from loket.notifications.kinds import KINDS
from loket.notifications.models import Notification
from loket.notifications.services import render, send
from matching.domain import (
    match_sign,
    match_withdraw,
    visit_slot_confirm,
    visit_slot_propose,
)
from matching.models import MatchTransition
from projects.domain import (
    application_mark_incomplete,
    application_submit,
    applications_expire,
)
from projects.domain.saved_searches import saved_search_create
from projects.models import ApplicationTransition, SavedSearchMatch
from properties.domain import site_transition
from properties.models import SiteTransition

from ..factories import ApplicationFactory, SiteFactory, caseworker, member_of
from ..matching.helpers import fitting_pair, new_match, reason, walk

pytestmark = pytest.mark.django_db

PORTAL = "http://127.0.0.1:8000"
LANGUAGES = ("nl", "fr")
REFERENCE = "LTG-2026-0901"  # the application of `fitting_pair`
TITLE = {"nl": "Oude brouwerij", "fr": "Ancienne brasserie"}
# 13:30 UTC: the message shows the time in Brussels.
VISIT = datetime.datetime(2030, 3, 5, 14, 30, tzinfo=ZoneInfo("Europe/Brussels"))
VISIT_SHOWN = {"nl": "5 maart 2030 14:30", "fr": "5 mars 2030 14:30"}
GREETING = {"nl": "Beste Noor,", "fr": "Bonjour Noor,"}
SIGN_OFF = {
    "nl": "Het loket tijdelijk gebruik – citydev.brussels",
    "fr": "Le guichet des occupations temporaires – citydev.brussels",
}
# The desk's message about an incomplete application: the text shows it as written, the HTML
# escapes it.
DESK_MESSAGE = 'Add the statutes & the "plan", please.'

# The kinds this file does not send, and why; every other kind must have a builder below.
SKIPPED = {
    "digest": "gathers other messages; tested in test_preferences.py",
    "unsubscribe_link": (
        "a service message whose text is an unsubscribe link, which the shared test forbids "
        "for service kinds; tested in test_unsubscribe.py"
    ),
    "site_availability_ending": (
        "added by another engineer while this file was written; its NL/FR strings are not in "
        "locale/ yet; tested in test_reminder_messages.py"
    ),
    "occupation_planning_due": (
        "added by another engineer while this file was written; its NL/FR strings are not in "
        "locale/ yet; tested in test_reminder_messages.py"
    ),
    "occupation_insurance_expiring": (
        "added by another engineer while this file was written; its NL/FR strings are not in "
        "locale/ yet; tested in test_reminder_messages.py"
    ),
    "occupation_ending": (
        "added by another engineer while this file was written; its NL/FR strings are not in "
        "locale/ yet; tested in test_reminder_messages.py"
    ),
}


def skipped(code: str) -> bool:
    # Account messages wrap allauth's own: tested in tests/accounts.
    return code in SKIPPED or code.startswith("account")


@dataclass
class Case:
    """One message to build: who reads it, its stored context, and what it must say."""

    recipient: User
    context: dict
    subject: dict[str, str]
    # A sentence of the text, as translated in locale/<lang>/LC_MESSAGES/django.po.
    sentence: dict[str, str]
    # The main link per language (a portal link in the reader's language, or the admin's),
    # or None when the message has none.
    link: dict[str, str] | None
    desk: bool = False


def portal_paths(name: str, *args) -> dict[str, str]:
    paths = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            paths[lang] = PORTAL + reverse(name, args=args)
    return paths


def same(value: str) -> dict[str, str]:
    return dict.fromkeys(LANGUAGES, value)


@pytest.fixture
def people(holder, owner):
    return SimpleNamespace(holder=holder, owner=owner, desk=caseworker(email="desk@example.org"))


def pair(people):
    return fitting_pair(
        holder_org=people.holder.active_organisation,
        owner_org=people.owner.active_organisation,
        title_nl=TITLE["nl"],
        title_fr=TITLE["fr"],
    )


def planned_visit(people):
    """A match whose visit is confirmed on VISIT, at Rue de la Loi 1."""
    application, site = pair(people)
    match = walk(
        new_match(application, site, people.desk),
        "holder_accepted",
        desk=people.desk,
        owner=people.owner,
        holder=people.holder,
    )
    slot = visit_slot_propose(
        match=match,
        actor=people.owner,
        starts_at=VISIT,
        ends_at=VISIT + datetime.timedelta(hours=1),
        place="Rue de la Loi 1",
    )
    return visit_slot_confirm(slot=slot, actor=people.holder)


def match_context(match, to_state: str, audience: str) -> dict:
    transition = MatchTransition.objects.get(match=match, to_state=to_state)
    return {"transition": transition.pk, "audience": audience}


# --- Builders, one per kind ------------------------------------------------------------------


def build_match_proposed(people) -> Case:
    application, site = pair(people)
    match = new_match(application, site, people.desk, to_state="proposed_owner")
    return Case(
        recipient=people.owner,
        context=match_context(match, "proposed_owner", "owner"),
        subject={
            "nl": f"Loket: een project voor je site {TITLE['nl']}",
            "fr": f"Loket : un projet pour votre site {TITLE['fr']}",
        },
        sentence={
            "nl": "Aanvaard of weiger het voorstel op Loket.",
            "fr": "Veuillez accepter ou refuser la proposition sur Loket.",
        },
        link=portal_paths("matching:proposal_detail", match.pk),
    )


def build_match_answer(people) -> Case:
    application, site = pair(people)
    match = walk(
        new_match(application, site, people.desk),
        "owner_accepted",
        desk=people.desk,
        owner=people.owner,
        holder=people.holder,
    )
    return Case(
        recipient=people.desk,
        context=match_context(match, "owner_accepted", "desk"),
        subject={
            "nl": f"Loket: antwoord over {REFERENCE} en {TITLE['nl']}",
            "fr": f"Loket : réponse concernant {REFERENCE} et {TITLE['fr']}",
        },
        sentence={
            "nl": f"De eigenaar van {TITLE['nl']} heeft het voorstel voor {REFERENCE} aanvaard.",
            "fr": f"Le propriétaire de {TITLE['fr']} a accepté la proposition pour {REFERENCE}.",
        },
        link=same(PORTAL + reverse("admin:matching_match_change", args=[match.pk])),
        desk=True,
    )


def build_match_visit_planned(people) -> Case:
    slot = planned_visit(people)
    return Case(
        recipient=people.owner,
        context=match_context(slot.match, "visit_planned", "owner"),
        subject={
            "nl": f"Loket: bezoek aan {TITLE['nl']} gepland",
            "fr": f"Loket : visite de {TITLE['fr']} planifiée",
        },
        sentence={
            "nl": f"Wanneer: {VISIT_SHOWN['nl']}. Ontmoetingsplaats: Rue de la Loi 1.",
            "fr": f"Quand : {VISIT_SHOWN['fr']}. Point de rendez-vous : Rue de la Loi 1.",
        },
        link=portal_paths("matching:proposal_detail", slot.match_id),
    )


def build_match_signed(people) -> Case:
    application, site = pair(people)
    match = walk(
        new_match(application, site, people.desk),
        "drafting",
        desk=people.desk,
        owner=people.owner,
        holder=people.holder,
    )
    match_sign(match=match, actor=people.desk, starts_on=datetime.date(2030, 6, 1))
    return Case(
        recipient=people.holder,
        context=match_context(match, "signed", "holder"),
        subject={
            "nl": f"Loket: overeenkomst ondertekend voor {TITLE['nl']}",
            "fr": f"Loket : convention signée pour {TITLE['fr']}",
        },
        sentence={
            "nl": "Het loket volgt de bezetting samen met je op.",
            "fr": "Le guichet suivra l’occupation avec vous.",
        },
        link=portal_paths("matching:proposal_detail", match.pk),
    )


def build_match_withdrawn(people) -> Case:
    application, site = pair(people)
    match = new_match(application, site, people.desk, to_state="proposed_owner")
    match_withdraw(match=match, actor=people.desk, decline_reason=reason("too_small"))
    return Case(
        recipient=people.owner,
        context=match_context(match, "withdrawn", "owner"),
        subject={
            "nl": f"Loket: voorstel ingetrokken ({TITLE['nl']}, {REFERENCE})",
            "fr": f"Loket : proposition retirée ({TITLE['fr']}, {REFERENCE})",
        },
        sentence={
            "nl": f"Het voorstel van {TITLE['nl']} voor {REFERENCE} is ingetrokken.",
            "fr": f"La proposition de {TITLE['fr']} pour {REFERENCE} a été retirée.",
        },
        link=portal_paths("matching:proposal_detail", match.pk),
    )


def build_visit_reminder(people) -> Case:
    slot = planned_visit(people)
    return Case(
        recipient=people.holder,
        context={"slot": slot.pk},
        subject={
            "nl": f"Loket: herinnering, bezoek aan {TITLE['nl']} morgen",
            "fr": f"Loket : rappel, visite de {TITLE['fr']} demain",
        },
        sentence={
            "nl": f"Ter herinnering: het bezoek aan {TITLE['nl']} voor {REFERENCE} is morgen, "
            f"{VISIT_SHOWN['nl']}. Ontmoetingsplaats: Rue de la Loi 1.",
            "fr": f"Pour rappel : la visite de {TITLE['fr']} pour {REFERENCE} a lieu demain, "
            f"{VISIT_SHOWN['fr']}. Point de rendez-vous : Rue de la Loi 1.",
        },
        link=None,  # the reminder's context has no link
    )


def submitted_application(people):
    draft = ApplicationFactory(organisation=people.holder.active_organisation, complete=True)
    application = application_submit(application=draft, actor=people.holder)
    transition = ApplicationTransition.objects.get(application=application, to_state="submitted")
    return application, {"transition": transition.pk}


def build_application_received(people) -> Case:
    application, context = submitted_application(people)
    ref = application.reference
    return Case(
        recipient=people.holder,
        context=context,
        subject={
            "nl": f"Loket: we hebben je aanvraag {ref} ontvangen",
            "fr": f"Loket : nous avons bien reçu votre demande {ref}",
        },
        sentence={"nl": "Bekijk je aanvraag:", "fr": "Voir votre demande :"},
        link=portal_paths("projects:holder_application", application.pk),
    )


def build_application_new(people) -> Case:
    application, context = submitted_application(people)
    ref = application.reference
    return Case(
        recipient=people.desk,
        context=context,
        subject={
            "nl": f"Loket: nieuwe aanvraag {ref}",
            "fr": f"Loket : nouvelle demande {ref}",
        },
        sentence={"nl": "Bekijk de details:", "fr": "Voir les détails :"},
        link=same(PORTAL + reverse("admin:projects_application_change", args=[application.pk])),
        desk=True,
    )


def build_application_incomplete(people) -> Case:
    application, _context = submitted_application(people)
    application_mark_incomplete(application=application, actor=people.desk, message=DESK_MESSAGE)
    transition = ApplicationTransition.objects.get(application=application, to_state="incomplete")
    ref = application.reference
    return Case(
        recipient=people.holder,
        context={"transition": transition.pk},
        subject={
            "nl": f"Loket: je aanvraag {ref} is onvolledig",
            "fr": f"Loket : votre demande {ref} est incomplète",
        },
        sentence={"nl": "Vul je aanvraag aan:", "fr": "Complétez votre demande :"},
        link=portal_paths("projects:holder_application", application.pk),
    )


def build_application_renewal(people) -> Case:
    application = ApplicationFactory(
        organisation=people.holder.active_organisation,
        complete=True,
        state="searching",
        reference="LTG-2025-0100",
        confirmed_at=timezone.now() - datetime.timedelta(days=340),
    )
    return Case(
        recipient=people.holder,
        context={"application": application.pk},
        subject={
            "nl": "Loket: zoek je nog? Bevestig aanvraag LTG-2025-0100",
            "fr": "Loket : vous cherchez toujours ? Confirmez la demande LTG-2025-0100",
        },
        sentence={"nl": "Bevestig je aanvraag:", "fr": "Confirmez votre demande :"},
        link=portal_paths("projects:holder_application", application.pk),
    )


def build_application_expired(people) -> Case:
    application = ApplicationFactory(
        organisation=people.holder.active_organisation,
        complete=True,
        state="searching",
        reference="LTG-2025-0042",
        confirmed_at=timezone.now() - datetime.timedelta(days=370),
    )
    assert applications_expire() == 1
    transition = ApplicationTransition.objects.get(application=application, to_state="closed")
    return Case(
        recipient=people.holder,
        context={"transition": transition.pk},
        subject={
            "nl": "Loket: je aanvraag LTG-2025-0042 is verlopen",
            "fr": "Loket : votre demande LTG-2025-0042 a expiré",
        },
        sentence={"nl": "Bekijk je aanvraag:", "fr": "Voir votre demande :"},
        link=portal_paths("projects:holder_application", application.pk),
    )


def build_saved_search_match(people) -> Case:
    search = saved_search_create(user=people.holder, name="Ateliers", query="q=atelier")
    site = SiteFactory(title_nl=TITLE["nl"], title_fr=TITLE["fr"])
    match = SavedSearchMatch.objects.create(saved_search=search, site=site)
    return Case(
        recipient=people.holder,
        context={"match": match.pk},
        subject={
            "nl": "Loket: een nieuwe site past bij je zoekopdracht “Ateliers”",
            "fr": "Loket : un nouveau site correspond à votre recherche « Ateliers »",
        },
        sentence={"nl": "Je bewaarde zoekopdrachten:", "fr": "Vos recherches enregistrées :"},
        link=portal_paths("properties:detail", site.reference),
    )


def site_context(site, to_state: str) -> dict:
    return {"transition": SiteTransition.objects.get(site=site, to_state=to_state).pk}


def submitted_site(people):
    site = SiteFactory(owner=people.owner.active_organisation, state="draft", publication="")
    return site_transition(site=site, to_state="submitted", actor=people.owner)


def build_site_submitted(people) -> Case:
    site = submitted_site(people)
    return Case(
        recipient=people.owner,
        context=site_context(site, "submitted"),
        subject={
            "nl": f"Loket: we hebben je site {site.reference} ontvangen",
            "fr": f"Loket : nous avons bien reçu votre site {site.reference}",
        },
        sentence={"nl": "Bekijk je site:", "fr": "Voir votre site :"},
        link=portal_paths("properties:owner_site", site.pk),
    )


def build_site_to_review(people) -> Case:
    site = submitted_site(people)
    return Case(
        recipient=people.desk,
        context=site_context(site, "submitted"),
        subject={
            "nl": f"Loket: nieuwe site na te kijken, {site.reference}",
            "fr": f"Loket : nouveau site à examiner, {site.reference}",
        },
        sentence={"nl": "Bekijk de details:", "fr": "Voir les détails :"},
        link=same(PORTAL + reverse("admin:properties_site_change", args=[site.pk])),
        desk=True,
    )


def build_site_published(people) -> Case:
    site = submitted_site(people)
    site = site_transition(site=site, to_state="under_review", actor=people.desk)
    site = site_transition(site=site, to_state="published", actor=people.desk, publication="public")
    return Case(
        recipient=people.owner,
        context=site_context(site, "published"),
        subject={
            "nl": f"Loket: je site {site.reference} is gepubliceerd",
            "fr": f"Loket : votre site {site.reference} est publié",
        },
        sentence={"nl": "Bekijk je site:", "fr": "catalogue et sur la carte"},
        link=portal_paths("properties:owner_site", site.pk),
    )


BUILDERS: dict[str, Callable[[SimpleNamespace], Case]] = {
    "match_proposed": build_match_proposed,
    "match_answer": build_match_answer,
    "match_visit_planned": build_match_visit_planned,
    "match_signed": build_match_signed,
    "match_withdrawn": build_match_withdrawn,
    "visit_reminder": build_visit_reminder,
    "application_received": build_application_received,
    "application_new": build_application_new,
    "application_incomplete": build_application_incomplete,
    "application_renewal": build_application_renewal,
    "application_expired": build_application_expired,
    "saved_search_match": build_saved_search_match,
    "site_submitted": build_site_submitted,
    "site_to_review": build_site_to_review,
    "site_published": build_site_published,
}


def written(people, code: str, lang: str) -> tuple[Case, Notification]:
    """The kind's message to its reader, who reads `lang`, as a queued outbox row."""
    case = BUILDERS[code](people)
    recipient = case.recipient
    recipient.preferred_language = lang
    recipient.first_name = "Noor"
    recipient.save(update_fields=["preferred_language", "first_name"])
    row = Notification.objects.create(
        recipient=recipient,
        kind=code,
        language=lang,
        context=case.context,
        key=f"test-rendering:{code}:{lang}",
        status="queued",
        queued_at=timezone.now(),
    )
    mail.outbox.clear()
    return case, row


def sent_message(row: Notification):
    assert send(row.pk) == "sent"
    [message] = mail.outbox
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return message, html


def text_links(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


def html_links(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html) + re.findall(r">(https?://[^<\s]+)<", html)


# --- Tests -----------------------------------------------------------------------------------


def test_every_kind_is_covered_or_skipped_with_a_reason():
    assert BUILDERS, "no builders"
    not_covered = {code for code in KINDS if code not in BUILDERS and not skipped(code)}
    assert not_covered == set(), f"kinds with neither a builder nor a reason: {not_covered}"
    assert set(BUILDERS) <= set(KINDS)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("code", sorted(BUILDERS))
def test_message_in_the_readers_language_with_its_links(people, code, lang):
    case, row = written(people, code, lang)
    kind = KINDS[code]

    rendered = render(row)
    message, html = sent_message(row)

    # Who, and what: the subject and the text in the reader's language.
    assert message.to == [case.recipient.email]
    assert rendered.subject == message.subject == case.subject[lang]
    body = message.body
    assert body.startswith(f"{GREETING[lang]}\n\n")
    assert body.count(GREETING[lang]) == 1
    assert case.sentence[lang] in body
    assert body.count(SIGN_OFF[lang]) == 1  # the footer's, not the message's own
    # Plain text: no markup, nothing escaped twice, and the links on their own lines.
    assert "<" not in body
    assert "&amp;" not in body and "&quot;" not in body and "&#x27;" not in body
    links = text_links(body)
    assert links, "no link in the text"
    for link in links:
        assert f"\n{link}\n" in body
    # Every link leads to the portal in the reader's language, or to the admin for the desk.
    allowed = (f"{PORTAL}/{lang}/", f"{PORTAL}/admin/") if case.desk else (f"{PORTAL}/{lang}/",)
    for link in links + html_links(html):
        assert link.startswith(allowed), link
    if case.link is not None:
        assert case.link[lang] in links
        assert f'href="{case.link[lang]}"' in html
    # The preferences link, and the unsubscribe link for the kinds one may turn off.
    preferences = f"{PORTAL}/{lang}/my/notifications/"
    assert preferences in links
    assert f'href="{preferences}"' in html
    unsubscribe = [link for link in links if link.startswith(f"{preferences}unsubscribe/")]
    if kind.service:
        assert unsubscribe == []
        assert "/unsubscribe/" not in html
        assert "List-Unsubscribe" not in message.extra_headers
    else:
        # One link (its signed token holds the second it was made: compare the sent one).
        [link] = unsubscribe
        assert rendered.unsubscribe_url.startswith(f"{preferences}unsubscribe/")
        assert f'href="{link}"' in html
        assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The HTML part: the shared layout, in the reader's language, styled inline.
    assert html.startswith("<!DOCTYPE html>")
    assert f'<html lang="{lang}">' in html
    assert html.count("<html") == 1
    assert f"<p>{GREETING[lang]}</p>" in html
    assert html.count(SIGN_OFF[lang]) == 1
    assert "class=" not in html
    assert "<style" not in html
    assert "{%" not in html and "{{" not in html and "{%" not in body and "{{" not in body


@pytest.mark.parametrize("code", sorted(BUILDERS))
def test_text_paragraphs_are_separated_by_one_blank_line(people, code):
    _case, row = written(people, code, "nl")

    text = render(row).text

    assert "\n\n\n" not in text, text
    assert not re.search(r"[ \t]+\n", text), "trailing spaces"


@pytest.mark.parametrize("code", sorted(BUILDERS))
def test_embedded_in_a_digest_without_greeting_layout_or_footer(people, code):
    case, row = written(people, code, "fr")

    rendered = render(row, embedded=True)

    assert rendered.subject == case.subject["fr"]
    assert case.sentence["fr"] in rendered.text
    assert GREETING["fr"] not in rendered.text
    assert SIGN_OFF["fr"] not in rendered.text
    assert "/my/notifications/" not in rendered.text
    assert "<html" not in rendered.html
    assert GREETING["fr"] not in rendered.html
    assert SIGN_OFF["fr"] not in rendered.html
    if case.link is not None:
        assert case.link["fr"] in rendered.text
        assert f'href="{case.link["fr"]}"' in rendered.html


@pytest.mark.parametrize("code", ["match_visit_planned", "visit_reminder"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_visit_time_in_the_readers_format_and_in_brussels_time(people, code, lang):
    _case, row = written(people, code, lang)

    message, html = sent_message(row)

    shown = VISIT_SHOWN[lang]  # "j F Y H:i" in both languages, 14:30 in Brussels
    assert shown in message.body
    assert shown in html
    assert "13:30" not in message.body  # not UTC
    assert "2030-03-05" not in message.body


@pytest.mark.parametrize("lang", LANGUAGES)
def test_withdrawal_gives_the_reason_from_the_list_in_the_readers_language(people, lang):
    _case, row = written(people, "match_withdrawn", lang)

    message, html = sent_message(row)

    label = {"nl": "Reden:", "fr": "Motif :"}[lang]
    with translation.override(lang):
        reason_label = str(reason("too_small"))
    assert f"\n\n{label} {reason_label}\n\n" in message.body
    assert f"<p>{label} {reason_label}</p>" in html


def test_the_desks_own_words_are_kept_in_the_text_and_escaped_in_the_html(people):
    _case, row = written(people, "application_incomplete", "nl")

    message, html = sent_message(row)

    assert f"\n\n{DESK_MESSAGE}\n\n" in message.body
    assert "Add the statutes &amp; the &quot;plan&quot;, please." in html
    assert DESK_MESSAGE not in html


def test_greeting_without_a_first_name(people):
    _case, row = written(people, "site_submitted", "fr")
    User.objects.filter(pk=row.recipient_id).update(first_name="")

    message, html = sent_message(row)

    with translation.override("fr"):
        hello = gettext("Hello,")  # "Bonjour," once the catalogue has it
    assert message.body.startswith(f"{hello}\n\n")
    assert f"<p>{hello}</p>" in html
    assert "Noor" not in message.body


def test_every_member_reads_the_message_in_their_own_language(people):
    """Two members of one owner: the same event, in each one's language."""
    colleague = member_of(people.owner.active_organisation, role=Role.OWNER)
    case = build_site_submitted(people)
    rows = []
    for user, lang in ((people.owner, "nl"), (colleague, "fr")):
        rows.append(
            Notification.objects.create(
                recipient=user,
                kind="site_submitted",
                language=lang,
                context=case.context,
                key=f"test-rendering:two:{user.pk}",
                queued_at=timezone.now(),
            )
        )
    mail.outbox.clear()

    for row in rows:
        assert send(row.pk) == "sent"

    assert [(m.to[0], m.subject) for m in mail.outbox] == [
        (people.owner.email, case.subject["nl"]),
        (colleague.email, case.subject["fr"]),
    ]


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_titles_with_quotes_and_ampersands_stay_as_written(people, lang):
    _case, row = written(people, "match_proposed", lang)
    from properties.models import Site

    Site.objects.update(title_nl="L'Atelier & Co", title_fr="L'Atelier & Co")

    message, html = sent_message(row)

    assert "L'Atelier & Co" in message.subject
    assert "&#x27;" not in message.subject and "&amp;" not in message.subject
    assert "L'Atelier & Co" in message.body
    assert (
        f"<title>{message.subject.replace('&', '&amp;').replace(chr(39), '&#x27;')}</title>" in html
    )
