from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    # Apart from 0002: PostgreSQL does not alter a table in the transaction that deleted from it.
    dependencies = [
        ("projects", "0002_part_duplicate_saved_search_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="savedsearch",
            constraint=models.UniqueConstraint(
                fields=("user", "name"), name="saved_search_name_once"
            ),
        ),
    ]
