from uuid import uuid4

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse, translate_url
from django.utils import translation

from .models import User

# Context values that hold links into the portal; they are rebuilt in the reader's language.
_LINK_KEYS = ("activate_url", "password_reset_url", "signup_url")


class AccountAdapter(DefaultAccountAdapter):
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
        from loket.notifications.services import notify, notify_address

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


def _language_of(user: User | None) -> str:
    if user is not None:
        return user.preferred_language or settings.LANGUAGE_CODE
    return translation.get_language() or settings.LANGUAGE_CODE
