from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.account_home_view, name="home"),
    path("edit/", views.profile_edit_view, name="edit"),
]
