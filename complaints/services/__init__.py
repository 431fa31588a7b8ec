"""Every change to a case goes through one of these functions, each in one transaction with its
history row and clock changes (the clock rows are written by the deadline layer, deadlines.services,
which these call with the case they hold)."""
from .assignment import case_reassign
from .dispatch import (
    case_answer,
    case_decline,
    case_dispatch,
    case_redispatch,
    case_return,
    case_transfer_out,
)
from .handling import (
    case_accept,
    case_decide_extension,
    case_record_contact,
    case_reply,
    case_request_extension,
    case_stage_reply,
)
from .history import case_event_record
from .intake import case_attachment_add, case_receive, case_register, case_update_details
from .notifications import notification_mark_read, notification_send
from .procedure import (
    case_accept_complaint,
    case_decision_notice,
    case_mediation_record,
    case_refuse_acceptance,
    case_report_decide,
    case_report_repeat,
    case_reports_merge,
)
from .public import case_public_rating_open, case_rate_public
from .review import case_approve_reply, case_archive, case_follow_up, case_reopen, case_return_for_redo

__all__ = [
    "case_accept", "case_answer", "case_approve_reply", "case_archive", "case_attachment_add",
    "case_decide_extension", "case_decline", "case_dispatch", "case_event_record", "case_follow_up",
    "case_receive", "case_record_contact", "case_redispatch", "case_register", "case_reopen", "case_reply",
    "case_request_extension", "case_return", "case_return_for_redo", "case_stage_reply", "case_transfer_out",
    "case_update_details", "notification_mark_read", "notification_send",
    "case_reassign", "case_public_rating_open", "case_rate_public",
    "case_accept_complaint", "case_decision_notice", "case_mediation_record", "case_refuse_acceptance",
    "case_report_decide", "case_report_repeat", "case_reports_merge",
]
