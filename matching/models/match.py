from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.workflow import Side, Transition, state_field

from ..enums import OPEN_STATES, MatchState, VisitState


class Match(models.Model):
    """A caseworker's pairing of an application with a site (and some of its units).

    Lifecycle: suggested → shortlisted → proposed to the owner → owner accepted (or declined)
    → proposed to the holder → holder accepted (or declined) → visit planned → visit done →
    agreed → agreement being drafted → signed, which creates the Occupation. Any side may
    withdraw before it is signed. Only `matching.domain.match_transition` changes `state`;
    each change writes a MatchTransition.
    """

    application = models.ForeignKey(
        "projects.Application",
        on_delete=models.PROTECT,
        related_name="matches",
        verbose_name=_("application"),
    )
    site = models.ForeignKey(
        "properties.Site", on_delete=models.PROTECT, related_name="matches", verbose_name=_("site")
    )
    units = models.ManyToManyField(
        "properties.Unit", blank=True, related_name="matches", verbose_name=_("units")
    )
    state = models.CharField(
        _("state"), max_length=20, choices=MatchState.choices, default=MatchState.SUGGESTED
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("caseworker"),
        limit_choices_to={"is_staff": True},
    )
    score = models.PositiveSmallIntegerField(_("score when created"), null=True, blank=True)
    explanation = models.JSONField(_("explanation when created"), default=list, blank=True)
    message = models.TextField(
        _("message from the desk"),
        blank=True,
        help_text=_("Shown to the owner and the holder with the proposal."),
    )
    decline_reason = models.ForeignKey(
        "reference.DeclineReason",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("reason"),
    )
    decline_text = models.TextField(_("explanation"), blank=True)
    ended_by = models.CharField(_("ended by"), max_length=10, choices=Side.choices, blank=True)
    proposed_to_owner_at = models.DateTimeField(_("proposed to the owner"), null=True, blank=True)
    proposed_to_holder_at = models.DateTimeField(_("proposed to the holder"), null=True, blank=True)
    holder_consented_at = models.DateTimeField(
        _("holder agreed to share the file"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            # One live match per pair: the desk cannot propose the same site twice at once.
            models.UniqueConstraint(
                fields=["application", "site"],
                condition=Q(state__in=OPEN_STATES),
                name="match_one_open_per_pair",
            )
        ]
        indexes = [models.Index(fields=["state", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.application} ↔ {self.site}"


class MatchTransition(Transition):
    """One change of a match's state, with the reason from the list for a decline or a
    withdrawal. Written only by `match_transition` and `match_create`."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="transitions")
    from_state = state_field(_("from"), MatchState)
    to_state = state_field(_("to"), MatchState)
    decline_reason = models.ForeignKey(
        "reference.DeclineReason",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("decline reason"),
    )
    # The text that goes with the reason from the list.
    reason = models.TextField(_("explanation"), blank=True)


class VisitSlot(models.Model):
    """A time the desk or the owner offers for a visit. Lifecycle: proposed → confirmed (the
    holder, or the desk for them, picks it) or cancelled (another time was confirmed). Only
    `visit_slot_propose` and `visit_slot_confirm` change `state`, through
    `loket.workflow.transition`; each change writes a VisitSlotTransition.
    """

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="visit_slots")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("meeting point"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=VisitState.choices, default=VisitState.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("offered by"),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    report = models.TextField(_("visit report"), blank=True)

    class Meta:
        verbose_name = _("visit slot")
        verbose_name_plural = _("visit slots")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="visit_slot_ends_after_start",
                violation_error_message=_("A visit must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class VisitSlotTransition(Transition):
    """One change of a visit slot's state. Written only by the visit-slot actions in
    `matching.domain.matches`."""

    slot = models.ForeignKey(VisitSlot, on_delete=models.CASCADE, related_name="transitions")
    from_state = state_field(_("from"), VisitState)
    to_state = state_field(_("to"), VisitState)

    class Meta(Transition.Meta):
        verbose_name = _("visit slot change")
        verbose_name_plural = _("visit slot changes")
