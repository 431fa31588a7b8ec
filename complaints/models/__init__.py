from .assignments import CaseAssignment, CaseRouting, CrossRegionNotice
from .case import Case, CaseNumberSequence
from .events import Attachment, CaseEvent
from .notices import Notification
from .rating import PublicRating
from .reference import DeclineReason
from .requests import ExtensionRequest

__all__ = [
    "Attachment",
    "Case",
    "CaseAssignment",
    "CaseRouting",
    "CrossRegionNotice",
    "CaseEvent",
    "CaseNumberSequence",
    "DeclineReason",
    "ExtensionRequest",
    "Notification",
    "PublicRating",
]
