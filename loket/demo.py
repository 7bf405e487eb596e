"""How `seed_demo` finds each app's demo data without importing the apps above loket (imports
point down: `loket` ← `properties` ← `projects` ← `matching`).

An app with demo data has a `demo` module with a `seed_demo(people: DemoPeople) -> str` hook,
which builds its data (safe to run again) and returns the line the command prints. The
command first makes the organisations and the users, then calls the hooks in INSTALLED_APPS
order, so the sites exist before the applications, and both before the matches."""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule

from loket.accounts.models import User
from loket.organisations.models import Organisation


@dataclass(frozen=True)
class DemoPeople:
    """The organisations and users the demo's data belongs to."""

    holder_org: Organisation  # the demo holder's association
    coop: Organisation  # the artists' cooperative that leads the brief's consortium
    owner_org: Organisation  # the demo owner's company
    users: dict[str, User]  # one per role (loket.accounts.enums.Role)


def demo_hooks() -> list[tuple[str, Callable[[DemoPeople], str]]]:
    """(app label, `seed_demo` hook) for every installed app with a `demo` module, in
    INSTALLED_APPS order."""
    hooks = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "demo"):
            module = import_module(f"{config.name}.demo")
            hooks.append((config.label, module.seed_demo))
    return hooks
