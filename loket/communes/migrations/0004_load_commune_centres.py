"""Approximate centres of the 19 communes (WGS84), for the map and the offline geocoder."""

from decimal import Decimal

from django.db import migrations

CENTRES = {
    "21001": ("50.836900", "4.307300"),
    "21002": ("50.815600", "4.427000"),
    "21003": ("50.864700", "4.291900"),
    "21004": ("50.846700", "4.352500"),
    "21005": ("50.833600", "4.389000"),
    "21006": ("50.871000", "4.403000"),
    "21007": ("50.810000", "4.324000"),
    "21008": ("50.871000", "4.309000"),
    "21009": ("50.827000", "4.372000"),
    "21010": ("50.877000", "4.326000"),
    "21011": ("50.862000", "4.329000"),
    "21012": ("50.855000", "4.323000"),
    "21013": ("50.827000", "4.345000"),
    "21014": ("50.853000", "4.373000"),
    "21015": ("50.867000", "4.377000"),
    "21016": ("50.802000", "4.337000"),
    "21017": ("50.799000", "4.416000"),
    "21018": ("50.843000", "4.428000"),
    "21019": ("50.829000", "4.440000"),
}


def load(apps, schema_editor):
    Commune = apps.get_model("communes", "Commune")
    for nis, (lat, lon) in CENTRES.items():
        Commune.objects.filter(pk=nis).update(latitude=Decimal(lat), longitude=Decimal(lon))


class Migration(migrations.Migration):
    dependencies = [("communes", "0003_commune_centre")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
