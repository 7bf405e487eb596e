from django.db import models
from django.utils.translation import pgettext_lazy


class LegalForm(models.TextChoices):
    NONPROFIT = "nonprofit", pgettext_lazy("legal form", "Non-profit association (ASBL/VZW)")
    DE_FACTO = "de_facto", pgettext_lazy("legal form", "De facto association or collective")
    COOPERATIVE = "cooperative", pgettext_lazy("legal form", "Cooperative (SC/CV)")
    COMPANY = "company", pgettext_lazy("legal form", "Company (SRL/BV, SA/NV, …)")
    SELF_EMPLOYED = "self_employed", pgettext_lazy("legal form", "Self-employed person or artist")
    INDIVIDUAL = "individual", pgettext_lazy("legal form", "Private individual")
    FOUNDATION = "foundation", pgettext_lazy("legal form", "Foundation")
    REGIONAL_BODY = "regional_body", pgettext_lazy("legal form", "Regional public body")
    COMMUNE = "commune", pgettext_lazy("legal form", "Commune")
    CPAS = "cpas", pgettext_lazy("legal form", "CPAS/OCMW")
    FEDERAL_BODY = (
        "federal_body",
        pgettext_lazy("legal form", "Federal public body (including SNCB/NMBS)"),
    )
    OTHER_PUBLIC = "other_public", pgettext_lazy("legal form", "Other public body")
    OTHER = "other", pgettext_lazy("legal form", "Other")


# These have no entry in the Crossroads Bank for Enterprises, so no enterprise number.
NO_ENTERPRISE_NUMBER = (LegalForm.DE_FACTO, LegalForm.INDIVIDUAL)


class MemberRole(models.TextChoices):
    ADMIN = "admin", pgettext_lazy("member role", "Administrator")
    MEMBER = "member", pgettext_lazy("member role", "Member")
