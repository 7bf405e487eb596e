"""Demo sites for `seed_demo`: a believable catalogue across the Region, in NL and FR.

Each site is keyed on a stable internal reference ("DEMO-001"), so running the seed again
updates the texts and figures but adds nothing. New sites walk from draft to their demo state
through `site_transition`, so their history reads like the desk's real work.
"""

import datetime
import io
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from loket.accounts.enums import Role
from loket.accounts.models import User
from loket.communes.models import Commune
from loket.demo import DemoPeople
from loket.organisations.enums import LegalForm
from loket.organisations.models import Organisation
from loket.reference.models import ActivityType, Condition, EconomicModel, SiteKind, UnitKind

from .domain import site_create, site_photo_add, site_refresh_figures, site_transition
from .enums import Publication, PublicPrecision, SiteState
from .models import Site, Unit

S = SiteState
PUBLIC = Publication.PUBLIC
DESK_ONLY = Publication.DESK_ONLY
EXACT = PublicPrecision.EXACT
APPROX = PublicPrecision.APPROXIMATE
HIDDEN = PublicPrecision.HIDDEN


def enterprise_number(body: int) -> str:
    """A BCE/KBO number whose check digits follow the mod-97 rule."""
    first_eight = f"{body:08d}"
    return f"{first_eight}{97 - int(first_eight) % 97:02d}"


# key, name, legal form, enterprise number body, street, number, postcode, city
DEMO_OWNERS = [
    ("forest", "Commune de Forest", LegalForm.COMMUNE, 207_1914,
     "Rue du Curé", "2", "1190", "Forest"),
    ("region", "Régie foncière (démo)", LegalForm.REGIONAL_BODY, 248_6135,
     "Rue Gabrielle Petit", "6", "1080", "Molenbeek"),
    ("cpas", "CPAS d'Anderlecht", LegalForm.CPAS, 212_5440,
     "Avenue Raymond Vander Bruggen", "62", "1070", "Anderlecht"),
]  # fmt: skip


@dataclass
class DemoSite:
    key: str
    owner: str  # "zenne" or a key of DEMO_OWNERS
    commune: str
    postcode: str
    street: str
    number: str
    kind: str
    title_nl: str
    title_fr: str
    description_nl: str
    description_fr: str
    units: list  # (name, floor, unit kind, m²)
    state: str = S.PUBLISHED
    publication: str = PUBLIC
    precision: str = EXACT
    offset: tuple = (0.0, 0.0)  # degrees from the commune's centre
    condition: str = "small_works"
    model: str = "charges_only"
    fee: str | None = None
    charges: str | None = "250"
    activities: tuple = ("cultural", "social")
    former_use: str = ""
    transport: str = ""
    available: tuple = (datetime.date(2027, 1, 1), datetime.date(2028, 12, 31))
    photos: int = 0
    public: bool = False  # open to the public
    step_free: bool = False
    extra: dict = field(default_factory=dict)


def _sites() -> list[DemoSite]:
    d = DemoSite
    return [
        d(
            "DEMO-001", "region", "21004", "1000", "Boulevard d'Anvers", "40", "building",
            "Voormalige kantoortoren aan metro IJzer",
            "Ancienne tour de bureaux au métro Yser",
            "Een kantoortoren van elf verdiepingen uit 1974, leeg sinds de verhuizing van een "
            "federale dienst. Grote open plateaus, twee liften, een goederenlift en een "
            "gelijkvloers dat op de straat uitgeeft. Geschikt voor een gemengd programma van "
            "6.000 tot 9.000 m²: ateliers, wonen, leslokalen en publieke ruimtes.",
            "Une tour de bureaux de onze étages datant de 1974, vide depuis le déménagement "
            "d'un service fédéral. Grands plateaux libres, deux ascenseurs, un monte-charge et "
            "un rez-de-chaussée ouvert sur la rue. Convient à un programme mixte de 6 000 à "
            "9 000 m² : ateliers, logement, salles de cours et espaces publics.",
            [("Rez-de-chaussée / Gelijkvloers", "0", "hall", 900),
             ("Étages 1–3 / Verdiepingen 1–3", "1-3", "office", 2400),
             ("Étages 4–7 / Verdiepingen 4–7", "4-7", "office", 3000),
             ("Étages 8–10 / Verdiepingen 8–10", "8-10", "office", 2100),
             ("Caves / Kelders", "-1", "storage", 200)],
            offset=(0.0089, -0.0049), condition="small_works", model="fee_per_m2", fee="1.50",
            charges="4500", activities=("studios", "social", "education", "transit_housing",
                                        "cultural", "economic"),
            former_use="Bureaux / Kantoren",
            transport="Métro Yser / metro IJzer (lignes 2 et 6) à 150 m; tram 51.",
            available=(datetime.date(2027, 3, 1), datetime.date(2031, 12, 31)),
            photos=2, public=True, step_free=True,
        ),
        d(
            "DEMO-002", "zenne", "21004", "1000", "Vlaamsesteenweg", "62", "building",
            "Winkelpand Vlaamsesteenweg", "Commerce rue de Flandre",
            "Kleine winkel met etalage in een drukke straat.", "",
            [("Winkel", "0", "shop", 30)],
            model="all_in", fee="450", charges=None, activities=("economic", "crafts"),
            condition="ready", photos=1, public=True,
        ),
        d(
            "DEMO-003", "zenne", "21004", "1020", "Maria-Christinastraat", "115", "building",
            "Leegstaande bankfiliaal Laken", "Ancienne agence bancaire à Laeken",
            "Voormalig bankkantoor met loket en kluizen in de kelder.",
            "Ancienne agence bancaire avec guichet et coffres au sous-sol.",
            [("Loketzaal", "0", "shop", 140), ("Kantoren", "1", "office", 110)],
            offset=(0.031, -0.003), model="fee_per_m2", fee="4", activities=("economic", "social"),
            condition="ready",
        ),
        d(
            "DEMO-004", "region", "21004", "1130", "Rue de Verdun", "700", "land",
            "Braakliggend spoorwegterrein Haren", "Friche ferroviaire à Haren",
            "Een groot vlak terrein naast de spoorlijn, met verharde delen en een oude loods.",
            "Un grand terrain plat le long du chemin de fer, en partie revêtu, avec un vieux "
            "hangar.",
            [("Terrain / Terrein", "0", "open_land", 11_200), ("Loods / Hangar", "0", "hall", 800)],
            offset=(0.043, 0.057), precision=APPROX, condition="heavy_works", model="management",
            charges=None, activities=("agriculture", "circular", "sport", "cultural"),
            available=(datetime.date(2027, 1, 1), datetime.date(2030, 6, 30)), photos=1,
        ),
        d(
            "DEMO-005", "region", "21004", "1120", "Ransbeekstraat", "230", "both",
            "Voormalige kwekerij Neder-Over-Heembeek", "",
            "Serres en een werkplaats op een groot terrein aan de rand van de stad.", "",
            [("Serres", "0", "hall", 1200), ("Werkplaats", "0", "workshop", 300),
             ("Tuinen", "0", "open_land", 2500)],
            offset=(0.043, 0.013), precision=APPROX, model="free", charges=None,
            activities=("agriculture", "education"),
        ),
        d(
            "DEMO-006", "cpas", "21001", "1070", "Rue Wayez", "110", "building",
            "Voormalig rusthuis Wayez", "Ancienne maison de repos Wayez",
            "Een voormalig rusthuis met veertig kamers, een keuken en een ontmoetingsruimte.",
            "Une ancienne maison de repos de quarante chambres, avec cuisine et salle commune.",
            [("Chambres / Kamers", "1-3", "dwelling", 1400), ("Salle commune", "0", "hall", 220),
             ("Cuisine", "0", "other", 80)],
            offset=(0.0012, 0.0021), condition="ready", model="fee_per_person", fee="180",
            activities=("transit_housing", "shelter", "social"), photos=1, public=True,
            step_free=True, extra={"housing_allowed": True, "has_kitchen": True},
        ),
        d(
            "DEMO-007", "cpas", "21001", "1070", "Chaussée de Mons", "560", "building",
            "", "Entrepôt chaussée de Mons",
            "", "Un entrepôt de plain-pied avec quai de chargement.",
            [("Entrepôt", "0", "storage", 950)],
            offset=(-0.004, -0.006), model="fee_per_m2", fee="2", activities=("circular", "crafts"),
            extra={"has_loading_access": True},
        ),
        d(
            "DEMO-008", "zenne", "21001", "1070", "Industrielaan", "24", "building",
            "Werkplaatsen Industrielaan", "Ateliers boulevard Industriel",
            "Drie werkplaatsen met sheddaken en krachtstroom.",
            "Trois ateliers sous toiture en sheds, avec force motrice.",
            [("Werkplaats A", "0", "workshop", 420), ("Werkplaats B", "0", "workshop", 380),
             ("Werkplaats C", "0", "workshop", 300)],
            offset=(-0.011, -0.009), model="fee_per_m2", fee="3.5", activities=("crafts",
                                                                                 "studios"),
            photos=1, extra={"has_loading_access": True},
        ),
        d(
            "DEMO-009", "zenne", "21002", "1160", "Vorstlaan", "280", "building",
            "Kantoorgebouw Vorstlaan", "Immeuble de bureaux boulevard du Souverain",
            "Kantoorgebouw met vier verdiepingen en parking, vlak bij metro Herrmann-Debroux.",
            "Immeuble de bureaux de quatre étages avec parking, près du métro Herrmann-Debroux.",
            [("Verdieping 1", "1", "office", 600), ("Verdieping 2", "2", "office", 600),
             ("Verdieping 3", "3", "office", 600)],
            offset=(-0.003, 0.002), condition="ready", model="fee_per_m2", fee="5",
            activities=("economic", "education", "studios"),
            transport="Metro Herrmann-Debroux (lijn 5).", step_free=True,
        ),
        d(
            "DEMO-010", "region", "21002", "1160", "Chaussée de Wavre", "1650", "land",
            "", "Terrain chaussée de Wavre",
            "", "Une prairie en pente douce, sans raccordements.",
            [("Prairie", "0", "open_land", 3200)],
            offset=(0.002, -0.006), precision=HIDDEN, condition="ready", model="free",
            charges=None, activities=("agriculture",),
        ),
        d(
            "DEMO-011", "zenne", "21005", "1040", "Oudergemlaan", "68", "building",
            "Herenhuis Oudergemlaan", "Maison de maître avenue d'Auderghem",
            "Herenhuis met tuin, ideaal voor een vereniging.",
            "Maison de maître avec jardin, idéale pour une association.",
            [("Benedenverdieping", "0", "office", 120), ("Verdiepingen", "1-2", "office", 180)],
            offset=(0.004, -0.003), condition="ready", model="all_in", fee="1800",
            charges=None, activities=("social", "education"),
        ),
        d(
            "DEMO-012", "forest", "21005", "1040", "Rue des Champs", "15", "building",
            "", "Ancien atelier de menuiserie",
            "", "Un atelier de menuiserie en fond de parcelle.",
            [("Atelier", "0", "workshop", 160)],
            offset=(0.001, 0.004), state=S.SUBMITTED, activities=("crafts",),
        ),
        d(
            "DEMO-013", "forest", "21006", "1140", "Genèvestraat", "175", "building",
            "Logistieke hal Genèvestraat", "Hall logistique rue de Genève",
            "Een grote hal met hoge plafonds en laadkaaien.",
            "Un grand hall avec hauts plafonds et quais de chargement.",
            [("Hal", "0", "hall", 2600), ("Kantoren", "1", "office", 300)],
            offset=(-0.002, 0.003), model="fee_per_m2", fee="1.2",
            activities=("circular", "sport", "cultural"), photos=1,
            extra={"has_loading_access": True, "ceiling_height_m": Decimal("8.50")},
        ),
        d(
            "DEMO-014", "zenne", "21006", "1140", "Avenue Henry Dunant", "12", "building",
            "Voormalige school Evere", "Ancienne école à Evere",
            "Schoolgebouw met acht klassen en een speelplaats.",
            "Bâtiment scolaire de huit classes avec une cour de récréation.",
            [("Klassen", "0-1", "office", 640), ("Speelplaats", "0", "open_land", 500)],
            offset=(0.003, -0.004), state=S.UNDER_REVIEW, activities=("education", "sport"),
        ),
        d(
            "DEMO-015", "forest", "21007", "1190", "Rue du Charroi", "33", "building",
            "Garage Gerijstraat", "Ancien garage rue du Charroi",
            "Voormalige autogarage met werkput en een grote poort.",
            "Ancien garage automobile avec fosse et grande porte.",
            [("Garage", "0", "workshop", 480)],
            offset=(0.004, 0.006), model="charges_only", charges="150",
            activities=("crafts", "circular"), photos=1,
        ),
        d(
            "DEMO-016", "forest", "21007", "1190", "Boulevard de la Deuxième Armée Britannique",
            "120", "both", "Kazerne-terrein Vorst", "Site de l'ancienne caserne à Forest",
            "Twee gebouwen en een binnenplein op een voormalig militair terrein.",
            "Deux bâtiments et une cour sur un ancien terrain militaire.",
            [("Bâtiment A", "0-2", "office", 1800), ("Bâtiment B", "0", "hall", 900),
             ("Cour", "0", "open_land", 1500)],
            offset=(-0.004, -0.002), state=S.PARTLY_OCCUPIED, model="fee_per_m2", fee="1",
            activities=("cultural", "social", "studios", "sport"), photos=1, public=True,
        ),
        d(
            "DEMO-017", "forest", "21007", "1190", "Chaussée de Neerstalle", "225", "land",
            "Moestuinterrein Neerstalle", "Terrain potager Neerstalle",
            "Een omheind terrein met een waterput.", "Un terrain clôturé avec un puits.",
            [("Terrain", "0", "open_land", 1400)],
            offset=(-0.006, -0.004), precision=APPROX, condition="ready", model="free",
            charges=None, activities=("agriculture", "education"),
        ),
        d(
            "DEMO-018", "zenne", "21009", "1050", "Elsensesteenweg", "140", "building",
            "Winkelruimte Elsensesteenweg", "Surface commerciale chaussée d'Ixelles",
            "Winkelruimte met achterplaats.", "Surface commerciale avec arrière-boutique.",
            [("Winkel", "0", "shop", 95), ("Opslag", "-1", "storage", 40)],
            offset=(0.006, -0.004), condition="ready", model="fee_per_m2", fee="12",
            activities=("economic", "cultural"), public=True,
        ),
        d(
            "DEMO-019", "region", "21009", "1050", "Rue Gray", "180", "building",
            "", "Ancienne imprimerie rue Gray",
            "", "Un plateau industriel lumineux au bord de la vallée du Maelbeek.",
            [("Plateau", "0", "workshop", 700), ("Mezzanine", "1", "office", 150)],
            offset=(0.004, 0.006), state=S.PUBLISHED, publication=DESK_ONLY,
            activities=("studios", "crafts"),
        ),
        d(
            "DEMO-020", "zenne", "21010", "1090", "Leopold I-straat", "310", "building",
            "Voormalige bioscoop Jette", "Ancien cinéma à Jette",
            "Bioscoopzaal met 200 zitplaatsen en een foyer.",
            "Salle de cinéma de 200 places avec foyer.",
            [("Zaal", "0", "hall", 380), ("Foyer", "0", "shop", 70)],
            offset=(-0.002, 0.004), model="charges_only", charges="600",
            activities=("cultural",), photos=1, public=True,
        ),
        d(
            "DEMO-021", "zenne", "21010", "1090", "Jetselaan", "55", "building",
            "Appartementen Jetselaan", "",
            "Zes leegstaande appartementen in afwachting van renovatie.", "",
            [(f"Appartement {n}", str(n // 2), "dwelling", 65) for n in range(1, 7)],
            offset=(-0.006, 0.002), condition="ready", model="fee_per_person", fee="250",
            activities=("transit_housing",), extra={"housing_allowed": True},
        ),
        d(
            "DEMO-022", "region", "21012", "1080", "Koolmijnenkaai", "30", "building",
            "Pakhuis aan het kanaal", "Entrepôt au bord du canal",
            "Een bakstenen pakhuis van vier verdiepingen aan het kanaal.",
            "Un entrepôt en briques de quatre étages au bord du canal.",
            [("Gelijkvloers", "0", "hall", 800), ("Verdiepingen", "1-3", "workshop", 2400)],
            offset=(0.002, 0.010), model="fee_per_m2", fee="1.8",
            activities=("studios", "crafts", "cultural", "circular"), photos=1, public=True,
            transport="Metro Graaf van Vlaanderen (lijnen 1 en 5).",
        ),
        d(
            "DEMO-023", "region", "21012", "1080", "Rue de Birmingham", "66", "building",
            "", "Ancienne brasserie rue de Birmingham",
            "", "Les halles d'une ancienne brasserie, avec cuves et caves voûtées.",
            [("Halle", "0", "hall", 1600), ("Caves", "-1", "storage", 600)],
            offset=(-0.004, -0.003), state=S.SUSPENDED, condition="heavy_works",
            activities=("cultural", "crafts"),
        ),
        d(
            "DEMO-024", "zenne", "21012", "1080", "Gentsesteenweg", "190", "building",
            "Handelspand Gentsesteenweg", "Commerce chaussée de Gand",
            "Handelspand met bovenverdieping.", "Rez commercial avec étage.",
            [("Winkel", "0", "shop", 80), ("Bovenverdieping", "1", "office", 60)],
            offset=(0.001, 0.004), condition="ready", model="all_in", fee="700", charges=None,
            activities=("economic", "social"),
        ),
        d(
            "DEMO-025", "region", "21012", "1080", "Rue Ransfort", "27", "building",
            "Atelierruimte Ransfortstraat", "Espace d'ateliers rue Ransfort",
            "Kleine ateliers in een voormalige fabriek.",
            "Petits ateliers dans une ancienne fabrique.",
            [("Atelier 1", "1", "workshop", 45), ("Atelier 2", "1", "workshop", 50),
             ("Atelier 3", "2", "workshop", 55)],
            offset=(-0.001, 0.007), state=S.DRAFT, activities=("studios",),
        ),
        d(
            "DEMO-026", "forest", "21013", "1060", "Chaussée de Forest", "90", "building",
            "Voormalig politiekantoor Sint-Gillis", "Ancien commissariat à Saint-Gilles",
            "Een kantoorgebouw met loketten en archiefruimtes.",
            "Un immeuble de bureaux avec guichets et salles d'archives.",
            [("Guichets", "0", "office", 200), ("Bureaux", "1-2", "office", 420)],
            offset=(0.002, -0.002), model="free", charges=None,
            activities=("social", "education"), public=True, step_free=True,
        ),
        d(
            "DEMO-027", "zenne", "21013", "1060", "Fonsnylaan", "48", "building",
            "Kantoren bij het Zuidstation", "Bureaux près de la gare du Midi",
            "Twee kantoorverdiepingen vlak bij het Zuidstation.",
            "Deux étages de bureaux tout près de la gare du Midi.",
            [("Verdieping 3", "3", "office", 520), ("Verdieping 4", "4", "office", 520)],
            offset=(0.008, -0.006), condition="ready", model="fee_per_m2", fee="6",
            activities=("economic", "education"), transport="Station Brussel-Zuid.",
            step_free=True,
        ),
        d(
            "DEMO-028", "zenne", "21014", "1210", "Leuvensesteenweg", "150", "building",
            "Handelsgelijkvloers Leuvensesteenweg", "Rez commercial chaussée de Louvain",
            "Een breed gelijkvloers met twee etalages.", "Un large rez avec deux vitrines.",
            [("Gelijkvloers", "0", "shop", 210)],
            offset=(0.001, 0.003), model="fee_per_m2", fee="8",
            activities=("economic", "cultural", "social"), public=True,
        ),
        d(
            "DEMO-029", "forest", "21014", "1210", "Rue Verte", "52", "building",
            "", "Maison rue Verte",
            "", "Une maison de trois étages, à rafraîchir.",
            [("Maison", "0-2", "dwelling", 190)],
            offset=(0.004, 0.001), state=S.SUBMITTED, model="fee_per_person", fee="200",
            activities=("transit_housing",), extra={"housing_allowed": True},
        ),
        d(
            "DEMO-030", "zenne", "21015", "1030", "Paleizenstraat", "150", "building",
            "Voormalige drukkerij Paleizenstraat", "Ancienne imprimerie rue des Palais",
            "Industrieel gebouw met grote vrije ruimtes over drie niveaus.",
            "Bâtiment industriel avec grands espaces libres sur trois niveaux.",
            [("Gelijkvloers", "0", "hall", 700), ("Verdieping 1", "1", "workshop", 650),
             ("Verdieping 2", "2", "workshop", 650)],
            offset=(-0.007, -0.010), model="fee_per_m2", fee="2.5",
            activities=("studios", "crafts", "cultural"), photos=1,
        ),
        d(
            "DEMO-031", "region", "21015", "1030", "Haachtsesteenweg", "400", "building",
            "Voormalig postkantoor Schaarbeek", "Ancien bureau de poste à Schaerbeek",
            "Postkantoor met sorteerzaal.", "Bureau de poste avec salle de tri.",
            [("Sorteerzaal", "0", "hall", 520), ("Loketten", "0", "office", 120)],
            offset=(0.003, 0.001), state=S.UNDER_REVIEW, activities=("social", "cultural"),
        ),
        d(
            "DEMO-032", "zenne", "21015", "1030", "Rogierlaan", "320", "building",
            "", "Bureaux avenue Rogier",
            "", "Un petit immeuble de bureaux avec jardin.",
            [("Bureaux", "0-1", "office", 260)],
            offset=(0.0, 0.006), condition="ready", model="charges_only", charges="350",
            activities=("social", "education"),
        ),
        d(
            "DEMO-033", "zenne", "21016", "1180", "Alsembergsesteenweg", "750", "building",
            "Garage Alsembergsesteenweg", "Garage chaussée d'Alsemberg",
            "Garage met toonzaal.", "Garage avec salle d'exposition.",
            [("Toonzaal", "0", "shop", 180), ("Werkplaats", "0", "workshop", 400)],
            offset=(0.004, 0.003), model="fee_per_m2", fee="3",
            activities=("crafts", "economic", "circular"),
        ),
        d(
            "DEMO-034", "region", "21016", "1180", "Rue Engeland", "320", "land",
            "Terrein Engelandstraat", "Terrain rue Engeland",
            "Een bebost terrein aan de rand van het Engelandplateau.",
            "Un terrain boisé en bordure du plateau Engeland.",
            [("Terrain", "0", "open_land", 6500)],
            offset=(-0.012, -0.003), precision=HIDDEN, condition="ready", model="free",
            charges=None, activities=("agriculture", "education", "sport"),
        ),
        d(
            "DEMO-035", "cpas", "21011", "1081", "Rue Jules Besme", "88", "building",
            "Buurthuis Koekelberg", "Maison de quartier à Koekelberg",
            "Een voormalig buurthuis met zaal en keuken.",
            "Une ancienne maison de quartier avec salle et cuisine.",
            [("Salle", "0", "hall", 150), ("Bureaux", "1", "office", 80)],
            offset=(0.002, -0.002), condition="ready", model="free", charges=None,
            activities=("social", "education", "cultural"), public=True, step_free=True,
        ),
        d(
            "DEMO-036", "zenne", "21018", "1200", "Woluwelaan", "60", "building",
            "Kantoorgebouw Woluwelaan", "Immeuble de bureaux boulevard de la Woluwe",
            "Modern kantoorgebouw met vijf verdiepingen.",
            "Immeuble de bureaux moderne de cinq étages.",
            [(f"Verdieping {n}", str(n), "office", 650) for n in range(1, 6)],
            offset=(0.004, 0.004), condition="ready", model="fee_per_m2", fee="4",
            activities=("economic", "education"), step_free=True, photos=1,
        ),
        d(
            "DEMO-037", "forest", "21018", "1200", "Rue Saint-Lambert", "200", "building",
            "", "Pavillon rue Saint-Lambert",
            "", "Un pavillon d'un étage dans un parc.",
            [("Pavillon", "0", "hall", 110)],
            offset=(-0.002, -0.003), state=S.PUBLISHED, publication=DESK_ONLY, model="free",
            charges=None, activities=("social",),
        ),
        d(
            "DEMO-038", "region", "21003", "1082", "Groot-Bijgaardenstraat", "390", "land",
            "Akkerland Sint-Agatha-Berchem", "Terre agricole à Berchem-Sainte-Agathe",
            "Een akker die voor stadslandbouw gebruikt kan worden.",
            "Un champ qui peut servir à l'agriculture urbaine.",
            [("Akker", "0", "open_land", 8000)],
            offset=(0.003, -0.008), precision=APPROX, condition="ready", model="free",
            charges=None, activities=("agriculture",), photos=1,
        ),
        d(
            "DEMO-039", "zenne", "21017", "1170", "Terhulpsesteenweg", "185", "building",
            "Voormalig hoofdkantoor Terhulpsesteenweg", "Ancien siège chaussée de La Hulpe",
            "Een groot kantoorgebouw tussen de bossen.",
            "Un grand immeuble de bureaux entre les bois.",
            [("Vleugel A", "0-2", "office", 2200), ("Vleugel B", "0-2", "office", 1900),
             ("Kantine", "0", "hall", 400)],
            offset=(0.008, -0.010), model="fee_per_m2", fee="2",
            activities=("economic", "education", "studios", "social"),
        ),
        d(
            "DEMO-040", "cpas", "21019", "1150", "Avenue de Tervueren", "270", "building",
            "Villa Tervurenlaan", "Villa avenue de Tervueren",
            "Een villa met tuin, geschikt voor tijdelijke opvang.",
            "Une villa avec jardin, adaptée à l'accueil temporaire.",
            [("Villa", "0-2", "dwelling", 340), ("Jardin", "0", "open_land", 600)],
            offset=(0.002, -0.006), condition="ready", model="fee_per_person", fee="150",
            activities=("shelter", "transit_housing"), extra={"housing_allowed": True},
        ),
        d(
            "DEMO-041", "zenne", "21008", "1083", "Keizer Karellaan", "520", "building",
            "Sporthal Ganshoren", "Salle de sport à Ganshoren",
            "Sporthal met kleedkamers.", "Salle de sport avec vestiaires.",
            [("Sporthal", "0", "hall", 900), ("Kleedkamers", "0", "other", 120)],
            offset=(-0.003, 0.002), state=S.FULLY_OCCUPIED, condition="ready",
            activities=("sport",),
        ),
        d(
            "DEMO-042", "forest", "21007", "1190", "Rue du Charroi", "81", "building",
            "Kunstenaarsateliers Vorst", "Ateliers d'artistes à Forest",
            "Kleine lichte ateliers onder het dak.", "Petits ateliers lumineux sous le toit.",
            [("Atelier 1", "3", "workshop", 35), ("Atelier 2", "3", "workshop", 40)],
            offset=(0.003, 0.007), condition="ready", model="fee_per_m2", fee="7",
            activities=("studios",), photos=1,
        ),
    ]  # fmt: skip


# The desk's moves from a draft to each demo state, after the owner's submission.
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: [S.SUBMITTED],
    S.UNDER_REVIEW: [S.SUBMITTED, S.UNDER_REVIEW],
    S.PUBLISHED: [S.SUBMITTED, S.UNDER_REVIEW, S.PUBLISHED],
    S.PARTLY_OCCUPIED: [S.SUBMITTED, S.UNDER_REVIEW, S.PUBLISHED, S.PARTLY_OCCUPIED],
    S.FULLY_OCCUPIED: [S.SUBMITTED, S.UNDER_REVIEW, S.PUBLISHED, S.FULLY_OCCUPIED],
    S.SUSPENDED: [S.SUBMITTED, S.UNDER_REVIEW, S.PUBLISHED, S.SUSPENDED],
}
SUSPEND_MESSAGE = "Waterschade na de storm: de site is tijdelijk niet beschikbaar."


def seed_demo(people: DemoPeople) -> str:
    """`seed_demo`'s hook (`loket.demo`)."""
    sites = build_demo_sites(
        immo_zenne=people.owner_org,
        caseworker=people.users[Role.CASEWORKER],
        owner_user=people.users[Role.OWNER],
    )
    return f"{len(sites)} demo sites are ready."


def build_demo_sites(
    *, immo_zenne: Organisation, caseworker: User, owner_user: User | None = None
) -> list[Site]:
    """Create or refresh the demo sites. Returns them in key order."""
    owners = {"zenne": immo_zenne} | _demo_owners()
    references = {
        "kind": {item.code: item for item in SiteKind.objects.all()},
        "unit_kind": {item.code: item for item in UnitKind.objects.all()},
        "condition": {item.code: item for item in Condition.objects.all()},
        "model": {item.code: item for item in EconomicModel.objects.all()},
        "activity": {item.code: item for item in ActivityType.objects.all()},
    }
    communes = {commune.pk: commune for commune in Commune.objects.all()}
    sites = []
    for index, demo in enumerate(_sites()):
        owner = owners[demo.owner]
        fields = _site_fields(demo, communes[demo.commune], references)
        site = Site.objects.filter(owner=owner, internal_reference=demo.key).first()
        created = site is None
        if created:
            site = site_create(actor=caseworker, owner=owner, internal_reference=demo.key, **fields)
        else:
            for name, value in fields.items():
                setattr(site, name, value)
            site.save(update_fields=list(fields))
        site.allowed_activities.set([references["activity"][code] for code in demo.activities])
        _units(site, demo, references["unit_kind"])
        site_refresh_figures(site=site)
        if created:
            for number in range(demo.photos):
                site_photo_add(
                    site=site,
                    uploaded=_photo(seed=index * 10 + number, kind=demo.kind),
                    caption=demo.title_fr or demo.title_nl,
                )
            submitter = owner_user if demo.owner == "zenne" and owner_user else caseworker
            _walk(site, demo, submitter=submitter, caseworker=caseworker)
        sites.append(site)
    return sites


def _demo_owners() -> dict[str, Organisation]:
    owners = {}
    for key, name, legal_form, body, street, number, postcode, city in DEMO_OWNERS:
        owners[key], _created = Organisation.objects.update_or_create(
            enterprise_number=enterprise_number(body),
            defaults={
                "name": name,
                "legal_form": legal_form,
                "street": street,
                "number": number,
                "postcode": postcode,
                "city": city,
            },
        )
    return owners


def _site_fields(demo: DemoSite, commune: Commune, references: dict) -> dict:
    if not commune.accepts_postcode(demo.postcode):
        raise ValueError(f"{demo.key}: postcode {demo.postcode} is not in {commune}")
    dlat, dlon = demo.offset
    return {
        "title_nl": demo.title_nl,
        "title_fr": demo.title_fr,
        "description_nl": demo.description_nl,
        "description_fr": demo.description_fr,
        "street": demo.street,
        "number": demo.number,
        "postcode": demo.postcode,
        "commune": commune,
        "latitude": (commune.latitude + Decimal(str(dlat))).quantize(Decimal("0.000001")),
        "longitude": (commune.longitude + Decimal(str(dlon))).quantize(Decimal("0.000001")),
        "public_precision": demo.precision,
        "public_transport": demo.transport,
        "kind": references["kind"][demo.kind],
        "condition": references["condition"][demo.condition],
        "former_use": demo.former_use,
        "available_from": demo.available[0],
        "available_until": demo.available[1],
        "min_duration_months": 6,
        "max_duration_months": 36,
        "notice_period_months": 3,
        "economic_model": references["model"][demo.model],
        "fee_amount": Decimal(demo.fee) if demo.fee else None,
        "charges_monthly": Decimal(demo.charges) if demo.charges else None,
        "has_electricity": demo.kind != "land",
        "has_water": True,
        "has_toilets": demo.kind != "land",
        "has_heating": demo.condition == "ready" and demo.kind != "land",
        "open_to_public": demo.public,
        "step_free_access": demo.step_free,
        **demo.extra,
    }


def _units(site: Site, demo: DemoSite, unit_kinds: dict) -> None:
    names = []
    for position, (name, floor, kind, surface) in enumerate(demo.units):
        Unit.objects.update_or_create(
            site=site,
            name=name,
            defaults={
                "floor": floor,
                "kind": unit_kinds[kind],
                "surface_m2": Decimal(surface),
                "position": position,
            },
        )
        names.append(name)
    site.units.exclude(name__in=names).delete()


def _walk(site: Site, demo: DemoSite, *, submitter: User, caseworker: User) -> None:
    for to_state in PATHS[demo.state]:
        fields, reason = {}, ""
        actor = submitter if to_state == S.SUBMITTED else caseworker
        if to_state == S.UNDER_REVIEW:
            fields["reviewer"] = caseworker
        if to_state == S.PUBLISHED:
            fields["publication"] = demo.publication
        if to_state == S.SUSPENDED:
            fields["desk_message"] = reason = SUSPEND_MESSAGE
        site_transition(site=site, to_state=to_state, actor=actor, reason=reason, **fields)


PALETTES = {
    "building": [(176, 98, 64), (205, 190, 170), (90, 110, 130)],
    "land": [(110, 150, 80), (160, 190, 110), (200, 210, 160)],
    "both": [(150, 120, 90), (120, 160, 100), (190, 180, 160)],
}


def _photo(*, seed: int, kind: str) -> SimpleUploadedFile:
    """A simple picture: sky, ground and a building or trees, drawn with Pillow."""
    rng = random.Random(seed)
    wall, ground, accent = PALETTES[kind]
    image = Image.new("RGB", (800, 533), (150 + rng.randint(0, 60), 190, 225))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 400, 800, 533), fill=ground)
    if kind == "land":
        for _tree in range(6):
            x = rng.randint(20, 760)
            draw.rectangle((x + 12, 330, x + 20, 410), fill=(90, 60, 40))
            draw.ellipse((x - 20, 260, x + 52, 350), fill=accent)
    else:
        left = rng.randint(60, 260)
        top = rng.randint(80, 200)
        draw.rectangle((left, top, left + 420, 420), fill=wall)
        for row in range(top + 20, 380, 50):
            for column in range(left + 20, left + 400, 60):
                draw.rectangle((column, row, column + 30, row + 30), fill=accent)
        draw.rectangle((left + 180, 350, left + 240, 420), fill=(60, 50, 45))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile(f"demo-{seed}.jpg", buffer.getvalue(), content_type="image/jpeg")
