"""owner views for sites. URL patterns live at the bottom of this module."""

urlpatterns: list = []
