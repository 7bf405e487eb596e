from django.urls import include, path

from .views import holder

app_name = "projects"

urlpatterns = [
    path("my/applications/", include(holder.urlpatterns)),
]
