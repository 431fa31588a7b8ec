from .assignments import CaseAssignment, CaseRouting, CrossRegionNotice
from .case import Case, CaseNumberSequence
from .demo import DemoDatabase
from .events import Attachment, CaseEvent
from .notices import Notification
from .rating import PublicRating
from .reference import DeclineReason
from .repeats import CaseCluster, IntakeSettings, ProfessionalClaimant
from .requests import ExtensionRequest

__all__ = [
    "Attachment",
    "Case",
    "CaseAssignment",
    "CaseCluster",
    "CaseRouting",
    "CrossRegionNotice",
    "CaseEvent",
    "CaseNumberSequence",
    "DeclineReason",
    "DemoDatabase",
    "ExtensionRequest",
    "IntakeSettings",
    "Notification",
    "ProfessionalClaimant",
    "PublicRating",
]
