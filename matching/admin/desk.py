"""What the match and occupation admins share besides the desk actions (`loket.admin_desk`):
the explanation lines of a score, and small helpers."""

from dataclasses import dataclass

from django import forms
from django.utils.html import format_html, format_html_join

from loket.communes.models import Commune
from loket.reference.models import ActivityType

from ..enums import MatchState, OccupationState
from ..scoring import explain

M = MatchState
OS = OccupationState
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
