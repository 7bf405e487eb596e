from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext as _

from loket.organisations.selectors import memberships_of
from loket.pagination import paginate

from .forms import ProfileForm


@login_required
def account_home_view(request):
    page = paginate(request, memberships_of(request.user))
    return render(
        request,
        "accounts/home.html",
        {"memberships": page.object_list, "page": page},
    )


@login_required
def profile_edit_view(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        with translation.override(user.preferred_language):
            messages.success(request, _("Your profile is saved."))
        # Carry on in the language just chosen.
        return redirect(translate_url(reverse("accounts:home"), user.preferred_language))
    return render(request, "accounts/profile_form.html", {"form": form})
