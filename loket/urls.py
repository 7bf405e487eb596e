from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

# The admin's login page is allauth's, so caseworkers go through the same rate limits and
# two-factor step as everyone else.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Loket – desk administration")
admin.site.site_title = _("Loket admin")
admin.site.index_title = _("Temporary-use desk")

urlpatterns = [
    path("", views.root_view, name="root"),
    path("healthz", views.healthz_view, name="healthz"),
    path("i18n/choose/", views.language_choose_view, name="language_choose"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("properties.urls_api")),
]

urlpatterns += i18n_patterns(
    path("", include("loket.pages.urls")),
    path("accounts/profile/", include("loket.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("organisations/", include("loket.organisations.urls")),
    path("", include("properties.urls")),
    path("", include("projects.urls")),
    path("my/searches/", include("projects.views.searches")),
    path("my/proposals/", include("matching.urls")),
    path("my/notifications/", include("loket.notifications.urls")),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
