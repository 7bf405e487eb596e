from allauth.account.adapter import DefaultAccountAdapter
from django.urls import translate_url
from django.utils import translation

from .models import User

# Context values that hold links into the portal; they are rebuilt in the reader's language.
_LINK_KEYS = ("activate_url", "password_reset_url", "signup_url")


class AccountAdapter(DefaultAccountAdapter):
    def language_for(self, email: str) -> str:
        user = User.objects.filter(email__iexact=email).only("preferred_language").first()
        return user.preferred_language if user else translation.get_language()

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Every account e-mail goes out in the recipient's language, links included."""
        language = self.language_for(email)
        context = dict(context)
        for key in _LINK_KEYS:
            if context.get(key):
                # Resolved in the language the link was built in, before switching.
                context[key] = translate_url(context[key], language)
        with translation.override(language):
            super().send_mail(template_prefix, email, context)
