import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0004_shared_history"),
        ("reference", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="matchtransition",
            name="decline_reason",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                to="reference.declinereason",
                verbose_name="decline reason",
            ),
        ),
    ]
