"""Where a template's variables take their values from. A kind's `parameters` map each variable of
the registered template to a source named here, so the center adds a kind (a statutory decision
notice, say) in the admin without code: the source names are a closed list, nothing is evaluated.

    case.number, case.query_code, case.kind, case.respondent, case.handling_unit,
    case.decline_reason, settings.track_url, event.note, event.data.<key>
"""
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# Gateways refuse a variable longer than this (Alibaba Cloud: 35 characters for notices); free text
# is cut to fit rather than have the whole message refused.
VALUE_MAX_LENGTH = 35


def _cut(value) -> str:
    text = "" if value is None else str(value).strip()
    return text if len(text) <= VALUE_MAX_LENGTH else text[: VALUE_MAX_LENGTH - 1] + "…"


_CASE_SOURCES = {
    "case.number": lambda case: case.number,
    "case.query_code": lambda case: case.query_code,
    "case.kind": lambda case: case.get_kind_display(),
    "case.respondent": lambda case: _cut(case.respondent_name),
    "case.handling_unit": lambda case: _cut(case.handling_unit.name if case.handling_unit_id else ""),
    "case.decline_reason": lambda case: _cut(case.decline_reason.title if case.decline_reason_id else ""),
}
SOURCES = [*_CASE_SOURCES, "settings.track_url", "event.note", "event.data.<key>"]


class UnknownSource(ValueError):
    pass


def source_check(source: str) -> None:
    """Raise UnknownSource for a source name this module cannot read (the admin's validation)."""
    if source in _CASE_SOURCES or source in ("settings.track_url", "event.note"):
        return
    if source.startswith("event.data.") and len(source) > len("event.data."):
        return
    raise UnknownSource(_("未知的取值来源：%(source)s。可用：%(sources)s") % {
        "source": source, "sources": "、".join(SOURCES)})


def params_resolve(*, parameters: dict, case, event) -> dict[str, str]:
    """The template's variables with their values for this case and history row (`event` may be
    None for a receipt sent by hand: its event sources are then empty)."""
    values = {}
    for name, source in parameters.items():
        source_check(source)
        if source in _CASE_SOURCES:
            value = _CASE_SOURCES[source](case)
        elif source == "settings.track_url":
            value = settings.PUBLIC_TRACK_URL
        elif source == "event.note":
            value = _cut(event.note if event is not None else "")
        else:
            data = event.data if event is not None and isinstance(event.data, dict) else {}
            value = _cut(data.get(source.removeprefix("event.data."), ""))
        values[name] = value or "—"
    return values


def template_render(*, text: str, params: dict) -> str:
    """The message as the phone shows it (without the signature): for the console backend and the
    case page. Variables are written ${name}, as the gateways register them."""
    for name, value in params.items():
        text = text.replace("${" + name + "}", str(value))
    return text
