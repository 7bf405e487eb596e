"""The desk's actions in the admin, declared once per workflow and run the same way everywhere.

A workflow's admin subclasses `DeskAdmin` and lists its `desk_actions`: each `DeskAction` names
a button (and a changelist action), the state it leads to or the domain call it makes, the form
it asks first and the permission it needs. The base gives every action:

- the same permission check: desk powers (a staff session that passed the second factor,
  `loket.accounts.access.has_desk_powers`) and the model permission the action names;
- the same seen-state check: each changelist row and each change page posts the state the
  caseworker saw (`seen_state_<pk>`, `seen_state`); a record that has moved since is reported
  as changed by someone else, in the caseworker's language, and left alone;
- one transaction per record: the row is locked, checked and changed, or nothing is;
- translated messages, one line for what was done and one per record that failed, and the
  action's form again, with its errors next to the fields, when it does not validate.

An admin declares its workflow (`loket.workflow.Workflow`) and its domain's transition
function: the buttons shown, the conflict error and the plain moves come from them. A step that
is no button (a tick in the page's own form, a screen of its own) goes through `desk_call`, with
the same checks. The domain decides; the base never sets a state. A workflow's own wording (the
noun in "done for 2 sites") is declared on its admin as `done_message`, `failed_message` and
`not_applicable_message`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from loket.accounts.access import has_desk_powers
from loket.workflow import Workflow, WorkflowConflict, WorkflowError

# Every changelist row carries the state the caseworker saw, under this prefix and its key; a
# change page posts it as `seen_state`.
SEEN_STATE_PREFIX = "seen_state_"
SEEN_STATE = "seen_state"
# The name of the submit button of an action's form: without it, the form is only shown.
APPLY = "apply"


@dataclass(frozen=True)
class DeskAction:
    """One button of the desk.

    - `to_state`: the state it leads to. The button shows only where the workflow allows the
      move (`DeskAdmin.allowed_targets`); without `run`, the admin's `transition` makes it.
    - `run(obj, actor, data)`: the domain call, for actions that are more than a move (or no
      move at all, such as assigning a caseworker). `data` is the form's cleaned data.
    - `from_states`: a restriction the workflow does not make ("resume" is for suspended
      sites only, say); empty means wherever the workflow allows `to_state`.
    - `form`: asked first, on its own page; `form_kwargs` are passed to it.
    - `permission`: what it needs besides desk powers: "change", "view" or "delete" (the
      admin's own check, for the record at hand), or a permission codename of the model's
      app.
    """

    name: str
    label: str
    to_state: str = ""
    run: Callable | None = None
    from_states: tuple = ()
    form: type[forms.Form] | None = None
    form_kwargs: dict = field(default_factory=dict)
    permission: str = "change"

    def __post_init__(self):
        if not self.to_state and self.run is None:
            raise ValueError(f"Desk action {self.name!r} needs a to_state or a run.")


class ReadOnlyInline(admin.TabularInline):
    """An inline the desk reads and never edits from the record's page."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class HistoryInline(ReadOnlyInline):
    """A workflow's history (a `loket.workflow.Transition` table) on its record's page: when,
    on which side, by whom, from, to and why. A workflow adds its own columns with
    `extra_fields`; only `loket.workflow.transition` writes the rows."""

    extra_fields: tuple[str, ...] = ()
    verbose_name_plural = _("history")

    def get_fields(self, request, obj=None):
        states = ["from_state", "to_state"]
        return ["created_at", "side", "actor", *states, *self.extra_fields, "reason_shown"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=_("reason"))
    def reason_shown(self, row) -> str:
        return row.reason_text() or self.get_empty_value_display()

    def get_queryset(self, request):
        related = [f for f in self.extra_fields if self.model._meta.get_field(f).is_relation]
        return super().get_queryset(request).select_related("actor", *related)


def page_state(request, obj) -> str:
    """The state `obj` had on the page the caseworker saw: the one its form posts
    (`seen_state`) when it is sent, the current one otherwise."""
    if request.method == "POST":
        return request.POST.get(SEEN_STATE, obj.state)
    return obj.state


class ActionRefused(Exception):
    """The action does not apply to this record as it is now; `message` is translated."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class DeskAdmin(admin.ModelAdmin):
    """A model admin whose desk actions are declared in `desk_actions`.

    A subclass declares:
    - `workflow`: its domain's `loket.workflow.Workflow`. The buttons shown come from its
      allowed moves (`allowed_targets`), a stale page gets its `conflict`, and its errors are
      among the refusals shown to the caseworker as they are (`domain_errors`, every
      workflow's `WorkflowError` unless narrowed);
    - `transition_function`: the domain's transition function (`site_transition`, …), as a
      `staticmethod`, for the actions declared by their state only. It takes the record by its
      model's name (`site=`, `match=`), `to_state`, `actor`, `reason` and the fields to save
      with the move, which `transition_fields` gives (none by default);
    - `desk_actions`: the list of `DeskAction`s, in the order of the buttons;
    - `describe(obj)`, how a record is named in messages (its reference by default).
    """

    change_form_template = "admin/desk/change_form.html"
    action_page_template = "admin/desk/action_page.html"
    workflow: Workflow | None = None
    transition_function: Callable | None = None
    desk_actions: list[DeskAction] = []
    domain_errors: tuple[type[Exception], ...] = (WorkflowError,)
    # The order in which ticked records are acted on and reported.
    desk_action_ordering: tuple[str, ...] = ("pk",)

    # Messages: each is formatted with action, count, names and references (the records as
    # `describe` names them), name and reference (one record), error and state.
    done_message = _("%(action)s: done for %(names)s.")
    failed_message = _("%(action)s failed for %(name)s: %(error)s")
    not_applicable_message = _("“%(action)s” does not apply when the state is “%(state)s”.")

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        moves = [action.name for action in self.desk_actions if action.run is None]
        if moves and self.transition_function is None:
            raise ImproperlyConfigured(
                f"{type(self).__name__} declares {moves} by their state only: it needs a "
                "transition_function."
            )

    # --- What a workflow declares ------------------------------------------------------------

    @property
    def conflict_error(self) -> type[WorkflowConflict]:
        """The "someone else changed it" error of a stale page."""
        return self.workflow.conflict if self.workflow else WorkflowConflict

    def allowed_targets(self, obj, user) -> list[str] | None:
        """The states the workflow allows `user` to move `obj` to now; None if it cannot say."""
        return self.workflow.allowed_targets(obj, user) if self.workflow else None

    def transition_fields(self, obj, to_state: str, actor, data: dict) -> dict:
        """The fields a plain move saves besides the state, from the action's form (`data`)."""
        return {}

    def transition(self, obj, to_state: str, actor, data: dict):
        """A move declared by its state only: the domain's transition function, with the
        form's `message`, if any, as the reason in the history."""
        self.transition_function(
            **{self.opts.model_name: obj},
            to_state=to_state,
            actor=actor,
            reason=data.get("message", ""),
            **self.transition_fields(obj, to_state, actor, data),
        )

    def describe(self, obj) -> str:
        return getattr(obj, "reference", "") or str(obj.pk)

    # --- Which actions, for whom -------------------------------------------------------------

    def desk_action(self, name: str) -> DeskAction | None:
        return next((action for action in self.desk_actions if action.name == name), None)

    def has_desk_permission(self, request, permission: str, obj=None) -> bool:
        """Desk powers (the second factor passed) and a model permission: "change", "view" or
        "delete" (the admin's own check, for `obj`), or a codename of the model's app."""
        if not has_desk_powers(request.user):
            return False
        if permission in ("change", "delete", "view"):
            return getattr(self, f"has_{permission}_permission")(request, obj)
        return request.user.has_perm(f"{self.opts.app_label}.{permission}")

    def has_action_permission(self, request, action: DeskAction, obj=None) -> bool:
        return self.has_desk_permission(request, action.permission, obj)

    def available_actions(self, request, obj) -> list[DeskAction]:
        """The buttons for `obj` as it is now: permitted, and allowed from its state."""
        targets = self.allowed_targets(obj, request.user)
        return [
            action
            for action in self.desk_actions
            if self.has_action_permission(request, action, obj)
            and (not action.from_states or obj.state in action.from_states)
            and (targets is None or not action.to_state or action.to_state in targets)
        ]

    # --- Running an action -------------------------------------------------------------------

    def seen_states_from(self, post) -> dict[int, str]:
        """The states the changelist showed, by key; anything that is no state is ignored."""
        known = {value for value, _label in self.opts.get_field("state").choices}
        states = {}
        for key, value in post.items():
            if key.startswith(SEEN_STATE_PREFIX) and value in known:
                try:
                    states[int(key.removeprefix(SEEN_STATE_PREFIX))] = value
                except ValueError:
                    continue
        return states

    def lock_as_seen(self, obj, seen: str | None) -> None:
        """Inside a transaction: lock the record's row and check that it is still in the state
        the caseworker saw (else `conflict_error`); `obj` is brought up to date."""
        current = (
            self.model._default_manager.select_for_update()
            .filter(pk=obj.pk)
            .values_list("state", flat=True)
            .first()
        )
        if current is None or (seen and seen != current):
            raise self.conflict_error()
        if current != obj.state:
            obj.refresh_from_db()

    def act(self, request, action: DeskAction, obj, *, seen: str | None, data: dict) -> None:
        """Act on one record, in one transaction: lock its row, check that it is still in the
        state the caseworker saw and that the action applies, then make the domain call.

        A plain move is checked by the transition itself, whose refusal names both states. A
        domain call (`run`) may check other things first, or choose its move from the state
        (`match_answer`), so its declared `to_state` is checked against the workflow here."""
        with transaction.atomic():
            self.lock_as_seen(obj, seen)
            applies = not action.from_states or obj.state in action.from_states
            if applies and action.run is not None and action.to_state:
                targets = self.allowed_targets(obj, request.user)
                applies = targets is None or action.to_state in targets
            if not applies:
                raise ActionRefused(
                    self.not_applicable_message
                    % {"action": action.label, "state": obj.get_state_display()}
                )
            if action.run is not None:
                action.run(obj, request.user, data)
            else:
                self.transition(obj, action.to_state, request.user, data)

    def desk_call(
        self, request, call: Callable, *, obj=None, seen=None, permission="change", done=None
    ):
        """A desk step that is no button (a tick in a page's own form, a screen of its own):
        `call()` makes its one domain call. The same desk powers and permission check as an
        action (else PermissionDenied) and, on a record (`obj`), the same seen-state check, in
        one transaction. A refusal is told as the domain words it; `done(result)`, if given,
        is the message of success. Returns the call's result, or None when it was refused."""
        if not self.has_desk_permission(request, permission, obj):
            raise PermissionDenied
        try:
            with transaction.atomic():
                if obj is not None:
                    self.lock_as_seen(obj, seen)
                result = call()
        except (self.conflict_error, *self.domain_errors) as error:
            messages.error(request, error.message)
            return None
        if done is not None:
            messages.success(request, done(result))
        return result

    def run_desk_action(self, request, action: DeskAction, objects, *, seen_states, data=None):
        """Apply one action to each record and tell the caseworker, per record, what happened."""
        done, failed = [], []
        for obj in objects:
            try:
                self.act(request, action, obj, seen=seen_states.get(obj.pk), data=data or {})
            except (ActionRefused, self.conflict_error, *self.domain_errors) as error:
                failed.append((obj, getattr(error, "message", str(error))))
            else:
                done.append(obj)
        if done:
            described = [self.describe(obj) for obj in done]
            messages.success(
                request,
                self.done_message
                % {
                    "action": action.label,
                    "count": len(done),
                    "names": "; ".join(described),
                    "references": ", ".join(described),
                },
            )
        for obj, error in failed:
            name = self.describe(obj)
            messages.error(
                request,
                self.failed_message
                % {"action": action.label, "name": name, "reference": name, "error": error},
            )
        return done, failed

    def run_with_form(self, request, action: DeskAction, objects, seen_states):
        """Run the action, or return the page of its form (again, with its errors)."""
        data = {}
        if action.form is not None:
            bound = request.POST if APPLY in request.POST else None
            form = action.form(bound, **action.form_kwargs)
            if not form.is_valid():
                return self.action_page(request, action, objects, form, seen_states)
            data = form.cleaned_data
        self.run_desk_action(request, action, objects, seen_states=seen_states, data=data)
        return None

    def action_page(self, request, action, objects, form, seen_states):
        opts = self.opts
        context = {
            **self.admin_site.each_context(request),
            "title": action.label,
            "opts": opts,
            "action": action,
            "objects": objects,
            "form": form,
            "errors": form.is_bound and not form.is_valid(),
            "seen_states": [(obj.pk, seen_states.get(obj.pk, obj.state)) for obj in objects],
            "seen_state_prefix": SEEN_STATE_PREFIX,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "from_changelist": ACTION_CHECKBOX_NAME in request.POST,
            "select_across": request.POST.get("select_across", "0"),
            "apply": APPLY,
        }
        return TemplateResponse(request, self.action_page_template, context)

    # --- The changelist ----------------------------------------------------------------------

    @admin.display(description=_("state"), ordering="state")
    def state_column(self, obj) -> str:
        """The state, with the state shown kept for the seen-state check of a list action."""
        return format_html(
            '{}<input type="hidden" name="{}{}" value="{}">',
            obj.get_state_display(),
            SEEN_STATE_PREFIX,
            obj.pk,
            obj.state,
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        for action in self.desk_actions:
            if self.has_action_permission(request, action):
                actions[action.name] = (self._changelist_action(action), action.name, action.label)
        return actions

    def _changelist_action(self, action: DeskAction):
        def changelist_action(modeladmin, request, queryset):
            if not modeladmin.has_action_permission(request, action):
                raise PermissionDenied
            if request.POST.get("select_across") == "1":
                objects = list(queryset)
            else:
                # Not the filtered queryset: a ticked record that has meanwhile left the list
                # must still be reported (as changed by someone else), not silently skipped.
                selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
                objects = list(
                    modeladmin.get_queryset(request)
                    .filter(pk__in=selected)
                    .order_by(*modeladmin.desk_action_ordering)
                )
            seen_states = modeladmin.seen_states_from(request.POST)
            return modeladmin.run_with_form(request, action, objects, seen_states)

        changelist_action.__name__ = action.name
        return changelist_action

    # --- The change page ---------------------------------------------------------------------

    def get_urls(self):
        opts = self.opts
        return [
            path(
                "<path:object_id>/desk-action/<str:action_name>/",
                self.admin_site.admin_view(self.desk_action_view),
                name=f"{opts.app_label}_{opts.model_name}_desk_action",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            extra_context["desk_actions"] = self.available_actions(request, obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def desk_action_view(self, request, object_id, action_name):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        opts = self.opts
        back = redirect(f"admin:{opts.app_label}_{opts.model_name}_change", obj.pk)
        action = self.desk_action(action_name)
        if action is None or request.method != "POST":
            return back
        if not self.has_action_permission(request, action, obj):
            raise PermissionDenied
        seen_states = {obj.pk: page_state(request, obj)}
        return self.run_with_form(request, action, [obj], seen_states) or back
