"""Site history on the shared base (loket.workflow.Transition): the side that acted, in the
one vocabulary every history table uses."""

from django.db import migrations, models

SIDES = [
    ("owner", "The owner"),
    ("holder", "The project holder"),
    ("desk", "The desk"),
    ("system", "Loket itself"),
]
STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("under_review", "Under review by the desk"),
    ("published", "Published"),
    ("partly_occupied", "Partly occupied"),
    ("fully_occupied", "Fully occupied"),
    ("suspended", "Suspended"),
    ("released", "Released"),
    ("withdrawn", "Withdrawn"),
    ("closed", "Closed"),
]


def fill_sides(apps, schema_editor):
    """The side of the rows written before the column, as site_transition judged it: a staff
    actor, or none, acted for the desk; any other for the owner."""
    SiteTransition = apps.get_model("properties", "SiteTransition")
    SiteTransition.objects.filter(actor__isnull=True).update(side="desk")
    SiteTransition.objects.filter(actor__is_staff=True).update(side="desk")
    SiteTransition.objects.filter(actor__is_staff=False).update(side="owner")


class Migration(migrations.Migration):
    dependencies = [("properties", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="sitetransition",
            name="side",
            field=models.CharField(
                choices=SIDES, default="system", max_length=10, verbose_name="side"
            ),
            preserve_default=False,
        ),
        # Dropping the column undoes it.
        migrations.RunPython(fill_sides, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="sitetransition",
            name="from_state",
            field=models.CharField(blank=True, choices=STATES, max_length=20, verbose_name="from"),
        ),
        migrations.AlterField(
            model_name="sitetransition",
            name="to_state",
            field=models.CharField(blank=True, choices=STATES, max_length=20, verbose_name="to"),
        ),
    ]
