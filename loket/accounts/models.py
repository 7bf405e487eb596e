from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .enums import Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", Role.CASEWORKER)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person. They sign in by e-mail and act for one organisation at a time.

    The role decides which parts of the portal they use. Holders and owners choose theirs at
    signup; caseworkers, analysts and commune contacts are named by the desk in the admin, through
    `loket.accounts.services.user_set_role`, which also sets `is_staff` from the role.
    """

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.HOLDER)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the e-mails Loket sends you."),
    )
    communes = models.ManyToManyField(
        "communes.Commune",
        blank=True,
        related_name="contacts",
        verbose_name=_("communes followed"),
        help_text=_("For commune contacts: the communes whose territory they follow."),
    )
    active_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("acting for"),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email
