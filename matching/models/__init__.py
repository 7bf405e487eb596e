from .match import Match, MatchTransition, VisitSlot, VisitSlotTransition
from .occupation import (
    Incident,
    IndicatorReport,
    InsuranceCertificate,
    Occupation,
    OccupationTransition,
    OccupationUnit,
    SteeringMeeting,
)
from .suggestion import SiteSharing, Suggestion

__all__ = [
    "Incident",
    "IndicatorReport",
    "InsuranceCertificate",
    "Match",
    "MatchTransition",
    "Occupation",
    "OccupationTransition",
    "OccupationUnit",
    "SiteSharing",
    "SteeringMeeting",
    "Suggestion",
    "VisitSlot",
    "VisitSlotTransition",
]
