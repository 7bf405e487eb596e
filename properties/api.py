"""Open data: published public sites as GeoJSON and CSV."""

urlpatterns: list = []
