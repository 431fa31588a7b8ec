"""What a case's details accept, whatever the door: the intake form, the edit form, the API and
Open311 all pass their values through `case_fields_check` (called by the intake services), so a
work order the form would refuse is refused by the API too, with the same message on the same field.

The five elements (五要素) are not checked here: a received case may lack them; registering is
what needs them (the `register` transition's condition).
"""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from routing.models import PlatformJurisdiction

from .inputs import typed_text_check
from .models import Case
from .models.choices import CaseKind

PHONE_PATTERN = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|12315|12345)$")
CREDIT_CODE_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def _phone(value: str) -> str:
    return value.strip().replace(" ", "")


def case_fields_check(*, fields: dict, current: Case | None = None) -> dict:
    """`fields` normalised (phones without spaces, the credit code in capitals), or ApplicationError
    naming every field at fault. `current` is the case being corrected: a field not sent keeps its
    value there, so a correction is judged together with what the case already holds."""
    fields = dict(fields)
    errors: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    for name, value in fields.items():
        limit = _COLUMN_LIMITS.get(name)
        if limit and isinstance(value, str) and len(value) > limit:
            try:
                typed_text_check(value, model=Case, field_name=name)
            except ValidationError as error:
                refuse(name, error.messages[0])
    phone_messages = {"complainant_phone": _("电话号码格式不正确：请填写11位手机号或带区号的固定电话。"),
                      "respondent_phone": _("电话号码格式不正确。")}
    for name, message in phone_messages.items():
        if isinstance(fields.get(name), str):
            fields[name] = _phone(fields[name])
            if fields[name] and not PHONE_PATTERN.match(fields[name]):
                refuse(name, message)
    if isinstance(fields.get("respondent_credit_code"), str):
        fields["respondent_credit_code"] = code = fields["respondent_credit_code"].strip().upper()
        if code and not CREDIT_CODE_PATTERN.match(code):
            refuse("respondent_credit_code", _("统一社会信用代码应为18位。"))

    def value(name: str):
        return fields[name] if name in fields else getattr(current, name, _DEFAULTS[name])

    kind, anonymous = value("kind"), value("anonymous")
    if anonymous and kind != CaseKind.REPORT:
        refuse("anonymous", _("只有举报可以匿名；投诉须留下投诉人信息。"))
    if not anonymous:
        if not (value("complainant_name") or "").strip():
            refuse("complainant_name", _("请填写投诉人姓名或名称（举报人可选择匿名）。"))
        if not value("complainant_phone") and "complainant_phone" not in errors:
            refuse("complainant_phone", _("请填写联系电话，以便承办单位联系。"))
    _platform_check(fields, value, refuse)
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, errors=errors)
    return fields


def _platform_check(fields: dict, value, refuse) -> None:
    """A platform merchant with no address on record is routed by the platform operator's home
    (Order 121): said at intake without the clerk having to choose it, and undone once an address
    is supplied, unless the clerk chose the rule (unreachable) or sends it explicitly."""
    platform, reason = value("respondent_platform"), value("platform_jurisdiction")
    has_address = bool((value("respondent_address") or "").strip())
    if reason and not platform:
        refuse("respondent_platform", _("按平台经营者住所地管辖须先填写电商平台。"))
    elif "platform_jurisdiction" not in fields or not fields["platform_jurisdiction"]:
        if platform and not has_address and not reason:
            fields["platform_jurisdiction"] = PlatformJurisdiction.NO_ADDRESS
        elif has_address and reason == PlatformJurisdiction.NO_ADDRESS and "platform_jurisdiction" not in fields:
            fields["platform_jurisdiction"] = ""


# Read from the model once: what each text column holds, and what a new case starts with. The
# check runs on every API create, the intake's hot path.
_COLUMN_LIMITS = {field.name: field.max_length for field in Case._meta.concrete_fields
                  if getattr(field, "max_length", None)}
_DEFAULTS = {name: Case._meta.get_field(name).get_default()
             for name in ("kind", "anonymous", "complainant_name", "complainant_phone", "respondent_platform",
                          "platform_jurisdiction", "respondent_address")}
