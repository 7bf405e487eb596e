from django.urls import include, path

from . import api

app_name = "api"
urlpatterns = [path("", include(api.urlpatterns))]
