"""What each role may do by default. Loaded into the role Groups by a data migration and by
`manage.py demo_data`; after that the center edits the Groups in the admin."""
INTAKE = ["receive_case", "register_case", "decline_case", "answer_case", "transfer_case", "add_evidence_case"]
HANDLING = [
    "accept_case", "return_case", "contact_case", "stage_reply_case", "request_extension_case", "reply_case",
    "add_evidence_case", "decide_legal_case",
]
# return_case: a district center returns a case outside its district to the center (退回).
OVERSIGHT = INTAKE + [
    "dispatch_case", "redispatch_case", "return_case", "decide_extension_case", "approve_reply_case", "redo_case",
    "follow_up_case", "archive_case", "reopen_case", "decide_legal_case",
]

ROLE_PERMISSIONS = {
    "clerk": INTAKE,
    "handler": HANDLING,
    # The leader signs off the unit's replies where the unit requires it (经办人 → 负责人).
    "unit_leader": HANDLING + ["redispatch_case", "reassign_case", "sign_off_reply_case"],
    "supervisor": OVERSIGHT,
    # A sensitive case's reply is approved by the director (报批).
    "director": OVERSIGHT + ["approve_sensitive_reply_case"],
}
