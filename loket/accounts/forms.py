from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .enums import SELF_SERVICE_ROLES, Role
from .models import User


class SignupForm(forms.Form):
    """Extra fields on allauth's signup form: allauth calls `signup` once the user exists."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    role = forms.ChoiceField(
        label=_("I am"),
        choices=[(role.value, role.label) for role in SELF_SERVICE_ROLES],
        widget=forms.RadioSelect,
        help_text=_(
            "A project holder looks for space; an owner or manager offers a building or land."
        ),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language for e-mails"),
        choices=settings.LANGUAGES,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].initial = get_language()

    def fill_account(self, user: User) -> None:
        """Called by `AccountAdapter.save_user` before the first insert, so the account is
        whole from the start: a signup for the same address at that moment already finds
        the owner's language for its "account already exists" message."""
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.role = Role(self.cleaned_data["role"])
        user.preferred_language = self.cleaned_data["preferred_language"]

    def signup(self, request, user: User) -> None:
        """allauth's hook once the user is saved: nothing is left to do (`fill_account`)."""


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "preferred_language"]
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }
