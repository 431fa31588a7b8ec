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
    "unit_leader": HANDLING + ["redispatch_case", "reassign_case"],
    "supervisor": OVERSIGHT,
    "director": OVERSIGHT,
}
