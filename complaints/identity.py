"""Whose identity a viewer may see: the one home of that rule.

An anonymous reporter's name, phone, address and ID number are seen only by the city center and the
unit that registered the report (Order 20 art. 33, Order 121; SPEC §3: the identity never reaches
the respondent, and the handling unit is the respondent's regulator). Everything that lets data
leave the case asks here: the case page and its edit form, the API's case and history, webhook
payloads, search by phone and repeat linking. The model itself keeps the true values, because the
workflow's own conditions (whether the reporter can be contacted) depend on them.
"""
from django.db.models import Q

from .access_log import identity_access_note

IDENTITY_FIELDS = ("complainant_name", "complainant_phone", "complainant_address", "complainant_id_number")
# Who the reporter is also shows in whether they chose anonymity; a viewer who may not see the
# identity may not change that choice either.
IDENTITY_CHOICE_FIELDS = (*IDENTITY_FIELDS, "anonymous")
# What stands in the history for a value that was hidden when it was written.
MASKED = "***"


def _sees_every_identity(user) -> bool:
    return user.is_superuser or getattr(user, "is_center_staff", False)


def may_see_identity(*, case, user) -> bool:
    """Whether `user` may see who filed `case`."""
    if not case.anonymous:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return _sees_every_identity(user) or (user.unit_id is not None and user.unit_id == case.registering_unit_id)


def identity_shown(*, case, user) -> bool:
    """Whether `user` is shown who filed `case`, for a page about to show it: the showing is
    recorded in the personal-data access log (complaints/access_log.py) when it is."""
    if not may_see_identity(case=case, user=user):
        return False
    identity_access_note(case=case, user=user, fields=[name for name in IDENTITY_FIELDS if getattr(case, name, "")])
    return True


def identity_visible_filter(user) -> Q | None:
    """The cases whose identity `user` may see, as a filter; None means all of them."""
    if _sees_every_identity(user):
        return None
    if not getattr(user, "is_authenticated", False) or user.unit_id is None:
        return Q(anonymous=False)
    return Q(anonymous=False) | Q(registering_unit_id=user.unit_id)


def identity_phone_match(*, user, phone: str) -> Q:
    """Cases filed from `phone` that `user` may know were filed from it (search by phone)."""
    match = Q(complainant_phone=phone)
    visible = identity_visible_filter(user)
    return match if visible is None else match & visible


def identity_output(*, case, user, values: dict) -> dict:
    """`values` (a case's fields as a page or the API sends them) with the identity blanked when
    `user` may not see it."""
    if may_see_identity(case=case, user=user):
        identity_access_note(case=case, user=user, fields=[name for name in IDENTITY_FIELDS if values.get(name)])
        return values
    return _blanked(values)


def identity_outbound(*, case, values: dict) -> dict:
    """`values` as a document sent outside the center carries them (分流单 to the handling unit,
    移送函 to another department): an anonymous reporter's identity never goes out."""
    return _blanked(values) if case.anonymous else values


def _blanked(values: dict) -> dict:
    return {**values, **{name: "" for name in IDENTITY_FIELDS if name in values}}


def identity_history_data(*, case, user, data: dict) -> dict:
    """A history row's details as `user` may read them: the old and new values of an identity
    field are hidden when the case's identity is hidden from `user` (rows written before values
    were masked at write time included)."""
    if may_see_identity(case=case, user=user):
        return data
    return identity_history_scrub(data)


def identity_history_scrub(data: dict) -> dict:
    """`data` without the values of changed identity fields."""
    changed = data.get("changed") if isinstance(data, dict) else None
    if not isinstance(changed, dict) or not changed.keys() & set(IDENTITY_FIELDS):
        return data
    scrubbed = {name: ({"from": MASKED, "to": MASKED} if name in IDENTITY_FIELDS else change)
                for name, change in changed.items()}
    return {**data, "changed": scrubbed}


def identity_change_data(*, was_anonymous: bool, is_anonymous: bool, changed: dict) -> dict:
    """What the history keeps of an edit: identity values never go into it while the reporter is
    (or was) anonymous; the change itself (which field, who, when) is kept."""
    if not (was_anonymous or is_anonymous):
        return {"changed": changed}
    return identity_history_scrub({"changed": changed})


def identity_repeat_match(case) -> Q | None:
    """The earlier cases `case` may be linked to as a repeat by its complainant's phone, or None.
    An anonymous report is never linked that way, nor a named complaint to one: the link (and its
    note, in both cases' history) would tell the handling unit who reported."""
    phone = case.complainant_phone.strip()
    if case.anonymous or not phone:
        return None
    return Q(anonymous=False, complainant_phone=phone)
