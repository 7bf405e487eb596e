"""The one way to send a file that a user uploaded, for every app's file views.

An uploaded file is never trusted to be what it says: a PDF may carry JavaScript, an "image"
may be HTML. So each response names its type from what we stored (never from the uploader's
file name), forbids the browser to guess another (`nosniff`), and runs in a sandbox with no
rights at all, should a browser render it as a page anyway. Documents are downloaded, not
shown in a tab of the portal; only the photos we re-encoded ourselves are shown inline.

The private storage those files live in has no URL at all (`PrivateFileSystemStorage`): a page
that asks it for one fails, instead of linking to a /media/ address that nothing serves, and
that would skip the permission check if anything ever did.
"""

from urllib.parse import quote

from django.core.files.storage import FileSystemStorage, InMemoryStorage
from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control

# No scripts, forms, plugins or same-origin rights, and nothing may be loaded from anywhere.
SANDBOX_CSP = "sandbox; default-src 'none'"


def private_file_response(
    file,
    *,
    content_type: str,
    filename: str = "",
    inline: bool = False,
    public_max_age: int | None = None,
) -> FileResponse:
    """A response streaming `file` (a stored FieldFile). `public_max_age` lets browsers and
    proxies keep a file that anyone may see (a public site's photo); every other file is
    `private, no-store`, so it stays on no shared or back-button cache. A file that has gone
    from the storage is a 404, like a file the reader may not see."""
    try:
        handle = file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = _disposition(filename, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    if public_max_age is None:
        patch_cache_control(response, private=True, no_store=True)
    else:
        patch_cache_control(response, public=True, max_age=public_max_age)
    return response


def _disposition(filename: str, *, inline: bool) -> str:
    kind = "inline" if inline else "attachment"
    if not filename:
        return kind
    encoded = f"filename*=UTF-8''{quote(filename, safe='')}"
    # RFC 6266: the UTF-8 form, after a plain ASCII one for clients that know no other.
    ascii_name = "".join(c for c in filename if c.isascii() and c.isprintable() and c not in '"\\')
    if not ascii_name:
        return f"{kind}; {encoded}"
    return f'{kind}; filename="{ascii_name}"; {encoded}'


class NoURLStorage:
    """A storage whose files go out only through views that check who may see them."""

    def url(self, name):
        raise ValueError(
            f"“{name}” is a private file: link to the view that checks who may see it."
        )


class PrivateFileSystemStorage(NoURLStorage, FileSystemStorage):
    """STORAGES["private"]: PRIVATE_MEDIA_ROOT, with no URL."""


class PrivateInMemoryStorage(NoURLStorage, InMemoryStorage):
    """The test suite's private storage, with no URL either, so a forgotten link fails a test."""
