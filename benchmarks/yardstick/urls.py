from django.urls import path

from . import views

urlpatterns = [
    path("nl/", views.home, name="home"),
    path("nl/sites/", views.catalogue, name="catalogue"),
    path("nl/sites/map.json", views.site_map, name="map"),
    path("nl/sites/<str:reference>/", views.detail, name="detail"),
]
