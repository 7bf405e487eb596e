"""Static files storage for production: WhiteNoise's hashed and compressed files, with the
vendored packages (Leaflet, its marker clustering, jQuery UI) left as their authors ship them.

`ManifestStaticFilesStorage` rewrites every `url(...)` and `sourceMappingURL` in collected CSS
and JS to the hashed name of the file it points at, and stops `collectstatic` when that file is
missing. The XStatic packages ship files whose references point at files they do not ship
(`leaflet.markercluster.js.map`, the images of the jQuery UI themes), so the rewrite cannot
succeed for them, and we do not copy third-party files into the repository to fill the gaps.

Rewriting Leaflet's CSS would break it even where it succeeds: Leaflet finds its marker images
by reading `url(images/marker-icon.png)` back from `leaflet.css`, and a hashed
`marker-icon.<hash>.png` no longer matches, so every marker would point at a missing image.

So the files under `vendor/` are still hashed and compressed like any other (the templates load
them by their hashed names, cached for good), but their contents are not rewritten: their own
relative references resolve to the unhashed copies that `collectstatic` keeps next to the hashed
ones (WHITENOISE_KEEP_ONLY_HASHED_FILES stays off). Loket's own files are rewritten strictly as
before, so a broken reference of ours still fails `collectstatic`.

A storage class, rather than collecting only the vendor files we use, because the minified
marker-cluster script we load is itself the file whose source map is missing.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage

# The prefix of the XStatic packages in STATICFILES_DIRS.
VENDOR_PREFIX = "vendor/"


class LoketStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # {name: url}: the manifest is read once per process, so a name's URL does not change;
        # every page asks for several, and each costs a manifest lookup and a URL join.
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        url = self._urls.get(name)
        if url is None:
            url = self._urls[name] = super().url(name)
        return url

    def post_process(self, *args, **kwargs):
        # collectstatic writes a new manifest: forget the URLs of the old one.
        self._urls.clear()
        yield from super().post_process(*args, **kwargs)
        self._urls.clear()

    def url_converter(self, name, hashed_files, template=None):
        if name.replace("\\", "/").startswith(VENDOR_PREFIX):
            return _leave_reference_as_is
        return super().url_converter(name, hashed_files, template)


def _leave_reference_as_is(matchobj) -> str:
    return matchobj["matched"]
