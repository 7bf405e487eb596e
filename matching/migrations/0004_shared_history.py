"""Match and occupation history on the shared base (loket.workflow.Transition), one side
vocabulary for every table, and a history for visit slots."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SIDES = [
    ("owner", "The owner"),
    ("holder", "The project holder"),
    ("desk", "The desk"),
    ("system", "Loket itself"),
]
MATCH_STATES = [
    ("suggested", "Suggested"),
    ("shortlisted", "Shortlisted"),
    ("proposed_owner", "Proposed to the owner"),
    ("owner_accepted", "Owner accepted"),
    ("owner_declined", "Owner declined"),
    ("proposed_holder", "Proposed to the holder"),
    ("holder_accepted", "Holder accepted"),
    ("holder_declined", "Holder declined"),
    ("visit_planned", "Visit planned"),
    ("visit_done", "Visit done"),
    ("agreed", "Agreed"),
    ("drafting", "Agreement being drafted"),
    ("signed", "Signed"),
    ("withdrawn", "Withdrawn"),
]
OCCUPATION_STATES = [
    ("preparing", "Preparing"),
    ("running", "Running"),
    ("ending", "Ending"),
    ("ended", "Ended"),
]
VISIT_STATES = [("proposed", "Proposed"), ("confirmed", "Confirmed"), ("cancelled", "Cancelled")]


def fill_occupation_sides(apps, schema_editor):
    """Occupations are run by the desk; a row without an actor was the daily task (or a
    deleted account): the system."""
    OccupationTransition = apps.get_model("matching", "OccupationTransition")
    OccupationTransition.objects.filter(actor__isnull=True).update(side="system")
    OccupationTransition.objects.filter(actor__isnull=False).update(side="desk")


def to_old_match_sides(apps, schema_editor):
    """Back to the matches' own vocabulary, which had no system: the desk spoke for it."""
    apps.get_model("matching", "MatchTransition").objects.filter(side="system").update(side="desk")
    apps.get_model("matching", "Match").objects.filter(ended_by="system").update(ended_by="desk")


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0003_visit_slot_labels"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Matches already said who acted, with the same words ("desk", "owner", "holder"):
        # only the choices grow. Going back maps the new "system" to the desk.
        migrations.RunPython(migrations.RunPython.noop, to_old_match_sides),
        migrations.AlterField(
            model_name="match",
            name="ended_by",
            field=models.CharField(
                blank=True, choices=SIDES, max_length=10, verbose_name="ended by"
            ),
        ),
        migrations.AlterField(
            model_name="matchtransition",
            name="side",
            field=models.CharField(choices=SIDES, max_length=10, verbose_name="side"),
        ),
        migrations.AlterField(
            model_name="matchtransition",
            name="from_state",
            field=models.CharField(
                blank=True, choices=MATCH_STATES, max_length=20, verbose_name="from"
            ),
        ),
        migrations.AlterField(
            model_name="matchtransition",
            name="to_state",
            field=models.CharField(
                blank=True, choices=MATCH_STATES, max_length=20, verbose_name="to"
            ),
        ),
        migrations.AddField(
            model_name="occupationtransition",
            name="side",
            field=models.CharField(
                choices=SIDES, default="system", max_length=10, verbose_name="side"
            ),
            preserve_default=False,
        ),
        # Dropping the column undoes it.
        migrations.RunPython(fill_occupation_sides, migrations.RunPython.noop),
        migrations.AddField(
            model_name="occupationtransition",
            name="data",
            field=models.JSONField(blank=True, default=dict, verbose_name="details"),
        ),
        migrations.AlterField(
            model_name="occupationtransition",
            name="from_state",
            field=models.CharField(
                blank=True, choices=OCCUPATION_STATES, max_length=20, verbose_name="from"
            ),
        ),
        migrations.AlterField(
            model_name="occupationtransition",
            name="to_state",
            field=models.CharField(
                blank=True, choices=OCCUPATION_STATES, max_length=20, verbose_name="to"
            ),
        ),
        migrations.CreateModel(
            name="VisitSlotTransition",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("side", models.CharField(choices=SIDES, max_length=10, verbose_name="side")),
                ("reason", models.TextField(blank=True, verbose_name="reason")),
                ("data", models.JSONField(blank=True, default=dict, verbose_name="details")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="when")),
                (
                    "from_state",
                    models.CharField(
                        blank=True, choices=VISIT_STATES, max_length=20, verbose_name="from"
                    ),
                ),
                (
                    "to_state",
                    models.CharField(
                        blank=True, choices=VISIT_STATES, max_length=20, verbose_name="to"
                    ),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
                (
                    "slot",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="transitions",
                        to="matching.visitslot",
                    ),
                ),
            ],
            options={
                "verbose_name": "visit slot change",
                "verbose_name_plural": "visit slot changes",
                "ordering": ["created_at", "pk"],
                "abstract": False,
            },
        ),
    ]
