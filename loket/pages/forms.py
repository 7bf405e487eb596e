from django import forms
from django.utils.translation import gettext_lazy as _

from loket.limits import cap_form

from .models import AccessibilityFeedback


class AccessibilityFeedbackForm(forms.ModelForm):
    class Meta:
        model = AccessibilityFeedback
        fields = ["page_url", "message", "name", "email"]
        labels = {
            "page_url": _("Page or address where you met the problem (optional)"),
            "message": _("What went wrong?"),
            "name": _("Your name (optional)"),
            "email": _("Your e-mail address (optional, so that we can answer)"),
        }
        widgets = {
            "message": forms.Textarea(attrs={"rows": 6}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cap_form(self)
