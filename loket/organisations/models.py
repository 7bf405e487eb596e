from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import LegalForm, MemberRole
from .validators import format_enterprise_number


class Organisation(models.Model):
    """Who a person acts for: an association, a company, a commune, a private person.

    Created by a member through `services.organisation_create`, who becomes its administrator.
    The enterprise number is stored as 10 digits and is unique when given; de facto associations
    and private individuals have none.
    """

    name = models.CharField(_("name"), max_length=200)
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices)
    enterprise_number = models.CharField(
        _("enterprise number (BCE/KBO)"), max_length=10, blank=True, default=""
    )
    street = models.CharField(_("street"), max_length=200, blank=True)
    number = models.CharField(_("number"), max_length=20, blank=True)
    box = models.CharField(_("box"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="organisations",
        verbose_name=_("members"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise_number"],
                condition=~Q(enterprise_number=""),
                name="organisation_enterprise_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def enterprise_number_display(self) -> str:
        return format_enterprise_number(self.enterprise_number)

    @property
    def address(self) -> str:
        street = " ".join(part for part in (self.street, self.number) if part)
        if self.box:
            street = f"{street} {_('box')} {self.box}"
        town = " ".join(part for part in (self.postcode, self.city) if part)
        return ", ".join(part for part in (street, town) if part)


class MembershipQuerySet(models.QuerySet):
    def current(self):
        """Memberships that give access now: not deactivated, and of an account still active.
        Every permission check goes through this, so a removed or deactivated member loses
        access on their next request."""
        return self.filter(is_active=True, user__is_active=True)


class Membership(models.Model):
    """A person's seat in an organisation. Deleting the row removes the member; switching
    `is_active` off suspends them and keeps the record of who was a member."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(
        _("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Switch off to take away this person's access to the organisation."),
    )
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation}"
