"""The desk's admin for sites: a review queue, translation tabs, inlines, and actions that call
`properties.domain.site_transition`. Nothing here sets a state itself."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from loket.admin_desk import DeskAction, DeskAdmin, HistoryInline
from loket.admin_files import PrivateFilesForm
from loket.admin_filters import QueueFilter as SharedQueueFilter
from loket.formatting import area, number

from .domain import site_create, site_refresh_figures, site_transition
from .domain.sites import PROTECTED_FIELDS, WORKFLOW
from .enums import OFFERED_STATES, TO_REVIEW_STATES, ClosedReason, Publication, SiteState
from .files import process_photo, validate_pdf
from .forms import (
    UNIT_FIELDS,
    CapakeyListField,
    CappedUnitFormSet,
    DateInput,
    check_postcode_fits,
)
from .models import Site, SiteDocument, SitePhoto, SiteTransition, Unit
from .models.media import MAX_DOCUMENTS, MAX_PHOTOS
from .models.unit import MAX_UNITS

# --- Desk actions ----------------------------------------------------------------------------


class OwnerMessageForm(forms.Form):
    """What the owner is told: kept on the site for their dashboard, and in the history."""

    message = forms.CharField(
        label=_("Message to the owner"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text=_(
            "The owner sees this message on their dashboard; it is also kept in the site's history."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        if "message" in cleaned:
            cleaned["desk_message"] = cleaned["message"]
        return cleaned


class CloseForm(forms.Form):
    closed_reason = forms.ChoiceField(label=_("Closed because"), choices=ClosedReason.choices)
    message = forms.CharField(
        label=_("Note for the history (optional)"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        required=False,
    )


def publish(publication: str = ""):
    """Published again: the owner's message is cleared; the publication set, when given."""
    fields = {"desk_message": ""} | ({"publication": publication} if publication else {})

    def run(site, actor, data):
        site_transition(site=site, to_state=SiteState.PUBLISHED, actor=actor, **fields)

    return run


# Where the publish buttons apply: not on an occupied site, which its bookings publish again
# (matching's site_sync_occupancy), though the workflow allows the move.
PUBLISHABLE = (
    SiteState.SUBMITTED,
    SiteState.UNDER_REVIEW,
    SiteState.SUSPENDED,
    SiteState.PUBLISHED,
)
DESK_ACTIONS = [
    DeskAction("start_review", _("Start review"), SiteState.UNDER_REVIEW),
    DeskAction(
        "publish_public",
        _("Publish (public)"),
        SiteState.PUBLISHED,
        run=publish(Publication.PUBLIC),
        from_states=PUBLISHABLE,
    ),
    DeskAction(
        "publish_desk_only",
        _("Publish (desk only)"),
        SiteState.PUBLISHED,
        run=publish(Publication.DESK_ONLY),
        from_states=PUBLISHABLE,
    ),
    DeskAction(
        "send_back",
        _("Send back to the owner with a message"),
        SiteState.DRAFT,
        form=OwnerMessageForm,
    ),
    DeskAction("suspend", _("Suspend with a message"), SiteState.SUSPENDED, form=OwnerMessageForm),
    DeskAction(
        "resume",
        _("Resume"),
        SiteState.PUBLISHED,
        run=publish(),
        from_states=(SiteState.SUSPENDED,),  # the publish buttons serve the other states
    ),
    DeskAction("mark_released", _("Mark released"), SiteState.RELEASED),
    DeskAction("withdraw", _("Withdraw"), SiteState.WITHDRAWN),
    DeskAction("close", _("Close (demolished / works started)"), SiteState.CLOSED, form=CloseForm),
]


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
    """A row of the units table: narrow inputs and the browser's own date picker, so that the
    ten columns fit the page at 1,280 pixels."""

    class Meta:
        model = Unit
        fields = [*UNIT_FIELDS, "position"]
        widgets = {
            "name": forms.TextInput(attrs={"size": 12}),
            "floor": forms.TextInput(attrs={"size": 3}),
            "surface_m2": forms.NumberInput(attrs={"class": "vIntegerField"}),
            "available_from": DateInput,
            "available_until": DateInput,
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


def _document_url(document: SiteDocument) -> str:
    return reverse("properties:document", args=[document.site_id, document.pk])


class SiteDocumentForm(PrivateFilesForm):
    file_urls = {"file": _document_url}

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


class SiteTransitionInline(HistoryInline):
    model = SiteTransition


# --- The site admin --------------------------------------------------------------------------


@admin.register(Site)
class SiteAdmin(DeskAdmin, TabbedTranslationAdmin):
    change_form_template = "admin/properties/site/change_form.html"
    workflow = WORKFLOW
    transition_function = staticmethod(site_transition)
    desk_actions = DESK_ACTIONS
    desk_action_ordering = ("reference",)
    done_message = ngettext_lazy(
        "%(action)s: done for %(count)d site (%(references)s).",
        "%(action)s: done for %(count)d sites (%(references)s).",
        "count",
    )
    failed_message = _("%(action)s failed for %(reference)s: %(error)s")
    not_applicable_message = _("“%(action)s” does not apply to a site that is “%(state)s”.")
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
    readonly_fields = [
        "reference",
        "state",
        "publication",
        "desk_message",
        "closed_reason",
        "reviewer",
        "total_surface",
        "estimated_cost",
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
                    ("total_surface", "estimated_cost"),
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
        return area(obj.total_surface_m2) or "–"

    @admin.display(description=Site._meta.get_field("total_surface_m2").verbose_name)
    def total_surface(self, obj: Site) -> str:
        # The label says the unit.
        return number(obj.total_surface_m2) or "–"

    @admin.display(description=Site._meta.get_field("estimated_monthly_cost").verbose_name)
    def estimated_cost(self, obj: Site) -> str:
        return number(obj.estimated_monthly_cost, 2) or "–"

    @admin.display(description=_("last saved"), ordering="updated_at")
    def updated_column(self, obj: Site) -> str:
        return date_format(localtime(obj.updated_at), "SHORT_DATE_FORMAT")

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

    # --- Desk actions --------------------------------------------------------------------

    def transition_fields(self, site, to_state, actor, data):
        """The owner's message and the reason for closing, from the action's form; the
        caseworker who starts the review becomes its reviewer."""
        fields = {name: data[name] for name in ("desk_message", "closed_reason") if name in data}
        if to_state == SiteState.UNDER_REVIEW:
            fields["reviewer"] = actor
        return fields


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
