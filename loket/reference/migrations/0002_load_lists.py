"""The brief's reference lists (section 2), in NL, FR and EN. Frozen here on purpose: a later
change is a new migration."""

from django.db import migrations

# model name -> [(code, NL, FR, EN, extra fields)]
LISTS = {
    "ActivityType": [
        ("cultural", "Cultureel of feestelijk", "Culturel ou festif", "Cultural or festive", {}),
        ("studios", "Ateliers en creatie", "Ateliers d'artistes et création", "Artists' studios and creation", {}),
        ("social", "Sociaal en buurtgericht", "Social et communautaire", "Social and community", {}),
        ("education", "Onderwijs en jeugd", "Éducation et jeunesse", "Education and youth", {}),
        ("crafts", "Ambacht, maken en productie", "Artisanat, fabrication et production", "Crafts, making and production", {}),
        ("economic", "Economisch, start-up of winkel", "Économique, start-up ou commerce", "Economic, start-up or shop", {}),
        ("sport", "Sport en vrije tijd", "Sport et loisirs", "Sport and leisure", {}),
        ("agriculture", "Stadslandbouw en natuur", "Agriculture urbaine et nature", "Urban agriculture and nature", {}),
        ("transit_housing", "Transitwonen", "Logement de transit", "Transit housing", {}),
        ("shelter", "Humanitaire of noodopvang", "Accueil humanitaire ou d'urgence", "Humanitarian or emergency shelter", {}),
        ("circular", "Circulaire economie of opslag", "Économie circulaire ou stockage", "Circular economy or storage", {}),
        ("other", "Andere", "Autre", "Other", {}),
    ],
    "SiteKind": [
        ("building", "Gebouw", "Bâtiment", "Building", {}),
        ("land", "Terrein", "Terrain", "Land", {}),
        ("both", "Gebouw en terrein", "Bâtiment et terrain", "Building and land", {}),
    ],
    "UnitKind": [
        ("office", "Kantoor", "Bureau", "Office", {}),
        ("workshop", "Werkplaats", "Atelier", "Workshop", {}),
        ("hall", "Hal", "Hall", "Hall", {}),
        ("shop", "Winkel", "Commerce", "Shop", {}),
        ("open_land", "Open terrein", "Terrain ouvert", "Open land", {}),
        ("dwelling", "Woning", "Logement", "Dwelling", {}),
        ("storage", "Opslag", "Stockage", "Storage", {}),
        ("other", "Andere", "Autre", "Other", {}),
    ],
    "Condition": [
        ("ready", "Klaar voor gebruik", "Prêt à l'emploi", "Ready to use", {}),
        ("small_works", "Bruikbaar na kleine werken", "Utilisable après de petits travaux", "Usable after small works", {}),
        ("heavy_works", "Zware werken nodig", "Gros travaux nécessaires", "Needs heavy works", {}),
        ("unsafe", "Onveilig", "Dangereux", "Unsafe", {}),
    ],
    "EconomicModel": [
        ("free", "Gratis", "Gratuit", "Free", {}),
        ("charges_only", "Enkel lasten", "Charges uniquement", "Charges only", {}),
        ("fee_per_m2", "Vergoeding per m² per maand", "Redevance par m² par mois", "Fee per m² per month", {}),
        ("fee_per_person", "Vergoeding per persoon per maand", "Redevance par personne par mois", "Fee per person per month", {}),
        ("all_in", "Maandelijkse all-in vergoeding", "Redevance mensuelle tout compris", "All-in monthly fee", {}),
        ("management", "Gratis in ruil voor beheer van de site", "Gratuit en échange de la gestion du site", "Free in exchange for management of the site", {}),
    ],
    "ContractType": [
        ("precarious", "Bezettingsovereenkomst ter bede", "Convention d'occupation précaire", "Precarious occupation agreement", {}),
        ("short_lease", "Korte huurovereenkomst", "Bail de courte durée", "Short lease", {}),
        ("loan_for_use", "Bruikleen", "Prêt à usage", "Loan for use", {}),
        ("concession", "Concessie van openbaar domein", "Concession domaniale", "Public-domain concession", {}),
        ("temporary_housing", "Overeenkomst tijdelijk wonen", "Convention d'habitat temporaire", "Temporary housing agreement", {}),
        ("other", "Andere", "Autre", "Other", {}),
    ],
    "PlanningRegime": [
        ("no_permit", "Geen vergunning nodig", "Pas de permis nécessaire", "No permit needed", {}),
        ("exempt_6_months", "Vrijstelling tot 6 maanden (sociaal/cultureel, uitzonderlijke nood, opvang)", "Dispense jusqu'à 6 mois (social/culturel, besoin exceptionnel, hébergement)", "Exemption up to 6 months (social/cultural, exceptional need, shelter)", {"notice_days": 60}),
        ("exempt_1_year", "Vrijstelling tot 1 jaar (opvang van asielzoekers)", "Dispense jusqu'à 1 an (accueil de demandeurs d'asile)", "Exemption up to 1 year (reception of asylum seekers)", {"notice_days": 60}),
        ("exempt_3_years", "Vrijstelling tot 3 jaar (elk gebruik)", "Dispense jusqu'à 3 ans (tout usage)", "Exemption up to 3 years (any use)", {"notice_days": 60}),
        ("limited_permit", "Vergunning van beperkte duur", "Permis à durée limitée", "Permit of limited duration", {}),
        ("ordinary_permit", "Gewone vergunning", "Permis ordinaire", "Ordinary permit", {}),
        ("unknown", "Onbekend", "Inconnu", "Unknown", {}),
    ],
    "DeclineReason": [
        ("too_small", "Te klein", "Trop petit", "Too small", {}),
        ("too_big", "Te groot", "Trop grand", "Too big", {}),
        ("too_expensive", "Te duur", "Trop cher", "Too expensive", {}),
        ("dates", "Data passen niet", "Les dates ne conviennent pas", "Dates do not fit", {}),
        ("activity_not_allowed", "Activiteit niet toegelaten", "Activité non autorisée", "Activity not allowed", {}),
        ("not_public", "Niet open voor publiek", "Pas ouvert au public", "Not open to the public", {}),
        ("not_accessible", "Niet toegankelijk", "Pas accessible", "Not accessible", {}),
        ("location", "Ligging", "Localisation", "Location", {}),
        ("owner_choice", "Keuze van de eigenaar", "Choix du propriétaire", "Owner's choice", {}),
        ("holder_choice", "Keuze van de projectdrager", "Choix du porteur de projet", "Holder's choice", {}),
        ("other", "Andere (met toelichting)", "Autre (avec explication)", "Other (with explanation)", {"needs_text": True}),
    ],
}


def load(apps, schema_editor):
    for model_name, items in LISTS.items():
        model = apps.get_model("reference", model_name)
        for position, (code, nl, fr, en, extra) in enumerate(items, start=1):
            model.objects.update_or_create(
                code=code,
                defaults={
                    "name": nl,
                    "name_nl": nl,
                    "name_fr": fr,
                    "name_en": en,
                    "position": position,
                    **extra,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
