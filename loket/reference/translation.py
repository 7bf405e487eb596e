from modeltranslation.translator import TranslationOptions, translator

from .models import REFERENCE_MODELS


class ReferenceItemTranslationOptions(TranslationOptions):
    fields = ("name",)


for _model in REFERENCE_MODELS:
    translator.register(_model, ReferenceItemTranslationOptions)
