from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from loket import throttle
from loket.pagecache import same_for_every_visitor

from .forms import AccessibilityFeedbackForm
from .services import feedback_submit

# Enough for anyone who meets several barriers in one visit; a script that floods the desk's
# mailbox is stopped after a handful.
FEEDBACK_LIMIT = 5
FEEDBACK_WINDOW = 60 * 60


@same_for_every_visitor
def home_view(request):
    return render(request, "pages/home.html")


@same_for_every_visitor
def how_it_works_view(request):
    return render(request, "pages/how_it_works.html")


@same_for_every_visitor
def contact_view(request):
    return render(request, "pages/contact.html")


@same_for_every_visitor
def privacy_view(request):
    return render(request, "pages/privacy.html")


def accessibility_view(request):
    form = AccessibilityFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if throttle.consume(
            request, action="accessibility-feedback", limit=FEEDBACK_LIMIT, window=FEEDBACK_WINDOW
        ):
            feedback_submit(feedback=form.save(commit=False), language=get_language())
            messages.success(request, _("Thank you. The desk has received your report."))
            return redirect("pages:accessibility")
        form.add_error(
            None,
            _(
                "You have already sent several reports in the last hour. Please try again "
                "later, or write to the desk directly at the address above."
            ),
        )
        return render(request, "pages/accessibility.html", {"form": form}, status=429)
    return render(request, "pages/accessibility.html", {"form": form})
