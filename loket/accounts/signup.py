"""allauth's signup form, with the same work whether the address is new or taken.

A new address costs a password hash (`set_password`, a few hundred milliseconds by design); a
taken one used to cost nothing, so the answer time told who has an account although the answer
itself is the same. The taken path now hashes the submitted password once too, as Django's
`ModelBackend` does for an unknown user. Both paths already write one outbox row (the
confirmation or the "account already exists" message), sent after the commit by Celery.

This lives apart from `.forms`: allauth builds its form on top of `.forms.SignupForm`
(ACCOUNT_SIGNUP_FORM_CLASS), so `.forms` cannot import allauth's form in turn.
"""

from allauth.account.forms import SignupForm

from .models import User


class AccountSignupForm(SignupForm):
    def try_save(self, request):
        if self.account_already_exists:
            User().set_password(self.cleaned_data["password1"])
        return super().try_save(request)
