from .assignments import CaseAssignment, CaseRouting, CrossRegionNotice
from .case import Case, CaseNumberSequence
from .demo import DemoDatabase
from .events import Attachment, CaseEvent
from .evidence import EvidenceSettings
from .inbox_tally import InboxTally
from .notices import Notification
from .open_tally import OpenCaseTally
from .procedure import LegalDecision, StatutoryGround
from .rating import PublicRating
from .reference import DeclineReason
from .repeats import CaseCluster, IntakeSettings, ProfessionalClaimant
from .requests import ExtensionRequest
from .security import PersonalDataAccess, TotpDevice, TotpRecoveryCode
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
    "EvidenceSettings",
    "DemoDatabase",
    "ExtensionRequest",
    "FormSubmission",
    "InboxTally",
    "IntakeSettings",
    "LegalDecision",
    "Notification",
    "OpenCaseTally",
    "PersonalDataAccess",
    "ProfessionalClaimant",
    "PublicRating",
    "StatutoryGround",
    "TotpDevice",
    "TotpRecoveryCode",
    "ReplyDraft",
]
