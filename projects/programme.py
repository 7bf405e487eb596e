"""A mixed programme edited as rows of a use and its share, for the desk's admin.

The programme is stored as [{"use": "studios", "share": 60}, ...] (`Application.programme`).
Instead of that JSON, the admin shows a small table: one row per use, two empty rows to add
more (saving brings new empty rows), each input labelled. A row that is wrong is marked, and
the field's errors name its row; the shares must add up to 100, as in the holder's editor.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .forms import MAX_PROGRAMME_USES

# The longest name of a use.
USE_MAX_LENGTH = 100
EMPTY_ROWS = 2


def row_problem(use: str, share: str) -> str | None:
    """What is wrong with one row, or None; an empty row is not wrong, only ignored."""
    use, share = use.strip(), share.strip()
    if not use and not share:
        return None
    if not use:
        return _("name the use")
    if "\x00" in use:
        return _("a use cannot hold a null character")
    if len(use) > USE_MAX_LENGTH:
        return _("a use has at most %(max)d characters") % {"max": USE_MAX_LENGTH}
    if not (share.isascii() and share.isdigit() and 1 <= int(share) <= 100):
        return _("the share is a whole number from 1 to 100")
    return None


def as_rows(value) -> list[tuple[str, str]]:
    """The rows to show: from the stored programme, or as they were typed."""
    rows = []
    for item in value or []:
        if isinstance(item, dict):
            rows.append((str(item.get("use", "")), str(item.get("share", ""))))
        else:
            use, share = item
            rows.append((use, share))
    return rows


class ProgrammeWidget(forms.Widget):
    """A table of uses and shares; the first use's input carries the field's id, so that the
    field's label, help and errors point at it."""

    def value_from_datadict(self, data, files, name) -> list[tuple[str, str]]:
        rows = []
        for index in range(MAX_PROGRAMME_USES):
            use = data.get(f"{name}-{index}-use")
            share = data.get(f"{name}-{index}-share")
            if use is None and share is None:
                break
            rows.append((use or "", share or ""))
        return rows

    def value_omitted_from_data(self, data, files, name) -> bool:
        return f"{name}-0-use" not in data and f"{name}-0-share" not in data

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        base_id = attrs.get("id") or f"id_{name}"
        shared = {key: attrs[key] for key in ("aria-describedby", "disabled") if key in attrs}
        rows = as_rows(value)
        count = min(max(len(rows) + EMPTY_ROWS, 3), MAX_PROGRAMME_USES)
        rows += [("", "")] * (count - len(rows))
        body = format_html_join(
            "\n",
            "{}",
            (
                (self.render_row(name, base_id, index, use, share, shared),)
                for index, (use, share) in enumerate(rows)
            ),
        )
        return format_html(
            '<table class="programme-rows">'
            '<thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th>'
            "</tr></thead><tbody>{}</tbody></table>",
            _("Row"),
            pgettext_lazy("programme", "Use"),
            _("Share (%)"),
            body,
        )

    def render_row(self, name, base_id, index, use, share, shared) -> str:
        number = index + 1
        use_id = base_id if index == 0 else f"{base_id}-{index}-use"
        share_id = f"{base_id}-{index}-share"
        wrong = row_problem(use, share) is not None
        invalid = {"aria-invalid": "true"} if wrong else {}
        use_input = forms.TextInput().render(
            f"{name}-{index}-use",
            use,
            {"id": use_id, "maxlength": USE_MAX_LENGTH, **shared, **invalid},
        )
        share_input = forms.NumberInput().render(
            f"{name}-{index}-share",
            share,
            {"id": share_id, "min": 1, "max": 100, "step": 1, **shared, **invalid},
        )
        return format_html(
            '<tr{}><th scope="row">{}</th>'
            '<td><label class="visually-hidden" for="{}">{}</label>{}</td>'
            '<td><label class="visually-hidden" for="{}">{}</label>{}</td></tr>',
            format_html(' class="{}"', "programme-row-error") if wrong else "",
            number,
            use_id,
            _("Use %(number)d") % {"number": number},
            use_input,
            share_id,
            _("Share of use %(number)d, in %%") % {"number": number},
            share_input,
        )


class ProgrammeRowsField(forms.Field):
    """The rows, checked one by one, then together: the shares add up to 100."""

    widget = ProgrammeWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mixed programme"))
        kwargs.setdefault(
            "help_text",
            _(
                "One use per row with its share in percent; the shares add up to 100. Leave it "
                "empty if there is a single use. Saving adds empty rows for more uses."
            ),
        )
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value) -> list[dict]:
        rows = as_rows(value)
        errors, programme = [], []
        for index, (use, share) in enumerate(rows):
            problem = row_problem(use, share)
            if problem is not None:
                errors.append(
                    ValidationError(
                        _("Row %(number)d: %(problem)s."),
                        code="programme_row",
                        params={"number": index + 1, "problem": problem},
                    )
                )
            elif use.strip():
                programme.append({"use": use.strip(), "share": int(share)})
        if errors:
            raise ValidationError(errors)
        total = sum(item["share"] for item in programme)
        if programme and total != 100:
            raise ValidationError(
                _("The shares of the programme add up to %(total)s %%, not 100 %%."),
                code="programme_total",
                params={"total": total},
            )
        return programme

    def has_changed(self, initial, data) -> bool:
        try:
            return self.to_python(data) != (initial or [])
        except ValidationError:
            return True
