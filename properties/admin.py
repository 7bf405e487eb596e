"""The desk's admin for sites: a review queue, translation tabs, inlines, and actions that call
`properties.domain.site_transition`. Nothing here sets a state itself."""

from dataclasses import dataclass, field

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from loket.admin_filters import QueueFilter as SharedQueueFilter

from .domain import SiteConflict, SiteError, site_create, site_refresh_figures, site_transition
from .domain.sites import PROTECTED_FIELDS, allowed_targets
from .enums import OFFERED_STATES, TO_REVIEW_STATES, ClosedReason, Publication, SiteState
from .files import process_photo, validate_pdf
from .forms import UNIT_FIELDS, CapakeyListField, CappedUnitFormSet, check_postcode_fits
from .models import Site, SiteDocument, SitePhoto, SiteTransition, Unit
from .models.media import MAX_DOCUMENTS, MAX_PHOTOS
from .models.unit import MAX_UNITS

# --- Desk actions ----------------------------------------------------------------------------

# Every row of the changelist carries the state the caseworker saw, so an action taken on a
# stale list loses the compare-and-swap in site_transition instead of acting on a new state.
SEEN_STATE_PREFIX = "seen_state_"


@dataclass(frozen=True)
class DeskAction:
    """One button of the desk: which state it leads to, and what it asks for first."""

    name: str
    label: str
    to_state: str
    # Only from these states; empty means any state that ALLOWED accepts.
    from_states: tuple = ()
    asks_message: bool = False
    asks_closed_reason: bool = False
    fields: dict = field(default_factory=dict)


DESK_ACTIONS = [
    DeskAction(
        "start_review",
        _("Start review"),
        SiteState.UNDER_REVIEW,
    ),
    DeskAction(
        "publish_public",
        _("Publish (public)"),
        SiteState.PUBLISHED,
        from_states=(
            SiteState.SUBMITTED,
            SiteState.UNDER_REVIEW,
            SiteState.SUSPENDED,
            SiteState.PUBLISHED,
        ),
        fields={"publication": Publication.PUBLIC, "desk_message": ""},
    ),
    DeskAction(
        "publish_desk_only",
        _("Publish (desk only)"),
        SiteState.PUBLISHED,
        from_states=(
            SiteState.SUBMITTED,
            SiteState.UNDER_REVIEW,
            SiteState.SUSPENDED,
            SiteState.PUBLISHED,
        ),
        fields={"publication": Publication.DESK_ONLY, "desk_message": ""},
    ),
    DeskAction(
        "send_back",
        _("Send back to the owner with a message"),
        SiteState.DRAFT,
        asks_message=True,
    ),
    DeskAction(
        "suspend",
        _("Suspend with a message"),
        SiteState.SUSPENDED,
        asks_message=True,
    ),
    DeskAction(
        "resume",
        _("Resume"),
        SiteState.PUBLISHED,
        from_states=(SiteState.SUSPENDED,),
        fields={"desk_message": ""},
    ),
    DeskAction("mark_released", _("Mark released"), SiteState.RELEASED),
    DeskAction("withdraw", _("Withdraw"), SiteState.WITHDRAWN),
    DeskAction(
        "close",
        _("Close (demolished / works started)"),
        SiteState.CLOSED,
        asks_closed_reason=True,
    ),
]
DESK_ACTIONS_BY_NAME = {action.name: action for action in DESK_ACTIONS}


class DeskMessageForm(forms.Form):
    """The intermediate page of the actions that explain themselves to the owner."""

    message = forms.CharField(
        label=_("Message to the owner"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        required=False,
    )
    closed_reason = forms.ChoiceField(
        label=_("Closed because"), choices=ClosedReason.choices, required=False
    )

    def __init__(self, *args, action: DeskAction, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        if action.asks_message:
            self.fields["message"].required = True
            self.fields["message"].help_text = _(
                "The owner sees this message on their dashboard; it is also kept in the "
                "site's history."
            )
        else:
            self.fields["message"].label = _("Note for the history (optional)")
        if action.asks_closed_reason:
            self.fields["closed_reason"].required = True
        else:
            del self.fields["closed_reason"]


def run_desk_action(request, action: DeskAction, sites, *, seen_states, message="", reason=""):
    """Apply one desk action to each site and tell the caseworker, per site, what happened."""
    done, failed = [], []
    for site in sites:
        seen = seen_states.get(site.pk)
        fields = dict(action.fields)
        if action.asks_message:
            fields["desk_message"] = message
        if action.asks_closed_reason:
            fields["closed_reason"] = reason
        if action.to_state == SiteState.UNDER_REVIEW:
            fields["reviewer"] = request.user
        try:
            if seen and seen != site.state:
                # The caseworker acted on a state that is no longer there.
                raise SiteConflict()
            if action.from_states and site.state not in action.from_states:
                raise SiteError(
                    _("“%(action)s” does not apply to a site that is “%(state)s”.")
                    % {"action": action.label, "state": SiteState(site.state).label}
                )
            site_transition(
                site=site, to_state=action.to_state, actor=request.user, reason=message, **fields
            )
        except SiteError as error:
            failed.append((site, error.message))
        else:
            done.append(site)
    if done:
        messages.success(
            request,
            ngettext(
                "%(action)s: done for %(count)d site (%(references)s).",
                "%(action)s: done for %(count)d sites (%(references)s).",
                len(done),
            )
            % {
                "action": action.label,
                "count": len(done),
                "references": ", ".join(site.reference or str(site.pk) for site in done),
            },
        )
    for site, error in failed:
        messages.error(
            request,
            _("%(action)s failed for %(reference)s: %(error)s")
            % {"action": action.label, "reference": site.reference or site.pk, "error": error},
        )
    return done, failed


def seen_states_from(post) -> dict[int, str]:
    states = {}
    for key, value in post.items():
        if key.startswith(SEEN_STATE_PREFIX) and value in SiteState.values:
            try:
                states[int(key.removeprefix(SEEN_STATE_PREFIX))] = value
            except ValueError:
                continue
    return states


def make_changelist_action(action: DeskAction):
    """An admin action (changelist drop-down) for one desk action."""

    def changelist_action(modeladmin, request, queryset):
        if request.POST.get("select_across") == "1":
            sites = list(queryset)
        else:
            # Not the filtered queryset: a selected site that has meanwhile left the queue must
            # still be reported (as changed by someone else), not silently skipped.
            selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
            sites = list(Site.objects.filter(pk__in=selected).order_by("reference"))
        if action.asks_message or action.asks_closed_reason:
            form = DeskMessageForm(request.POST if "apply" in request.POST else None, action=action)
            if not form.is_valid():
                return modeladmin.desk_message_page(request, action, sites, form)
            run_desk_action(
                request,
                action,
                sites,
                seen_states=seen_states_from(request.POST),
                message=form.cleaned_data["message"],
                reason=form.cleaned_data.get("closed_reason", ""),
            )
            return None
        run_desk_action(request, action, sites, seen_states=seen_states_from(request.POST))
        return None

    changelist_action.__name__ = action.name
    return admin.action(description=action.label, permissions=["change"])(changelist_action)


# Written only by site_transition, site_create and site_refresh_figures; the owner is chosen in
# the add form and then fixed.
WORKFLOW_FIELDS = PROTECTED_FIELDS - {"owner"}
CONTENT_FIELDS = [
    field.name
    for field in Site._meta.concrete_fields
    if not field.primary_key and field.name not in WORKFLOW_FIELDS
]


PUBLICATION_SHORT = {
    Publication.PUBLIC: pgettext_lazy("publication", "Public"),
    Publication.DESK_ONLY: pgettext_lazy("publication", "Desk only"),
}


# --- Filters ---------------------------------------------------------------------------------


class QueueFilter(SharedQueueFilter):
    """The review queue: the changelist opens on the sites waiting for the desk."""

    TO_REVIEW = "to_review"
    OFFERED = "offered"
    queues = [
        (TO_REVIEW, _("To review")),
        (OFFERED, _("Offered (published or partly occupied)")),
    ]
    default_queue = TO_REVIEW

    def filter_queue(self, request, queryset, value):
        states = TO_REVIEW_STATES if value == self.TO_REVIEW else OFFERED_STATES
        return queryset.filter(state__in=states)


# --- Forms and inlines -----------------------------------------------------------------------


class SiteAdminForm(forms.ModelForm):
    """The admin builds the fields from the fieldsets; this adds the cross-field checks."""

    cadastral_parcels = CapakeyListField()

    def clean(self):
        cleaned = super().clean()
        check_postcode_fits(self, cleaned)
        return cleaned


def without_related_links(formfield):
    """Reference lists are edited on their own pages; pencil and plus icons on every row of an
    inline only get in the way."""
    if formfield is not None and isinstance(formfield.widget, RelatedFieldWidgetWrapper):
        formfield.widget.can_add_related = False
        formfield.widget.can_change_related = False
        formfield.widget.can_view_related = False
    return formfield


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = [*UNIT_FIELDS, "position"]
        widgets = {
            "name": forms.TextInput(attrs={"size": 30}),
            "floor": forms.TextInput(attrs={"size": 5}),
            "surface_m2": forms.NumberInput(attrs={"class": "vIntegerField"}),
            "fee_amount": forms.NumberInput(attrs={"class": "vIntegerField"}),
            "position": forms.NumberInput(attrs={"class": "vIntegerField"}),
        }


class CappedInline:
    """An inline of at most `max_num` rows, checked on the server too, as in the owner's
    editor: a forged TOTAL_FORMS builds no more forms than that, and is an error."""

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.update(validate_max=True, absolute_max=self.max_num)
        return super().get_formset(request, obj, **kwargs)


class UnitInline(CappedInline, admin.TabularInline):
    model = Unit
    form = UnitForm
    formset = CappedUnitFormSet
    extra = 0
    max_num = MAX_UNITS

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return without_related_links(super().formfield_for_dbfield(db_field, request, **kwargs))


class SitePhotoForm(forms.ModelForm):
    """Uploads go through `process_photo`: checked by content, re-encoded, metadata stripped."""

    upload = forms.FileField(
        label=_("new photo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 15 MB."),
    )

    class Meta:
        model = SitePhoto
        fields = ["caption", "position"]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if upload:
            try:
                image, thumbnail, width, height = process_photo(upload)
            except ValidationError as error:
                self.add_error("upload", error)
                return cleaned
            self.instance.image = image
            self.instance.thumbnail = thumbnail
            self.instance.width = width
            self.instance.height = height
        elif not self.instance.pk:
            self.add_error("upload", _("Choose a photo to upload."))
        return cleaned


class SitePhotoInline(CappedInline, TranslationTabularInline):
    model = SitePhoto
    form = SitePhotoForm
    extra = 0
    max_num = MAX_PHOTOS
    fields = ["preview", "upload", "caption", "position"]
    readonly_fields = ["preview"]

    @admin.display(description=_("photo"))
    def preview(self, obj: SitePhoto) -> str:
        if not obj.pk:
            return ""
        try:
            thumb = reverse("properties:photo", args=[obj.site_id, obj.pk, "thumb"])
            full = reverse("properties:photo", args=[obj.site_id, obj.pk, "full"])
        except NoReverseMatch:
            return obj.image.name.rsplit("/", 1)[-1]
        return format_html(
            '<a href="{}"><img src="{}" alt="{}" width="120"></a>', full, thumb, obj.caption
        )


class SiteDocumentForm(forms.ModelForm):
    class Meta:
        model = SiteDocument
        fields = ["title", "file", "is_public"]

    def clean_file(self):
        file = self.cleaned_data["file"]
        if isinstance(file, UploadedFile):
            validate_pdf(file)
        return file


class SiteDocumentInline(CappedInline, admin.TabularInline):
    model = SiteDocument
    form = SiteDocumentForm
    extra = 0
    max_num = MAX_DOCUMENTS


class SiteTransitionInline(admin.TabularInline):
    """The site's history, read-only: only site_transition writes it."""

    model = SiteTransition
    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "from_state", "to_state", "reason"]
    readonly_fields = fields
    verbose_name_plural = _("history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# --- The site admin --------------------------------------------------------------------------


@admin.register(Site)
class SiteAdmin(TabbedTranslationAdmin):
    # Desk buttons on the change page (shared by the desk's admins).
    change_form_template = "admin/properties/site/change_form.html"
    form = SiteAdminForm
    list_display = [
        "reference",
        "title_column",
        "owner",
        "commune",
        "state_column",
        "publication_column",
        "surface_column",
        "updated_column",
    ]
    list_display_links = ["reference", "title_column"]
    list_select_related = ["owner", "commune"]
    list_filter = [QueueFilter, "state", "publication", "commune"]
    search_fields = [
        "reference",
        "street",
        "postcode",
        "owner__name",
        "internal_reference",
        "title_nl",
        "title_fr",
    ]
    ordering = ["-updated_at"]
    list_per_page = 50
    autocomplete_fields = ["owner", "manager"]
    inlines = [UnitInline, SitePhotoInline, SiteDocumentInline, SiteTransitionInline]
    actions = [make_changelist_action(action) for action in DESK_ACTIONS]
    readonly_fields = [
        "reference",
        "state",
        "publication",
        "desk_message",
        "closed_reason",
        "reviewer",
        "total_surface_m2",
        "estimated_monthly_cost",
        "submitted_at",
        "published_at",
        "created_by",
    ]
    fieldsets = [
        (
            _("Workflow"),
            {
                "fields": [
                    ("reference", "state", "publication"),
                    "desk_message",
                    ("closed_reason", "reviewer", "created_by"),
                    ("submitted_at", "published_at"),
                ]
            },
        ),
        (
            _("Identity"),
            {"fields": ["owner", "manager", "internal_reference", "title", "description"]},
        ),
        (
            _("Location"),
            {
                "fields": [
                    ("street", "number", "box"),
                    ("postcode", "commune"),
                    ("latitude", "longitude"),
                    "public_precision",
                    "cadastral_parcels",
                    "public_transport",
                ]
            },
        ),
        (
            _("Kind and state"),
            {
                "fields": [
                    ("kind", "condition", "heritage_listed"),
                    "former_use",
                    "vacant_since",
                    "vacancy_reason",
                    ("future_project", "future_project_start"),
                ]
            },
        ),
        (
            _("Availability"),
            {
                "fields": [
                    ("available_from", "available_until"),
                    ("min_duration_months", "max_duration_months", "notice_period_months"),
                    "extension_possible",
                ]
            },
        ),
        (
            _("Technical"),
            {
                "classes": ["collapse"],
                "fields": [
                    ("has_electricity", "has_water", "has_heating"),
                    ("has_toilets", "has_kitchen", "has_internet"),
                    ("ceiling_height_m", "has_loading_access"),
                    ("step_free_access", "accessible_toilet"),
                    ("open_to_public", "max_occupancy"),
                    ("fire_safety_status", "fire_safety_date"),
                ],
            },
        ),
        (
            _("Uses"),
            {
                "classes": ["collapse"],
                "fields": [
                    "allowed_activities",
                    "restrictions",
                    "noise_and_hours_limits",
                    "housing_allowed",
                ],
            },
        ),
        (
            _("Terms"),
            {
                "fields": [
                    "economic_model",
                    ("fee_amount", "charges_monthly", "deposit"),
                    ("total_surface_m2", "estimated_monthly_cost"),
                    "insurance",
                    "owner_expectations",
                ]
            },
        ),
    ]

    @admin.display(description=_("title"), ordering="title")
    def title_column(self, obj: Site) -> str:
        return obj.title or obj.address or "–"

    @admin.display(description=_("publication"), ordering="publication")
    def publication_column(self, obj: Site) -> str:
        return PUBLICATION_SHORT.get(obj.publication, "–")

    @admin.display(description=_("total surface"), ordering="total_surface_m2")
    def surface_column(self, obj: Site) -> str:
        return f"{number_format(obj.total_surface_m2, 0, force_grouping=True)} m²"

    @admin.display(description=_("last saved"), ordering="updated_at")
    def updated_column(self, obj: Site) -> str:
        return date_format(localtime(obj.updated_at), "SHORT_DATE_FORMAT")

    @admin.display(description=_("state"), ordering="state")
    def state_column(self, obj: Site) -> str:
        return format_html(
            '{}<input type="hidden" name="{}{}" value="{}">',
            obj.get_state_display(),
            SEEN_STATE_PREFIX,
            obj.pk,
            obj.state,
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("commune", "kind", "condition", "economic_model"):
            return without_related_links(formfield)
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "allowed_activities":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            # A new site is a draft: nothing of the workflow to show yet.
            return fieldsets[1:]
        return fieldsets

    def save_model(self, request, obj, form, change):
        if change:
            # Never write the workflow columns from the form's copy: a transition made by
            # someone else since this page was loaded must survive this save.
            obj.save(update_fields=CONTENT_FIELDS)
            return
        # A caseworker creates a site on an owner's behalf (found by prospecting, say): the
        # domain function gives it its reference and records who created it.
        names = {f.name for f in Site._meta.concrete_fields} - {"id", "owner"}
        fields = {name: value for name, value in form.cleaned_data.items() if name in names}
        created = site_create(actor=request.user, owner=form.cleaned_data["owner"], **fields)
        for attribute in ("pk", "reference", "created_by_id", "created_at", "updated_at"):
            setattr(obj, attribute, getattr(created, attribute))
        obj._state.adding = False
        obj._state.db = created._state.db

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Units and terms decide the total surface and the estimated cost.
        site_refresh_figures(site=form.instance)

    # --- Buttons on the change page ------------------------------------------------------

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/desk-action/<str:action_name>/",
                self.admin_site.admin_view(self.desk_action_view),
                name="properties_site_desk_action",
            ),
        ]
        return urls + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        site = self.get_object(request, object_id)
        if site is not None and self.has_change_permission(request, site):
            extra_context["desk_actions"] = self.available_actions(request, site)
        return super().change_view(request, object_id, form_url, extra_context)

    def available_actions(self, request, site: Site) -> list[DeskAction]:
        targets = set(allowed_targets(site, request.user))
        return [
            action
            for action in DESK_ACTIONS
            if action.to_state in targets
            and (not action.from_states or site.state in action.from_states)
        ]

    def desk_action_view(self, request, object_id, action_name):
        site = get_object_or_404(Site, pk=object_id)
        action = DESK_ACTIONS_BY_NAME.get(action_name)
        if action is None or request.method != "POST":
            return redirect("admin:properties_site_change", site.pk)
        if not self.has_change_permission(request, site):
            raise PermissionDenied
        seen_states = {site.pk: request.POST.get("seen_state", site.state)}
        if action.asks_message or action.asks_closed_reason:
            form = DeskMessageForm(request.POST if "apply" in request.POST else None, action=action)
            if not form.is_valid():
                return self.desk_message_page(
                    request, action, [site], form, seen_states=seen_states
                )
            run_desk_action(
                request,
                action,
                [site],
                seen_states=seen_states,
                message=form.cleaned_data["message"],
                reason=form.cleaned_data.get("closed_reason", ""),
            )
        else:
            run_desk_action(request, action, [site], seen_states=seen_states)
        return redirect("admin:properties_site_change", site.pk)

    def desk_message_page(self, request, action, sites, form, *, seen_states=None):
        if seen_states is None:
            seen_states = seen_states_from(request.POST)
        context = {
            **self.admin_site.each_context(request),
            "title": action.label,
            "opts": self.model._meta,
            "action": action,
            "objects": sites,
            "form": form,
            "seen_states": [(site.pk, seen_states.get(site.pk, site.state)) for site in sites],
            "seen_state_prefix": SEEN_STATE_PREFIX,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "from_changelist": ACTION_CHECKBOX_NAME in request.POST,
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/desk/action_page.html", context)


@admin.register(SiteTransition)
class SiteTransitionAdmin(admin.ModelAdmin):
    """The history of every site, for the desk to read; only site_transition writes it."""

    list_display = ["created_at", "site", "from_state", "to_state", "actor", "reason"]
    list_select_related = ["site", "actor"]
    list_filter = ["to_state"]
    search_fields = ["site__reference", "reason"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
