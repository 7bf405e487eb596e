from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .forms import AccessibilityFeedbackForm
from .services import feedback_submit


def home_view(request):
    return render(request, "pages/home.html")


def how_it_works_view(request):
    return render(request, "pages/how_it_works.html")


def contact_view(request):
    return render(request, "pages/contact.html")


def privacy_view(request):
    return render(request, "pages/privacy.html")


def accessibility_view(request):
    form = AccessibilityFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        feedback_submit(feedback=form.save(commit=False), language=get_language())
        messages.success(request, _("Thank you. The desk has received your report."))
        return redirect("pages:accessibility")
    return render(request, "pages/accessibility.html", {"form": form})
