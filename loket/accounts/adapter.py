import math
from uuid import uuid4

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.email_verification import (
    add_email_verification_sent_message,
)
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, transaction
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from loket.notifications.services import notify, notify_address

from .models import User
from .throttle import signin_failed, signin_forget, signin_wait

# Context values that hold links into the portal; they are rebuilt in the reader's language.
_LINK_KEYS = ("activate_url", "password_reset_url", "signup_url")


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        """allauth's e-mail fields have no length; the columns that keep an address (accounts,
        outbox) hold 254 characters, the most SMTP allows. A longer one is an error next to the
        field of the sign-up, reset and add-address forms, not a PostgreSQL error."""
        email = super().clean_email(email)
        MaxLengthValidator(User._meta.get_field("email").max_length)(email)
        return email

    def get_client_ip(self, request) -> str:
        """The visitor's own address, as `loket.middleware.ClientAddressMiddleware` found it
        behind our proxies: every allauth rate limit counts by it."""
        return getattr(request, "client_ip", None) or super().get_client_ip(request)

    def pre_authenticate(self, request, **credentials) -> None:
        """Refuse, before the password is checked, an account that had too many wrong
        passwords from this address (`.throttle`); then allauth's per-address limit."""
        wait = signin_wait(login=_login_of(credentials), address=self.get_client_ip(request))
        if wait:
            raise _throttled(wait)
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as error:
            raise _throttled(None) from error

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            signin_forget(login=_login_of(credentials), address=self.get_client_ip(request))
        return user

    def authentication_failed(self, request, **credentials) -> None:
        signin_failed(login=_login_of(credentials), address=self.get_client_ip(request))

    def _delete_login_attempts_cached_email(self, request, **credentials) -> None:
        """allauth's hook after a successful password reset: the reset proves the owner."""
        super()._delete_login_attempts_cached_email(request, **credentials)
        signin_forget(login=_login_of(credentials), address=self.get_client_ip(request))

    def _owner(self, email: str) -> User | None:
        return (
            User.objects.filter(email__iexact=email)
            .only("pk", "email", "first_name", "preferred_language")
            .first()
        )

    def language_for(self, email: str) -> str:
        user = self._owner(email)
        return _language_of(user)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Every account e-mail goes through the outbox, in the recipient's language.

        allauth's templates are rendered now, while the request (and its secret: a
        confirmation or reset link) is at hand, with `embedded` set: the HTML templates extend
        the outbox's layout, which then gives only the message's own content, and the text
        leaves out greeting and sign-off. The outbox adds those when it sends, as for every
        other message (templates/notifications/email/account_*), so nothing is doubled. The row
        is private: the admin shows no preview and the parts are wiped once sent.
        """
        user = self._owner(email)
        language = _language_of(user)
        context = dict(context)
        for key in _LINK_KEYS:
            if context.get(key):
                # Resolved in the language the link was built in, before switching.
                context[key] = translate_url(context[key], language)
        request = allauth_context.request
        with translation.override(language):
            ctx = {
                "request": request,
                "email": email,
                "current_site": get_current_site(request),
                "recipient": user,
                "portal_url": settings.PORTAL_URL + reverse("pages:home"),
                "embedded": True,
                **context,
            }
            message = self.render_mail(template_prefix, email, ctx)
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", ())
                if mimetype == "text/html"
            ),
            "",
        )
        parts = {"subject": message.subject, "text": message.body, "html": html}
        key = f"account:{template_prefix}:{uuid4()}"
        if user is not None:
            notify(recipient=user, kind="account", context=parts, key=key, email=email)
        else:
            notify_address(email=email, language=language, kind="account", context=parts, key=key)

    def save_user(self, request, user, form, commit=True):
        """Inserts the new account whole (the signup form's fields included), in a savepoint.

        Two signups for the same new address at once both pass allauth's "is it taken?" check;
        the database's unique address (`user_email_ci_unique`) then refuses the second insert.
        That visitor gets the answer for a taken address instead of a server error.
        """
        fill = getattr(form, "fill_account", None)
        if fill is not None:
            fill(user)
        if not commit:
            return super().save_user(request, user, form, commit=False)
        try:
            with transaction.atomic():
                return super().save_user(request, user, form, commit=True)
        except IntegrityError:
            email = form.cleaned_data.get("email") or ""
            if not email or not User.objects.filter(email__iexact=email).exists():
                raise
        raise ImmediateHttpResponse(self._respond_address_taken(request, email))

    def _respond_address_taken(self, request, email: str):
        """What allauth answers a signup with a taken address (`prevent_enumeration`): the
        owner of the address is told by e-mail, the visitor sees "verification sent".

        Built here rather than through allauth's flow, which first spends the address's e-mail
        rate limit: the winning signup has not sent its confirmation yet, so the new account
        would lose its link to the loser's "already exists" message.
        """
        self.send_account_already_exists_mail(email)
        add_email_verification_sent_message(request, email, signup=True)
        return self.respond_email_verification_sent(request, None)


def _language_of(user: User | None) -> str:
    if user is not None:
        return user.preferred_language or settings.LANGUAGE_CODE
    return translation.get_language() or settings.LANGUAGE_CODE


def _login_of(credentials: dict) -> str:
    return credentials.get("email") or credentials.get("username") or ""


def _throttled(wait: int | None) -> ValidationError:
    """The refusal, with the way out that needs no waiting: a new password."""
    values = {"reset_url": escape(reverse("account_reset_password"))}
    if wait is None:
        text = gettext(
            "Too many failed sign-ins from your connection. Please wait a few minutes before "
            'you try again, or <a href="%(reset_url)s">reset your password</a>.'
        )
    else:
        values["minutes"] = math.ceil(wait / 60)
        text = ngettext(
            "Too many wrong passwords for this account from your connection. Please wait "
            '%(minutes)s minute before you try again, or <a href="%(reset_url)s">reset your '
            "password</a>.",
            "Too many wrong passwords for this account from your connection. Please wait "
            '%(minutes)s minutes before you try again, or <a href="%(reset_url)s">reset your '
            "password</a>.",
            values["minutes"],
        )
    # The text is ours and the only value from outside is escaped, so the link may render.
    return ValidationError(mark_safe(text % values), code="too_many_login_attempts")  # noqa: S308
