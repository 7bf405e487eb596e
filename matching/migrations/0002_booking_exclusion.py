"""No unit promised twice for overlapping periods: an exclusion constraint on PostgreSQL.

SQLite (the embedded default for `make run`) has no exclusion constraints; there the domain
check in `match_sign`, under the units' row locks, is the only guard.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE matching_occupationunit
  ADD CONSTRAINT booking_no_overlap
  EXCLUDE USING gist (unit_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&);
"""
DROP = "ALTER TABLE matching_occupationunit DROP CONSTRAINT IF EXISTS booking_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
