"""The versions of the engine's data (`matching.market.engine_versions`): one number for the
offered sites and one for the applications, changed by the database itself whenever a table the
engine reads is written, however it is written (the domain, the admin, a bulk update, a shell),
so that a process may keep the engine's data in memory and know when it is stale.

On PostgreSQL a statement trigger sets the version from a sequence, so a number is never given
twice, even after a rollback; on SQLite (the test suite) a row trigger sets a random one."""

from django.db import migrations

TABLE = "matching_engine_version"
SEQUENCE = "matching_engine_version_seq"
FUNCTION = "matching_engine_version_bump"

# The tables the engine's data comes from, and the versions a write to each changes.
WATCHED = (
    ("properties", "Site", None, ("sites",)),
    ("properties", "Unit", None, ("sites",)),
    ("properties", "Site", "allowed_activities", ("sites",)),
    ("matching", "Occupation", None, ("sites",)),  # its units are booked while it is active
    ("matching", "OccupationUnit", None, ("sites",)),
    ("reference", "SiteKind", None, ("sites",)),
    ("reference", "UnitKind", None, ("sites",)),
    ("reference", "EconomicModel", None, ("sites",)),
    ("reference", "ActivityType", None, ("sites", "applications")),
    ("projects", "Application", None, ("applications",)),
    ("projects", "Application", "activity_types", ("applications",)),
    ("projects", "Application", "communes", ("applications",)),
)


def _tables(apps):
    for app_label, model_name, m2m, versions in WATCHED:
        model = apps.get_model(app_label, model_name)
        if m2m:
            model = model._meta.get_field(m2m).remote_field.through
        yield model._meta.db_table, versions


def create(apps, schema_editor):
    quote = schema_editor.quote_name
    run = schema_editor.execute
    postgres = schema_editor.connection.vendor == "postgresql"
    run(f"CREATE TABLE {TABLE} (name varchar(20) PRIMARY KEY, version bigint NOT NULL)")
    if postgres:
        run(f"CREATE SEQUENCE {SEQUENCE}")
        run(
            f"INSERT INTO {TABLE} VALUES ('sites', nextval('{SEQUENCE}')),"
            f" ('applications', nextval('{SEQUENCE}'))"
        )
        run(
            f"CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            f" UPDATE {TABLE} SET version = nextval('{SEQUENCE}') WHERE name = ANY(TG_ARGV);"
            " RETURN NULL; END $$"
        )
    else:
        run(f"INSERT INTO {TABLE} VALUES ('sites', random()), ('applications', random())")
    for table, versions in _tables(apps):
        if postgres:
            # Before the statement: the version's row is locked before the statement's rows.
            names = ", ".join(f"'{v}'" for v in versions)
            run(
                f"CREATE TRIGGER {quote(FUNCTION)} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE"
                f" ON {quote(table)} FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}({names})"
            )
            continue
        names = ", ".join(f"'{v}'" for v in versions)
        for event in ("INSERT", "UPDATE", "DELETE"):
            run(
                f"CREATE TRIGGER {quote(f'{FUNCTION}_{table}_{event.lower()}')} AFTER {event}"
                f" ON {quote(table)} BEGIN UPDATE {TABLE} SET version = random()"
                f" WHERE name IN ({names}); END"
            )


def drop(apps, schema_editor):
    quote = schema_editor.quote_name
    run = schema_editor.execute
    postgres = schema_editor.connection.vendor == "postgresql"
    for table, _versions in _tables(apps):
        if postgres:
            run(f"DROP TRIGGER IF EXISTS {quote(FUNCTION)} ON {quote(table)}")
        else:
            for event in ("insert", "update", "delete"):
                run(f"DROP TRIGGER IF EXISTS {quote(f'{FUNCTION}_{table}_{event}')}")
    if postgres:
        run(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
        run(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")
    run(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0006_field_labels"),
        ("properties", "0004_field_labels"),
        ("projects", "0001_initial"),
        ("reference", "0002_load_lists"),
    ]

    operations = [migrations.RunPython(create, drop)]
