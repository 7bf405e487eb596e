"""The versions of the engine's data on PostgreSQL without a row lock: 0007's triggers updated
one row per kind, so two transactions writing sites waited on each other from their first
write to their commit, and deadlocked when they also locked the same rows in the other order
(an occupation ended and extended at once). Now each kind has a sequence that a statement
trigger advances (`nextval` takes no lock and is never rolled back), and a reader keeps what it
loaded only when no transaction is writing those tables at that moment (`market.engine_versions`
reads their locks). SQLite (the test suite, one writer at a time) keeps 0007's row."""

import importlib

from django.db import migrations

before = importlib.import_module("matching.migrations.0007_engine_version")

KINDS = ("sites", "applications")
FUNCTION = "matching_engine_bump"


def sequence(kind: str) -> str:
    return f"matching_engine_{kind}_seq"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote, run = schema_editor.quote_name, schema_editor.execute
    for table, _versions in before._tables(apps):
        run(f"DROP TRIGGER IF EXISTS {quote(before.FUNCTION)} ON {quote(table)}")
    run(f"DROP FUNCTION IF EXISTS {before.FUNCTION}()")
    run(f"DROP TABLE IF EXISTS {before.TABLE}")
    run(f"DROP SEQUENCE IF EXISTS {before.SEQUENCE}")
    for kind in KINDS:
        run(f"CREATE SEQUENCE {sequence(kind)}")
    run(
        f"CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$"
        " DECLARE kind text; BEGIN FOREACH kind IN ARRAY TG_ARGV LOOP"
        " PERFORM nextval('matching_engine_' || kind || '_seq'); END LOOP;"
        " RETURN NULL; END $$"
    )
    for table, versions in before._tables(apps):
        names = ", ".join(f"'{v}'" for v in versions)
        run(
            f"CREATE TRIGGER {quote(FUNCTION)} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE"
            f" ON {quote(table)} FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}({names})"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote, run = schema_editor.quote_name, schema_editor.execute
    for table, _versions in before._tables(apps):
        run(f"DROP TRIGGER IF EXISTS {quote(FUNCTION)} ON {quote(table)}")
    run(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    for kind in KINDS:
        run(f"DROP SEQUENCE IF EXISTS {sequence(kind)}")
    before.create(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("matching", "0008_site_sharing")]

    operations = [migrations.RunPython(forward, backward)]
