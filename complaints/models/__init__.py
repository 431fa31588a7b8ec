from .assignments import CaseAssignment, CaseRouting, CrossRegionNotice
from .case import Case, CaseNumberSequence
from .events import Attachment, CaseEvent
from .integration import ApiKey, ExternalCaseRef, ExternalSystem, Open311Service, WebhookDelivery
from .notices import Notification
from .rating import PublicRating
from .reference import DeclineReason
from .requests import ExtensionRequest

__all__ = [
    "ApiKey",
    "ExternalCaseRef",
    "ExternalSystem",
    "Open311Service",
    "WebhookDelivery",
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
