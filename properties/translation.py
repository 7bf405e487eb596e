from modeltranslation.translator import TranslationOptions, register

from .models import Site, SitePhoto


@register(Site)
class SiteTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(SitePhoto)
class SitePhotoTranslationOptions(TranslationOptions):
    fields = ("caption",)
