"""`seed_demo` finds each app's demo data by its `demo` module (loket.demo), so loket imports
none of the apps above it."""

from loket.demo import demo_hooks
from matching import demo as matching_demo
from projects import demo as projects_demo
from properties import demo as properties_demo


def test_demo_hooks_are_every_app_with_demo_data_in_installed_apps_order():
    assert demo_hooks() == [
        ("properties", properties_demo.seed_demo),
        ("projects", projects_demo.seed_demo),
        ("matching", matching_demo.seed_demo),
    ]
