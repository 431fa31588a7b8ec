"""The kinds of document, each defined once: when a case has one, which unit issues it, and the
values its template is filled with. Documents' own kinds (case_kinds.py) and those of the apps
above (supervision's 督办单, reports' weekly notice) register here from their AppConfig.ready()."""
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from complaints.models import Case
from routing.models import Unit

from .models import DocumentSettings

SubjectsFunction = Callable[[Case], list[tuple[str, str]]]
"""`subjects(case) -> [(subject_key, label)]`: the documents of this kind the case has now."""
ValuesFunction = Callable[..., dict]
"""`values(*, case, subject_key) -> {placeholder: text}`: what the template is filled with."""
IssuerFunction = Callable[..., "Unit | None"]
"""`issuer(*, case, subject_key) -> Unit`: the unit in whose name the document goes out."""


@dataclass(frozen=True)
class DocumentKind:
    code: str
    title: str
    subjects: SubjectsFunction
    values: ValuesFunction
    issuer: IssuerFunction
    # A kind of no case (the weekly notice) is issued from its own page, not from a case's.
    for_cases: bool = True
    # The placeholders its template may use besides the common ones (shown in the admin).
    placeholders: tuple[str, ...] = ()


_kinds: dict[str, DocumentKind] = {}


def kind_add(kind: DocumentKind) -> None:
    _kinds[kind.code] = kind


def kind_get(code: str) -> DocumentKind:
    return _kinds[code]


def kinds_all() -> list[DocumentKind]:
    return list(_kinds.values())


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.code, kind.title) for kind in _kinds.values()]


COMMON_PLACEHOLDERS = ("发文机关", "中心名称", "地址", "咨询电话", "文号", "日期")
CASE_PLACEHOLDERS = ("工单编号", "查询码", "接收日期", "投诉人", "被投诉人", "被投诉人地址", "事项", "诉求")


def chinese_date(moment) -> str:
    """A date as a document writes it (2026年12月2日), on Beijing time."""
    day = timezone.localtime(moment).date() if hasattr(moment, "hour") else moment
    return f"{day.year}年{day.month}月{day.day}日"


def header_values(*, number: str, at) -> dict:
    header = DocumentSettings.cached()
    return {
        "发文机关": header.bureau_name, "中心名称": header.center_name, "地址": header.address,
        "咨询电话": header.hotline, "文号": number, "日期": chinese_date(at),
    }
