from pathlib import Path

from loket.pages.management.commands.check_messages import incomplete_entries

HEADER = 'msgid ""\nmsgstr ""\n"Language: fr\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "django.po"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_complete_catalogue_has_no_problems(tmp_path):
    path = write(tmp_path, 'msgid "Home"\nmsgstr "Accueil"\n')
    assert incomplete_entries(path) == []


def test_empty_and_fuzzy_entries_are_reported(tmp_path):
    body = (
        'msgid "Home"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Contact"\nmsgstr "Contacter"\n\n'
        'msgid "one site"\nmsgid_plural "%(n)s sites"\nmsgstr[0] "un site"\nmsgstr[1] ""\n'
    )
    assert incomplete_entries(write(tmp_path, body)) == [
        "untranslated: 'Home'",
        "fuzzy: 'Contact'",
        "untranslated: 'one site'",
    ]


def test_a_fuzzy_header_is_reported(tmp_path):
    path = write(tmp_path, 'msgid "Home"\nmsgstr "Accueil"\n', header="#, fuzzy\n" + HEADER)
    assert incomplete_entries(path) == [
        "the header is marked fuzzy, so the catalogue would not be compiled"
    ]
