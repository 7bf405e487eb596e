"""Site photos and documents, served from the private storage after a permission check. They
never sit under a public media URL. URL patterns live at the bottom of this module.

Anyone who may not see a file gets a 404, as if it did not exist. Photos of a public site may
be cached by browsers and proxies for a day; everything else is private and not stored. The
headers come from `loket.files.private_file_response`.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.text import slugify

from loket.files import private_file_response

from ..domain.sites import is_public
from ..models import SiteDocument, SitePhoto
from ..selectors import can_manage, can_view

PHOTO_SIZES = {"full": "image", "thumb": "thumbnail"}
PUBLIC_MAX_AGE = 24 * 60 * 60


def photo_view(request, site_pk: int, photo_pk: int, size: str):
    if size not in PHOTO_SIZES:
        raise Http404
    photo = get_object_or_404(
        SitePhoto.objects.select_related("site"), pk=photo_pk, site_id=site_pk
    )
    if not can_view(request.user, photo.site):
        raise Http404
    # Always a JPEG: `process_photo` re-encoded it, whatever was uploaded.
    return private_file_response(
        getattr(photo, PHOTO_SIZES[size]),
        content_type="image/jpeg",
        inline=True,
        public_max_age=PUBLIC_MAX_AGE if is_public(photo.site) else None,
    )


def document_view(request, site_pk: int, document_pk: int):
    document = get_object_or_404(
        SiteDocument.objects.select_related("site"), pk=document_pk, site_id=site_pk
    )
    allowed = can_view if document.is_public else can_manage
    if not allowed(request.user, document.site):
        raise Http404
    return private_file_response(
        document.file,
        content_type="application/pdf",
        filename=f"{slugify(document.title) or 'document'}.pdf",
    )


urlpatterns = [
    path("<int:site_pk>/photos/<int:photo_pk>/<str:size>/", photo_view, name="photo"),
    path("<int:site_pk>/documents/<int:document_pk>/", document_view, name="document"),
]
