from django.urls import path

from . import views

app_name = "pages"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("how-it-works/", views.how_it_works_view, name="how_it_works"),
    path("contact/", views.contact_view, name="contact"),
    path("privacy/", views.privacy_view, name="privacy"),
    path("accessibility/", views.accessibility_view, name="accessibility"),
]
