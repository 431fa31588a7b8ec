from .assignments import CaseAssignment, CaseRouting, CrossRegionNotice
from .case import Case, CaseNumberSequence
from .clock import CaseClock
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
    "CaseClock",
    "CaseEvent",
    "CaseNumberSequence",
    "DeclineReason",
    "ExtensionRequest",
    "Notification",
    "PublicRating",
]
