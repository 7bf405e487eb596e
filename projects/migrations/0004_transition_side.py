"""Application history on the shared base (loket.workflow.Transition): the side that acted, in
the one vocabulary every history table uses."""

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
    ("incomplete", "Incomplete"),
    ("qualified", "Qualified"),
    ("searching", "Searching"),
    ("matched", "Matched"),
    ("occupying", "Occupying"),
    ("closed", "Closed"),
]


def fill_sides(apps, schema_editor):
    """The side of the rows written before the column: no actor is the system (the expiry
    task), a staff actor the desk, anyone else the holder."""
    ApplicationTransition = apps.get_model("projects", "ApplicationTransition")
    ApplicationTransition.objects.filter(actor__isnull=True).update(side="system")
    ApplicationTransition.objects.filter(actor__is_staff=True).update(side="desk")
    ApplicationTransition.objects.filter(actor__is_staff=False).update(side="holder")


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_saved_search_name_unique_per_user")]

    operations = [
        migrations.AddField(
            model_name="applicationtransition",
            name="side",
            field=models.CharField(
                choices=SIDES, default="system", max_length=10, verbose_name="side"
            ),
            preserve_default=False,
        ),
        # Dropping the column undoes it.
        migrations.RunPython(fill_sides, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="applicationtransition",
            name="from_state",
            field=models.CharField(blank=True, choices=STATES, max_length=20, verbose_name="from"),
        ),
        migrations.AlterField(
            model_name="applicationtransition",
            name="to_state",
            field=models.CharField(blank=True, choices=STATES, max_length=20, verbose_name="to"),
        ),
    ]
