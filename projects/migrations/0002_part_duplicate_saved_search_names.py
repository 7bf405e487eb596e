from django.db import migrations


def part_duplicates(apps, schema_editor):
    """Before the constraint: of a user's searches with one name, keep the oldest. A later one
    with the same query was a double submit and goes; one with another query is renamed
    "name (2)", "name (3)"…, so no one loses a search they meant to keep."""
    SavedSearch = apps.get_model("projects", "SavedSearch")
    seen: dict[tuple[int, str], str] = {}
    taken = set(SavedSearch.objects.values_list("user_id", "name"))
    for search in SavedSearch.objects.order_by("created_at", "pk").iterator():
        key = (search.user_id, search.name)
        if key not in seen:
            seen[key] = search.query
            continue
        if seen[key] == search.query:
            search.delete()
            continue
        number = 2
        while True:
            suffix = f" ({number})"
            name = f"{search.name[: 100 - len(suffix)]}{suffix}"
            if (search.user_id, name) not in taken:
                break
            number += 1
        taken.add((search.user_id, name))
        seen[(search.user_id, name)] = search.query
        search.name = name
        search.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [
        migrations.RunPython(part_duplicates, migrations.RunPython.noop),
    ]
