"""The desk's admin machinery shared by the match and occupation admins: buttons that call
one domain function each, with the seen-state check, and the explanation lines."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from loket.communes.models import Commune
from loket.reference.models import ActivityType

from ..domain import (
    MatchConflict,
    MatchError,
    OccupationError,
)
from ..enums import (
    MatchState,
    OccupationState,
)
from ..scoring import explain

M = MatchState
OS = OccupationState
SEEN_STATE_PREFIX = "seen_state_"
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- Explanations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExplainedLine:
    sentence: str
    points: int
    max_points: int


class Names:
    """Commune and activity names in the active language, for `explain`: one query each,
    whatever the number of lines to explain."""

    def __init__(self):
        self.communes = {c.pk: c.name for c in Commune.objects.all()}
        self.activities = {a.code: a.name for a in ActivityType.objects.all()}

    def explain(self, lines: list[dict]) -> list[ExplainedLine]:
        return [
            ExplainedLine(
                explain(line, communes=self.communes, activities=self.activities),
                line.get("points", 0),
                line.get("max", 0),
            )
            for line in lines
        ]


# --- Desk actions, shared by the match and occupation admins ---------------------------------


@dataclass(frozen=True)
class DeskAction:
    """One button of the desk: the one domain call it makes (`run`), the state it leads to
    (shown only when the domain allows the move) and the form it asks first, if any."""

    name: str
    label: str
    run: Callable  # (obj, actor, cleaned_data) -> None
    to_state: str = ""
    from_states: tuple = ()
    form: type[forms.Form] | None = None
    form_kwargs: dict = field(default_factory=dict)


class DeskActionsAdmin(admin.ModelAdmin):
    """Buttons on the change page and changelist actions that call the domain with the state
    the caseworker saw (reusing the desk's templates, `admin/desk/*.html`)."""

    change_form_template = "admin/desk/change_form.html"
    desk_actions: list[DeskAction] = []
    state_choices: type = M
    conflict: type[Exception] = MatchConflict
    errors: tuple = (MatchError, OccupationError)

    # Which actions apply to `obj` now.
    def available_actions(self, request, obj) -> list[DeskAction]:
        return [a for a in self.desk_actions if not a.from_states or obj.state in a.from_states]

    def describe(self, obj) -> str:
        return str(obj)

    @admin.display(description=_("state"), ordering="state")
    def state_column(self, obj) -> str:
        return format_html(
            '{}<input type="hidden" name="{}{}" value="{}">',
            obj.get_state_display(),
            SEEN_STATE_PREFIX,
            obj.pk,
            obj.state,
        )

    def seen_states_from(self, post) -> dict[int, str]:
        states = {}
        for key, value in post.items():
            if key.startswith(SEEN_STATE_PREFIX) and value in self.state_choices.values:
                try:
                    states[int(key.removeprefix(SEEN_STATE_PREFIX))] = value
                except ValueError:
                    continue
        return states

    def run_desk_action(self, request, action: DeskAction, objects, *, seen_states, data):
        """Apply one action to each object and tell the caseworker, per object, what happened."""
        done, failed = [], []
        for obj in objects:
            seen = seen_states.get(obj.pk)
            try:
                if seen and seen != obj.state:
                    raise self.conflict()
                if action.from_states and obj.state not in action.from_states:
                    raise OccupationError(
                        _("“%(action)s” does not apply when the state is “%(state)s”.")
                        % {"action": action.label, "state": obj.get_state_display()}
                    )
                # Atomic here too: a domain call that fails half-way leaves nothing behind.
                with transaction.atomic():
                    action.run(obj, request.user, data)
            except self.errors as error:
                failed.append((obj, error.message))
            else:
                done.append(obj)
        if done:
            messages.success(
                request,
                _("%(action)s: done for %(names)s.")
                % {"action": action.label, "names": "; ".join(self.describe(o) for o in done)},
            )
        for obj, error in failed:
            messages.error(
                request,
                _("%(action)s failed for %(name)s: %(error)s")
                % {"action": action.label, "name": self.describe(obj), "error": error},
            )
        return done, failed

    def run_with_form(self, request, action: DeskAction, objects, seen_states):
        """Run the action, or return the page asking for its form first."""
        data = {}
        if action.form is not None:
            form = action.form(
                request.POST if "apply" in request.POST else None, **action.form_kwargs
            )
            if not form.is_valid():
                return self.desk_action_page(request, action, objects, form, seen_states)
            data = form.cleaned_data
        self.run_desk_action(request, action, objects, seen_states=seen_states, data=data)
        return None

    def desk_action_page(self, request, action, objects, form, seen_states):
        context = {
            **self.admin_site.each_context(request),
            "title": action.label,
            "opts": self.model._meta,
            "action": action,
            "objects": objects,
            "form": form,
            "seen_states": [(o.pk, seen_states.get(o.pk, o.state)) for o in objects],
            "seen_state_prefix": SEEN_STATE_PREFIX,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "from_changelist": ACTION_CHECKBOX_NAME in request.POST,
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/desk/action_page.html", context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        for action in self.desk_actions:
            function = self._changelist_action(action)
            actions[action.name] = (function, action.name, action.label)
        return actions

    def _changelist_action(self, action: DeskAction):
        def changelist_action(modeladmin, request, queryset):
            if not modeladmin.has_change_permission(request):
                raise PermissionDenied
            if request.POST.get("select_across") == "1":
                objects = list(queryset)
            else:
                # A selected row that has meanwhile left the filtered list is still reported.
                selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
                objects = list(modeladmin.get_queryset(request).filter(pk__in=selected))
            seen_states = modeladmin.seen_states_from(request.POST)
            return modeladmin.run_with_form(request, action, objects, seen_states)

        return changelist_action

    def get_urls(self):
        opts = self.model._meta
        urls = [
            path(
                "<path:object_id>/desk-action/<str:action_name>/",
                self.admin_site.admin_view(self.desk_action_view),
                name=f"{opts.app_label}_{opts.model_name}_desk_action",
            ),
        ]
        return urls + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None and self.has_change_permission(request, obj):
            extra_context["desk_actions"] = self.available_actions(request, obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def desk_action_view(self, request, object_id, action_name):
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        opts = self.model._meta
        back = redirect(f"admin:{opts.app_label}_{opts.model_name}_change", obj.pk)
        action = {a.name: a for a in self.desk_actions}.get(action_name)
        if action is None or request.method != "POST":
            return back
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        seen_states = {obj.pk: request.POST.get("seen_state", obj.state)}
        return self.run_with_form(request, action, [obj], seen_states) or back

    def has_add_permission(self, request) -> bool:
        # Matches start from a suggestion (candidate screens), occupations from a signature.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def as_pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def render_lines(lines: list[ExplainedLine]) -> str:
    if not lines:
        return "–"
    return format_html(
        '<ol class="explanation">{}</ol>',
        format_html_join(
            "",
            '<li>{} <span class="explanation-points">{}/{}</span></li>',
            ((line.sentence, line.points, line.max_points) for line in lines),
        ),
    )
