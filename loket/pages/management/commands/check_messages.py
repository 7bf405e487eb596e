"""Fail when a NL or FR catalogue has an empty or fuzzy entry, or is out of date with the code.

CI runs this; `make messages` then translating the new entries is the fix.
"""

import shutil
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

LANGUAGES = ("nl", "fr")
# Same arguments as `make messages`, so the check and the fix agree.
MAKEMESSAGES_OPTIONS = {
    "locale": list(LANGUAGES),
    "no_location": True,
    "no_obsolete": True,
    "ignore_patterns": ["tests", "staticfiles", "test-artifacts", "node_modules"],
    "verbosity": 0,
}


def catalogue_path(language: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"


def read_catalogue(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def entry_key(message) -> tuple:
    msgid = message.id if isinstance(message.id, str) else tuple(message.id)
    return (message.context, msgid)


def incomplete_entries(path: Path) -> list[str]:
    problems = []
    catalogue = read_catalogue(path)
    if catalogue.fuzzy:
        problems.append("the header is marked fuzzy, so the catalogue would not be compiled")
    for message in catalogue:
        if not message.id:
            continue  # the header
        label = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {label!r}")
        elif not all(strings):
            problems.append(f"untranslated: {label!r}")
    return problems


class Command(BaseCommand):
    help = "Check that the NL and FR catalogues are complete and in step with the code."

    def handle(self, *args, **options):
        problems = []
        for language in LANGUAGES:
            path = catalogue_path(language)
            if not path.exists():
                raise CommandError(f"{path} is missing: run `make messages`.")
            problems += [f"{language}: {p}" for p in incomplete_entries(path)]
        problems += self._stale_entries()
        if problems:
            raise CommandError("Translations are not complete:\n  " + "\n  ".join(problems[:200]))
        self.stdout.write("Translations are complete and current.")

    def _stale_entries(self) -> list[str]:
        """Run makemessages, compare the msgids it finds with the committed ones, restore."""
        if shutil.which("xgettext") is None:
            raise CommandError("GNU gettext (xgettext) is needed to compare with the code.")
        backup = Path(tempfile.mkdtemp())
        try:
            for language in LANGUAGES:
                shutil.copy2(catalogue_path(language), backup / f"{language}.po")
            before = {lang: self._keys(catalogue_path(lang)) for lang in LANGUAGES}
            call_command("makemessages", **MAKEMESSAGES_OPTIONS)
            after = {lang: self._keys(catalogue_path(lang)) for lang in LANGUAGES}
        finally:
            for language in LANGUAGES:
                shutil.copy2(backup / f"{language}.po", catalogue_path(language))
            shutil.rmtree(backup, ignore_errors=True)
        problems = []
        for language in LANGUAGES:
            for key in sorted(after[language] - before[language], key=str):
                problems.append(f"{language}: not in the catalogue yet: {key[1]!r}")
            for key in sorted(before[language] - after[language], key=str):
                problems.append(f"{language}: no longer in the code: {key[1]!r}")
        return problems

    @staticmethod
    def _keys(path: Path) -> set:
        return {entry_key(message) for message in read_catalogue(path) if message.id}
