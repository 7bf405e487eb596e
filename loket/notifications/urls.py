from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.preferences_view, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path(
        "unsubscribe/<str:token>/new-link/",
        views.unsubscribe_renew_view,
        name="unsubscribe_renew",
    ),
]
