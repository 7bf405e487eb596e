from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _


def private_storage():
    """Site files never sit under a public media URL: views check who may see them."""
    return storages["private"]


def photo_path(instance, filename: str) -> str:
    return f"sites/{instance.site_id}/photos/{filename}"


def document_path(instance, filename: str) -> str:
    return f"sites/{instance.site_id}/documents/{filename}"


MAX_PHOTOS = 20
MAX_DOCUMENTS = 20


class SitePhoto(models.Model):
    """A photo, re-encoded on upload (metadata stripped) with a thumbnail; see
    `properties.files.process_photo`."""

    site = models.ForeignKey(
        "properties.Site", on_delete=models.CASCADE, related_name="photos", verbose_name=_("site")
    )
    image = models.ImageField(_("photo"), upload_to=photo_path, storage=private_storage)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=photo_path, storage=private_storage)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    caption = models.CharField(
        _("description of the photo"),
        max_length=200,
        blank=True,
        help_text=_("Describe what the photo shows, for people who cannot see it."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class SiteDocument(models.Model):
    """A plan or document (PDF only, checked by content). Public documents are shown on the
    site's public page; the others only to the owner and the desk."""

    site = models.ForeignKey(
        "properties.Site",
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("site"),
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file (PDF)"), upload_to=document_path, storage=private_storage)
    is_public = models.BooleanField(_("show on the public page"), default=False)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title
