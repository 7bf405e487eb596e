"""The 19 communes of the Brussels-Capital Region (brief, section 2). The data is frozen here on
purpose: a later correction is a new migration, not an edit of this one."""

from django.db import migrations

# NIS code, NL name, FR name, EN name, postcodes.
COMMUNES = [
    ("21001", "Anderlecht", "Anderlecht", "Anderlecht", ["1070"]),
    ("21002", "Oudergem", "Auderghem", "Auderghem", ["1160"]),
    ("21003", "Sint-Agatha-Berchem", "Berchem-Sainte-Agathe", "Berchem-Sainte-Agathe", ["1082"]),
    (
        "21004",
        "Brussel",
        "Bruxelles",
        "City of Brussels",
        ["1000", "1020", "1040", "1050", "1120", "1130"],
    ),
    ("21005", "Etterbeek", "Etterbeek", "Etterbeek", ["1040"]),
    ("21006", "Evere", "Evere", "Evere", ["1140"]),
    ("21007", "Vorst", "Forest", "Forest", ["1190"]),
    ("21008", "Ganshoren", "Ganshoren", "Ganshoren", ["1083"]),
    ("21009", "Elsene", "Ixelles", "Ixelles", ["1050"]),
    ("21010", "Jette", "Jette", "Jette", ["1090"]),
    ("21011", "Koekelberg", "Koekelberg", "Koekelberg", ["1081"]),
    ("21012", "Sint-Jans-Molenbeek", "Molenbeek-Saint-Jean", "Molenbeek-Saint-Jean", ["1080"]),
    ("21013", "Sint-Gillis", "Saint-Gilles", "Saint-Gilles", ["1060"]),
    ("21014", "Sint-Joost-ten-Node", "Saint-Josse-ten-Noode", "Saint-Josse-ten-Noode", ["1210"]),
    ("21015", "Schaarbeek", "Schaerbeek", "Schaerbeek", ["1030"]),
    ("21016", "Ukkel", "Uccle", "Uccle", ["1180"]),
    ("21017", "Watermaal-Bosvoorde", "Watermael-Boitsfort", "Watermael-Boitsfort", ["1170"]),
    ("21018", "Sint-Lambrechts-Woluwe", "Woluwe-Saint-Lambert", "Woluwe-Saint-Lambert", ["1200"]),
    ("21019", "Sint-Pieters-Woluwe", "Woluwe-Saint-Pierre", "Woluwe-Saint-Pierre", ["1150"]),
]


def load(apps, schema_editor):
    Commune = apps.get_model("communes", "Commune")
    for nis, nl, fr, en, postcodes in COMMUNES:
        Commune.objects.update_or_create(
            nis_code=nis,
            defaults={
                "name": nl,
                "name_nl": nl,
                "name_fr": fr,
                "name_en": en,
                "postcodes": postcodes,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("communes", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
