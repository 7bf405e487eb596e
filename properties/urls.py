"""Site URLs inside the language prefix: the public catalogue under /<lang>/sites/, the owner's
pages under /<lang>/my/sites/. Each view module owns its patterns."""

from django.urls import include, path

from .views import files, map, owner, public

app_name = "properties"
urlpatterns = [
    path("sites/", include(public.urlpatterns)),
    path("sites/", include(files.urlpatterns)),
    path("sites/", include(map.urlpatterns)),
    path("my/sites/", include(owner.urlpatterns)),
]
