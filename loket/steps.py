"""One step editor for every multi-step form over one record: the owner's site, the holder's
application, the call candidature next.

A draft is saved at every step, with only the checks that make sense on their own; the strict
checks run on submit, and the review step lists what they still find, each problem linked to
the step and field that fix it. An editor declares:

- its `Step`s, in order (slug, title, form and the domain function that saves it; the last
  step is the review);
- the record's lookup with its permission check (`get_object`), whether it may still be
  changed, and its strict checks;
- its `StepProgress` table (which steps were saved) and its URL names.

The base gives the step pages and their navigation, the step list with each step's status
("finished", "to complete", "to correct"), resuming a draft at its first unfinished step, the
progress of a draft ("5 of 9 steps") and the review's problem list.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from .display import field_display, review_sections


class StepStatus(models.TextChoices):
    """How far a step is. Shown as text beside its icon, never by colour alone."""

    FINISHED = "finished", pgettext_lazy("step status", "Finished")
    TO_COMPLETE = "to_complete", pgettext_lazy("step status", "To complete")
    TO_CORRECT = "to_correct", pgettext_lazy("step status", "To correct")


@dataclass(frozen=True)
class Step:
    """One step of an editor.

    A step with a `form_class` is saved by `save(obj=, form=, actor=)`, which calls the domain
    and may return a notice for the person (then the editor shows it and stays on the step, so
    they can check what was done for them). A step without a form is a page (`context(obj)`
    gives what it shows; "continue" marks it saved), or has its own `view`.
    """

    slug: str
    title: str
    form_class: type | None = None
    save: Callable | None = field(default=None, compare=False)
    # A page step's context, or extra context for a form step: obj -> dict.
    context: Callable | None = field(default=None, compare=False)
    # A step that handles its own request: view(editor, request, obj, step) -> response.
    view: Callable | None = field(default=None, compare=False)
    # The strict-check names this step fixes besides its form's fields, each with the anchor
    # of the field to go to ("" for the top of the step).
    anchors: dict = field(default_factory=dict, compare=False)

    @property
    def error_names(self) -> tuple[str, ...]:
        meta = getattr(self.form_class, "_meta", None)
        return (*(getattr(meta, "fields", None) or ()), *self.anchors)

    def anchor(self, name: str) -> str:
        return self.anchors.get(name, f"id_{name}")


class StepProgress(models.Model):
    """Which steps of a record's editor were saved. A concrete table adds the record as its
    primary key (a one-to-one field, `related_name="step_progress"`), so a list of records
    reads it in the same query (`select_related("step_progress")`)."""

    saved_steps = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


@dataclass(frozen=True)
class StepItem:
    """A step as the step list shows it for one record."""

    step: Step
    number: int
    url: str
    status: str
    is_current: bool

    @property
    def status_label(self) -> str:
        return StepStatus(self.status).label


@dataclass(frozen=True)
class Progress:
    """A draft's finished steps out of all, and the URL of the step it resumes at."""

    done: int
    total: int
    url: str


class StepEditor:
    """The base of an editor. See the module docstring for what a subclass declares."""

    steps: tuple[Step, ...] = ()
    # The record's StepProgress table.
    progress_model: type[StepProgress]
    # The record's name in the templates ("site", "application").
    object_name = "object"
    # The template of a step: a format string with {slug}, or override `template_name`.
    template = ""
    url_namespace = ""
    step_url_name = ""
    resume_url_name = ""
    # The domain's error class: its `message` is translated and safe to show.
    error_class: type[Exception] = Exception
    # Labels for strict-check names that are not one model field.
    error_labels: dict = {}

    # --- What an editor declares ------------------------------------------------------------

    def get_object(self, request, pk: int):
        """The record, if this person may open it here; else Http404."""
        raise NotImplementedError

    def is_editable(self, obj) -> bool:
        raise NotImplementedError

    def read_only_message(self, obj) -> str:
        raise NotImplementedError

    def submission_errors(self, obj) -> dict[str, list]:
        """The strict checks of a submission: name -> messages."""
        raise NotImplementedError

    def is_draft(self, obj) -> bool:
        return obj.state == "draft"

    def can_submit(self, obj) -> bool:
        return self.is_draft(obj)

    def was_submitted(self, obj) -> bool:
        """Sent to the desk at least once: every step has been through the strict checks."""
        return getattr(obj, "submitted_at", None) is not None

    def context(self, request, obj) -> dict:
        """Extra context for every step page."""
        return {}

    def review_context(self, request, obj, errors: dict) -> dict:
        return {}

    def display(self, obj, name: str):
        """A field's value on the review page."""
        return field_display(obj, name)

    def template_name(self, step: Step) -> str:
        return self.template.format(slug=step.slug)

    # --- Steps and URLs ---------------------------------------------------------------------

    @property
    def review_step(self) -> Step:
        return self.steps[-1]

    def step(self, slug: str) -> Step:
        for step in self.steps:
            if step.slug == slug:
                return step
        raise Http404

    def step_url(self, obj, slug: str) -> str:
        return reverse(
            f"{self.url_namespace}:{self.step_url_name}", kwargs={"pk": obj.pk, "step": slug}
        )

    def next_url(self, request, obj, step: Step) -> str:
        if request.POST.get("action") == "stay":
            return self.step_url(obj, step.slug)
        index = self.steps.index(step)
        return self.step_url(obj, self.steps[min(index + 1, len(self.steps) - 1)].slug)

    def urls(self) -> list:
        """The record's entry (it resumes where the person stopped) and its steps. Put them
        after the record's other URLs: a step slug matches any word."""
        return [
            path("<int:pk>/", login_required(self.resume_view), name=self.resume_url_name),
            path("<int:pk>/<slug:step>/", login_required(self.step_view), name=self.step_url_name),
        ]

    # --- Progress ---------------------------------------------------------------------------

    def saved_steps(self, obj) -> list[str]:
        progress = getattr(obj, "step_progress", None)
        return progress.saved_steps if progress is not None else []

    @transaction.atomic
    def record_saved(self, obj, step: Step) -> None:
        """Mark `step` saved for `obj`. Two tabs saving at once both count: the row is locked."""
        progress, _created = self.progress_model.objects.select_for_update().get_or_create(
            pk=obj.pk
        )
        if step.slug not in progress.saved_steps:
            progress.saved_steps = [*progress.saved_steps, step.slug]
            progress.save(update_fields=["saved_steps", "updated_at"])
        obj.step_progress = progress

    def statuses(self, obj, *, errors: dict | None = None, wrong: Step | None = None) -> dict:
        """Each step's status: finished (saved, or sent to the desk, and nothing to correct),
        to correct (saved but the strict checks, or the form just sent, found a problem), or
        to complete. The review is finished once the record was submitted. `errors` are the
        strict checks' findings when already known; `wrong` is a step whose form was refused."""
        if errors is None:
            errors = self.submission_errors(obj) if self.is_editable(obj) else {}
        submitted = self.was_submitted(obj)
        saved = set(self.saved_steps(obj))
        result = {}
        for step in self.steps:
            if step is self.review_step:
                done, has_errors = submitted, False
            else:
                done = submitted or step.slug in saved
                has_errors = any(name in errors for name in step.error_names)
            if step == wrong or (done and has_errors):
                result[step.slug] = StepStatus.TO_CORRECT
            elif done:
                result[step.slug] = StepStatus.FINISHED
            else:
                result[step.slug] = StepStatus.TO_COMPLETE
        return result

    def progress(self, obj) -> "Progress":
        """How far a draft is, and where it resumes: for its card on a dashboard."""
        statuses = self.statuses(obj)
        return Progress(
            done=sum(status == StepStatus.FINISHED for status in statuses.values()),
            total=len(self.steps),
            url=self.step_url(obj, self.resume_step(obj, statuses=statuses).slug),
        )

    def resume_step(self, obj, *, statuses: dict | None = None) -> Step:
        """Where reopening the record leads: a draft resumes at its first unfinished step; a
        record that may still be changed opens at the start; any other at the review."""
        if not self.is_editable(obj):
            return self.review_step
        if not self.is_draft(obj):
            return self.steps[0]
        statuses = statuses or self.statuses(obj)
        for step in self.steps:
            if statuses[step.slug] != StepStatus.FINISHED:
                return step
        return self.review_step

    # --- Views ------------------------------------------------------------------------------

    def resume_view(self, request, pk: int):
        obj = self.get_object(request, pk)
        return redirect(self.step_url(obj, self.resume_step(obj).slug))

    def step_view(self, request, pk: int, step: str):
        obj = self.get_object(request, pk)
        current = self.step(step)
        if current.view is not None:
            return current.view(self, request, obj, current)
        if current is self.review_step:
            return self.render_review(request, obj)
        if current.form_class is not None:
            return self.form_step(request, obj, current)
        return self.page_step(request, obj, current)

    def refuse_if_read_only(self, request, obj):
        """None if the record may be changed; else the refusal, at the review."""
        if self.is_editable(obj):
            return None
        messages.error(request, self.read_only_message(obj))
        return redirect(self.step_url(obj, self.review_step.slug))

    def refuse(self, request, obj, step: Step, error):
        """The domain said no: its message, on the step or (when the record can no longer be
        changed) at the review."""
        messages.error(request, error.message)
        obj.refresh_from_db()
        slug = step.slug if self.is_editable(obj) else self.review_step.slug
        return redirect(self.step_url(obj, slug))

    def saved(self, request, obj, step: Step, notice: str | None = None):
        """After a step was saved: the next step, or this one again with `notice`."""
        if notice:
            messages.info(request, notice)
            return redirect(self.step_url(obj, step.slug))
        messages.success(request, _("Saved."))
        return redirect(self.next_url(request, obj, step))

    def form_step(self, request, obj, step: Step):
        if request.method == "POST":
            refused = self.refuse_if_read_only(request, obj)
            if refused:
                return refused
            form = step.form_class(request.POST, instance=obj)
            if form.is_valid():
                try:
                    with transaction.atomic():
                        notice = step.save(obj=form.instance, form=form, actor=request.user)
                        self.record_saved(obj, step)
                except self.error_class as error:
                    return self.refuse(request, obj, step, error)
                return self.saved(request, obj, step, notice)
            # Validating changed the instance; show the stored values everywhere else.
            obj.refresh_from_db()
            return self.render_step(request, obj, step, {"form": form}, wrong=True)
        form = step.form_class(instance=obj, read_only=not self.is_editable(obj))
        return self.render_step(request, obj, step, {"form": form})

    def page_step(self, request, obj, step: Step):
        """A step with no form of its own (photos, documents): "continue" marks it saved."""
        if request.method == "POST":
            refused = self.refuse_if_read_only(request, obj)
            if refused:
                return refused
            self.record_saved(obj, step)
            return redirect(self.next_url(request, obj, step))
        return self.render_step(request, obj, step, {})

    def render_step(
        self, request, obj, step: Step, context: dict, *, errors=None, wrong: bool = False
    ):
        statuses = self.statuses(obj, errors=errors, wrong=step if wrong else None)
        items = [
            StepItem(
                step=item,
                number=number,
                url=self.step_url(obj, item.slug),
                status=statuses[item.slug],
                is_current=item == step,
            )
            for number, item in enumerate(self.steps, start=1)
        ]
        editable = self.is_editable(obj)
        return render(
            request,
            self.template_name(step),
            {
                self.object_name: obj,
                "step": step,
                "step_number": self.steps.index(step) + 1,
                "steps": self.steps,
                "step_items": items,
                "is_editable": editable,
                "read_only_message": "" if editable else self.read_only_message(obj),
                **self.context(request, obj),
                **(step.context(obj) if step.context else {}),
                **context,
            },
        )

    # --- The review -------------------------------------------------------------------------

    def problems(self, obj, errors: dict) -> list[dict]:
        """The strict checks' findings, each linked to the field that fixes it."""
        where = {name: step for step in self.steps for name in step.error_names}
        problems = []
        for name, found in errors.items():
            step = where.get(name, self.review_step)
            anchor = step.anchor(name) if step is not self.review_step else ""
            url = self.step_url(obj, step.slug)
            for message in found:
                problems.append(
                    {
                        "field": name,
                        "label": self.error_label(obj, name),
                        "message": message,
                        "url": f"{url}#{anchor}" if anchor else url,
                        "step": step.title,
                    }
                )
        return problems

    def error_label(self, obj, name: str) -> str:
        if name in self.error_labels:
            return self.error_labels[name]
        return capfirst(str(type(obj)._meta.get_field(name).verbose_name))

    def render_review(self, request, obj, *, errors: dict | None = None):
        """The summary of every step, with the strict checks' problems while it can be sent.
        `errors` are those a refused submission just found."""
        if errors is None:
            errors = self.submission_errors(obj) if self.can_submit(obj) else {}
        sections = review_sections(
            obj,
            self.steps,
            errors=errors,
            step_url=lambda slug: self.step_url(obj, slug),
            display=self.display,
        )
        return self.render_step(
            request,
            obj,
            self.review_step,
            {
                "problems": self.problems(obj, errors),
                "sections": sections,
                "can_submit": self.can_submit(obj),
                **self.review_context(request, obj, errors),
            },
            errors=errors if self.can_submit(obj) else None,
        )


def form_changes(form) -> tuple[list[str], dict]:
    """What a step's ModelForm changes: its model's own columns, and its many-to-many fields
    with their chosen rows, for a domain function to write."""
    model = form._meta.model
    columns = {f.name for f in model._meta.concrete_fields}
    names = [name for name in form._meta.fields if name in form.cleaned_data]
    relations = {
        name: form.cleaned_data[name]
        for name in names
        if name not in columns and model._meta.get_field(name).many_to_many
    }
    return [name for name in names if name in columns], relations
