from .assignments import CaseAssignment, CaseRouting, CrossRegionNotice
from .case import Case, CaseNumberSequence
from .events import Attachment, CaseEvent
from .notices import Notification
from .rating import PublicRating
from .reference import DeclineReason
from .repeats import CaseCluster, IntakeSettings, ProfessionalClaimant
from .requests import ExtensionRequest
from .signoff import ReplyDraft
from .submissions import FormSubmission

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
    "ExtensionRequest",
    "FormSubmission",
    "IntakeSettings",
    "Notification",
    "ProfessionalClaimant",
    "PublicRating",
    "ReplyDraft",
]
