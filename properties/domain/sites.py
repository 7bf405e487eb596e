"""Business actions on sites. Views, admin actions and tasks call these; none sets `state`."""

import secrets
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.accounts.access import has_desk_powers
from loket.accounts.models import User
from loket.limits import DOUBLE_SUBMIT_WINDOW
from loket.organisations.models import Organisation
from loket.workflow import Side, Workflow, transition

from ..enums import (
    EDITABLE_STATES,
    FINAL_STATES,
    VISIBLE_STATES,
    Publication,
    SiteState,
)
from ..files import process_photo
from ..models import Site, SiteDocument, SitePhoto, SiteTransition, Unit
from ..models.media import MAX_DOCUMENTS, MAX_PHOTOS
from ..models.unit import MAX_UNITS
from ..pricing import estimated_monthly_cost
from ..signals import site_changed, site_published
from .errors import SiteConflict, SiteError, SiteIncomplete

S = SiteState
OWNER, DESK = Side.OWNER, Side.DESK

# (from, to) -> who may make the move.
ALLOWED = {
    (S.DRAFT, S.SUBMITTED): {OWNER, DESK},
    (S.SUBMITTED, S.UNDER_REVIEW): {DESK},
    (S.SUBMITTED, S.DRAFT): {DESK},
    (S.UNDER_REVIEW, S.DRAFT): {DESK},
    (S.SUBMITTED, S.PUBLISHED): {DESK},
    (S.UNDER_REVIEW, S.PUBLISHED): {DESK},
    # Published again: switches the publication between public and desk-only.
    (S.PUBLISHED, S.PUBLISHED): {DESK},
    (S.PUBLISHED, S.PARTLY_OCCUPIED): {DESK},
    (S.PUBLISHED, S.FULLY_OCCUPIED): {DESK},
    (S.PARTLY_OCCUPIED, S.FULLY_OCCUPIED): {DESK},
    (S.PARTLY_OCCUPIED, S.PUBLISHED): {DESK},
    (S.FULLY_OCCUPIED, S.PARTLY_OCCUPIED): {DESK},
    (S.FULLY_OCCUPIED, S.PUBLISHED): {DESK},
    (S.PUBLISHED, S.SUSPENDED): {DESK},
    (S.PARTLY_OCCUPIED, S.SUSPENDED): {DESK},
    (S.SUSPENDED, S.PUBLISHED): {DESK},
    (S.PUBLISHED, S.RELEASED): {DESK},
    (S.PARTLY_OCCUPIED, S.RELEASED): {DESK},
    (S.FULLY_OCCUPIED, S.RELEASED): {DESK},
    (S.SUSPENDED, S.RELEASED): {DESK},
}
for _state in S:
    if _state not in FINAL_STATES:
        ALLOWED[(_state, S.WITHDRAWN)] = {OWNER, DESK}
        ALLOWED[(_state, S.CLOSED)] = {DESK}


def actor_sides(actor: User | None, site: Site) -> set[str]:
    """The side `actor` acts for: the desk, or the owner (the views check membership). A move
    with no actor (the bookings of an occupation whose caseworker is gone) is made for the
    desk."""
    if actor is None or has_desk_powers(actor):
        return {DESK}
    return {OWNER}


WORKFLOW = Workflow(
    model=Site,
    states=SiteState,
    allowed=ALLOWED,
    history=SiteTransition,
    history_fk="site",
    sides=actor_sides,
    error=SiteError,
    conflict=SiteConflict,
    refusal=_("A site cannot go from “%(from)s” to “%(to)s”."),
    notify="properties.notifications.notify_transition",
)


def allowed_targets(site: Site, actor: User | None) -> list[str]:
    return WORKFLOW.allowed_targets(site, actor)


@transaction.atomic
def site_transition(
    *,
    site: Site,
    to_state: str,
    actor: User | None,
    reason: str = "",
    data: dict | None = None,
    **fields,
) -> Site:
    """The one way to change a site's state: `loket.workflow.transition` checks the move,
    swaps the state (the loser of two concurrent callers gets SiteConflict), saves `fields`
    with it, records a SiteTransition and writes its messages to the outbox."""
    now = timezone.now()
    if to_state == S.SUBMITTED:
        fields.setdefault("submitted_at", now)
    if to_state == S.PUBLISHED and not site.published_at:
        fields.setdefault("published_at", now)
    transition(
        WORKFLOW,
        record=site,
        to_state=to_state,
        actor=actor,
        reason=reason,
        data=data,
        fields=fields,
    )
    site_changed.send(sender=Site, site=site)
    if to_state == S.PUBLISHED and site.publication == Publication.PUBLIC:
        # Holders' saved searches that this site fits are recorded once the publication holds.
        site_published.send(sender=Site, site=site)
    return site


@transaction.atomic
def site_create(*, actor: User, owner: Organisation, **fields) -> Site:
    """A new draft, for `owner`. Caseworkers may create one on an owner's behalf.

    A blank draft asked for again by the same person within DOUBLE_SUBMIT_WINDOW, while the
    first is still blank, is that first one: a double click opens one draft, not two. The
    actor's row is locked first, so two such requests at once queue.
    """
    if not fields:
        User.objects.select_for_update().only("pk").get(pk=actor.pk)
        blank = (
            Site.objects.filter(
                owner=owner,
                created_by=actor,
                state=S.DRAFT,
                photos__isnull=True,
                documents__isnull=True,
                created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
                street="",
                units__isnull=True,
            )
            .exclude(_has_a_title())
            .order_by("-created_at")
            .first()
        )
        if blank is not None:
            return blank
    site = Site.objects.create(owner=owner, created_by=actor, **fields)
    site.reference = f"S-{site.created_at:%Y}-{site.pk:05d}"
    site.save(update_fields=["reference"])
    return site


def _has_a_title() -> Q:
    """A title in any language (modeltranslation leaves the others empty or NULL)."""
    titled = Q()
    for code, _name in settings.LANGUAGES:
        titled |= Q(**{f"title_{code}__gt": ""})
    return titled


def site_refresh_figures(*, site: Site) -> Site:
    """Recompute the total surface and the estimated monthly cost after units or terms change."""
    total = site.units.aggregate(total=Sum("surface_m2"))["total"] or 0
    site.total_surface_m2 = total
    site.estimated_monthly_cost = estimated_monthly_cost(
        model_code=site.economic_model.code if site.economic_model_id else None,
        fee=site.fee_amount,
        surface_m2=site.total_surface_m2,
        charges=site.charges_monthly,
    )
    Site.objects.filter(pk=site.pk).update(
        total_surface_m2=site.total_surface_m2,
        estimated_monthly_cost=site.estimated_monthly_cost,
    )
    site_changed.send(sender=Site, site=site)
    return site


REQUIRED_FOR_SUBMIT = {
    "street": _("Give the street."),
    "postcode": _("Give the postcode."),
    "commune": _("Choose the commune."),
    "kind": _("Say whether it is a building, land or both."),
    "condition": _("Describe the condition."),
    "available_from": _("Say from when the site is available."),
    "economic_model": _("Choose the economic model."),
}


FOREIGN_KEYS = ("commune", "kind", "condition", "economic_model")


def submission_errors(site: Site) -> dict[str, list]:
    """The strict checks that a draft skips. Returns field name -> messages."""
    errors: dict[str, list] = {}
    for field, message in REQUIRED_FOR_SUBMIT.items():
        attribute = f"{field}_id" if field in FOREIGN_KEYS else field
        if not getattr(site, attribute):
            errors.setdefault(field, []).append(message)
    if not (site.title_nl or site.title_fr):
        errors.setdefault("title", []).append(_("Give a title in Dutch or in French."))
    if not (site.description_nl or site.description_fr):
        errors.setdefault("description", []).append(_("Give a description in Dutch or in French."))
    if site.commune_id and site.postcode and not site.commune.accepts_postcode(site.postcode):
        errors.setdefault("postcode", []).append(
            _("Postcode %(postcode)s is not in %(commune)s.")
            % {"postcode": site.postcode, "commune": site.commune.name}
        )
    if site.latitude is None or site.longitude is None:
        errors.setdefault("latitude", []).append(_("Place the site on the map."))
    if not site.units.exists():
        errors.setdefault("units", []).append(_("Add at least one unit with its surface."))
    if (
        site.economic_model_id
        and site.economic_model.code in ("fee_per_m2", "fee_per_person", "all_in")
        and site.fee_amount is None
    ):
        errors.setdefault("fee_amount", []).append(_("Give the fee for this economic model."))
    return errors


@transaction.atomic
def site_submit(*, site: Site, actor: User) -> Site:
    """Send a complete draft to the desk for review."""
    site = Site.objects.select_for_update().get(pk=site.pk)
    if site.state != S.DRAFT:
        raise SiteConflict()
    errors = submission_errors(site)
    if errors:
        raise SiteIncomplete(errors)
    site_refresh_figures(site=site)
    return site_transition(site=site, to_state=S.SUBMITTED, actor=actor, desk_message="")


@transaction.atomic
def site_photo_add(*, site: Site, uploaded, caption: str = "") -> SitePhoto:
    """Check, re-encode and store one photo; refuses the 21st."""
    site = Site.objects.select_for_update().get(pk=site.pk)
    if site.photos.count() >= MAX_PHOTOS:
        raise SiteError(_("A site has at most 20 photos. Remove one before adding another."))
    image, thumbnail, width, height = process_photo(uploaded)
    return SitePhoto.objects.create(
        site=site,
        image=image,
        thumbnail=thumbnail,
        width=width,
        height=height,
        caption=caption,
        position=site.photos.count(),
    )


def is_public(site: Site) -> bool:
    return site.state in VISIBLE_STATES and site.publication == Publication.PUBLIC


# Fields that only the desk's workflow or the figures above write; never an owner's form.
PROTECTED_FIELDS = frozenset(
    {
        "owner",
        "reference",
        "state",
        "publication",
        "desk_message",
        "closed_reason",
        "reviewer",
        "created_by",
        "created_at",
        "submitted_at",
        "published_at",
        "total_surface_m2",
        "estimated_monthly_cost",
    }
)


def read_only_message(state: str) -> str:
    return _("This site is “%(state)s”: its details can no longer be changed here.") % {
        "state": S(state).label
    }


def _lock_editable(site_pk: int) -> None:
    """Inside a transaction: lock the site's row, and refuse if it can no longer be changed
    here (a caseworker may have moved it on since the page was read)."""
    state = Site.objects.select_for_update().values_list("state", flat=True).get(pk=site_pk)
    if state not in EDITABLE_STATES:
        raise SiteError(read_only_message(state))


@transaction.atomic
def site_update(
    *, site: Site, fields: list[str], relations: dict[str, Iterable] | None = None
) -> Site:
    """Save edits to a site's content while it is still editable (draft, submitted, under
    review). Only `fields` are written, so a state change a caseworker made meanwhile is never
    overwritten by a stale copy; `relations` sets the chosen rows of many-to-many fields
    (allowed activities). Workflow fields are refused outright."""
    relations = relations or {}
    forbidden = PROTECTED_FIELDS.intersection([*fields, *relations])
    if forbidden:
        raise ValueError(f"site_update cannot write {sorted(forbidden)}")
    for name in relations:
        if not Site._meta.get_field(name).many_to_many:
            raise ValueError(f"{name} is not a many-to-many field")
    _lock_editable(site.pk)
    site.save(update_fields=[*fields, "updated_at"])
    for name, rows in relations.items():
        getattr(site, name).set(rows)
    return site


@transaction.atomic
def site_units_update(*, site: Site, saved: Iterable[Unit], deleted: Iterable[Unit]) -> Site:
    """Save edits to a site's units while it is still editable. `saved` are the changed and
    the new units, not yet stored (as the units formset builds them); `deleted` are removed.
    New units go after the existing ones, in their order. The total surface and the estimated
    cost are refreshed in the same transaction (which tells matching, through site_changed).
    Two tabs adding units at once queue on the site's row, so MAX_UNITS holds."""
    saved, deleted = list(saved), list(deleted)
    if any(unit.site_id != site.pk for unit in (*saved, *deleted)):
        raise ValueError("site_units_update got a unit of another site")
    _lock_editable(site.pk)
    site.save(update_fields=["updated_at"])
    next_position = site.units.count()
    for unit in deleted:
        unit.delete()
    new_units = [unit for unit in saved if unit.pk is None]
    for position, unit in enumerate(new_units, start=next_position):
        unit.position = position
    for unit in saved:
        unit.save()
    if site.units.count() > MAX_UNITS:
        raise SiteError(
            _("A site has at most %(num)d units. Remove one before adding another.")
            % {"num": MAX_UNITS}
        )
    return site_refresh_figures(site=site)


def _delete_files_on_commit(*files) -> None:
    """Remove stored files once the row is gone for good; a rollback keeps them."""
    for file in files:
        if file:
            storage, name = file.storage, file.name
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))


@transaction.atomic
def site_photo_delete(*, photo: SitePhoto) -> None:
    """Remove a photo while its site is still editable, and its files once the removal is
    committed."""
    _lock_editable(photo.site_id)
    _delete_files_on_commit(photo.image, photo.thumbnail)
    photo.delete()


@transaction.atomic
def site_document_add(*, site: Site, title: str, uploaded, is_public: bool) -> SiteDocument:
    """Store a PDF (already checked by `properties.files.validate_pdf`) under a random name, so
    the owner's file name never reaches a URL or the disk. Refuses the 21st."""
    site = Site.objects.select_for_update().get(pk=site.pk)
    if site.documents.count() >= MAX_DOCUMENTS:
        raise SiteError(_("A site has at most 20 documents. Remove one before adding another."))
    uploaded.name = f"{secrets.token_hex(8)}.pdf"
    return SiteDocument.objects.create(site=site, title=title, file=uploaded, is_public=is_public)


@transaction.atomic
def site_document_delete(*, document: SiteDocument) -> None:
    """Remove a document while its site is still editable, and its file once the removal is
    committed."""
    _lock_editable(document.site_id)
    _delete_files_on_commit(document.file)
    document.delete()
