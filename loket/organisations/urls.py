from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("new/", views.organisation_create_view, name="create"),
    path("switch/", views.organisation_switch_view, name="switch"),
    path("<int:pk>/", views.organisation_detail_view, name="detail"),
    path("<int:pk>/edit/", views.organisation_edit_view, name="edit"),
]
