"""Production's static files storage: `collectstatic` succeeds with the XStatic packages, every
file the templates load gets a hashed name, Leaflet still finds its marker images, and Loket's
own files are still checked strictly."""

import json
import re
from pathlib import Path

import pytest
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from whitenoise.storage import MissingFileError

ROOT = Path(__file__).resolve().parent.parent
PROD_STORAGE = {"BACKEND": "loket.storage.LoketStaticFilesStorage"}
STATIC_TAG = re.compile(r"""\{%\s*static\s+['"]([^'"]+)['"]""")


def collect(static_root: Path, **overrides) -> dict[str, str]:
    """Run collectstatic with prod's storage into static_root; return the manifest's paths."""
    storages = {**settings.STORAGES, "staticfiles": PROD_STORAGE}
    with override_settings(STORAGES=storages, STATIC_ROOT=static_root, **overrides):
        call_command("collectstatic", interactive=False, verbosity=0)
    return json.loads((static_root / "staticfiles.json").read_text())["paths"]


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    static_root = tmp_path_factory.mktemp("static")
    return static_root, collect(static_root)


def template_static_paths() -> set[str]:
    paths = set()
    for template in (ROOT / "templates").rglob("*.html"):
        paths |= set(STATIC_TAG.findall(template.read_text()))
    return paths


def test_collectstatic_every_file_the_templates_load_has_a_hashed_name(collected):
    static_root, manifest = collected
    loaded = template_static_paths() | {settings.JQUERY_UI_URL}
    assert "vendor/leaflet-markercluster/leaflet.markercluster.js" in loaded
    unhashed = sorted(
        path
        for path in loaded
        if path not in manifest
        or manifest[path] == path
        or not (static_root / manifest[path]).is_file()
    )
    assert unhashed == []


def test_collectstatic_leaves_vendored_files_as_their_packages_ship_them(collected):
    static_root, manifest = collected
    shipped = {
        "vendor/leaflet/leaflet.css": Path(xstatic.pkg.leaflet.BASE_DIR) / "leaflet.css",
        # Its source map is not in the package; the reference to it stays, harmlessly.
        "vendor/leaflet-markercluster/leaflet.markercluster.js": (
            Path(xstatic.pkg.leaflet_markercluster.BASE_DIR) / "leaflet.markercluster.js"
        ),
    }
    changed = [
        name
        for name, original in shipped.items()
        if (static_root / manifest[name]).read_bytes() != original.read_bytes()
    ]
    assert changed == []


def test_collectstatic_keeps_the_marker_images_where_leaflet_looks_for_them(collected):
    static_root, manifest = collected
    # Leaflet reads url(images/marker-icon.png) back from its CSS and strips the file name to
    # find its images, relative to the hashed CSS, so the unhashed images must be there.
    css = static_root / manifest["vendor/leaflet/leaflet.css"]
    assert "background-image: url(images/marker-icon.png);" in css.read_text()
    images = ("marker-icon.png", "marker-icon-2x.png", "marker-shadow.png")
    missing = [name for name in images if not (css.parent / "images" / name).is_file()]
    assert missing == []


def test_collectstatic_rewrites_loket_references_to_hashed_names(tmp_path):
    source = tmp_path / "source"
    (source / "loket/img").mkdir(parents=True)
    (source / "loket/img/logo.svg").write_text("<svg/>")
    (source / "loket/css").mkdir()
    (source / "loket/css/site.css").write_text("a { background: url(../img/logo.svg); }\n")

    manifest = collect(
        tmp_path / "static",
        STATICFILES_DIRS=[source],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
    )

    css = (tmp_path / "static" / manifest["loket/css/site.css"]).read_text()
    logo = Path(manifest["loket/img/logo.svg"]).name
    assert css == f'a {{ background: url("../img/{logo}"); }}\n'


def test_collectstatic_fails_on_a_broken_reference_in_loket_files(tmp_path):
    source = tmp_path / "source"
    (source / "loket/css").mkdir(parents=True)
    (source / "loket/css/site.css").write_text("a { background: url(../img/missing.svg); }\n")

    with pytest.raises(MissingFileError, match=re.escape("loket/img/missing.svg")):
        collect(
            tmp_path / "static",
            STATICFILES_DIRS=[source],
            STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        )
