"""The weekly overdue notice as an official document (超期通报): issued from a published notice
only, so the document says what the notice said when it went out."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.kinds import DocumentKind, kind_add

from .selectors_notice import EXTENDED, LATE, OPEN, notice_summary
from .snapshots import ReportSnapshot

WEEKLY_OVERDUE_NOTICE = "weekly_overdue_notice"


def _snapshot(subject_key: str) -> ReportSnapshot:
    return ReportSnapshot.objects.select_related("scope").get(kind=ReportSnapshot.Kind.WEEKLY_NOTICE,
                                                              pk=int(subject_key))


def _unit_lines(data: dict) -> str:
    rows = [row for row in data["units"] if row["overdue"]]
    if not rows:
        return _("本周无超期工单。")
    line = _("%(n)d. %(unit)s：超期%(overdue)d件（在办超期%(open)d件、逾期完成%(late)d件、"
             "延期后超期%(extended)d件）。")
    return "\n".join(line % {"n": index, "unit": row["unit_name"], "overdue": row["overdue"], "open": row[OPEN],
                             "late": row[LATE], "extended": row[EXTENDED]}
                     for index, row in enumerate(rows, start=1))


def _values(*, case, subject_key):
    data = _snapshot(subject_key).data
    return {"通报范围": data["scope"]["name"], "通报期次": data["week"],
            "通报正文": notice_summary(data), "单位明细": _unit_lines(data)}


def register() -> None:
    kind_add(DocumentKind(
        code=WEEKLY_OVERDUE_NOTICE, title=gettext_lazy("超期工单通报"), for_cases=False,
        subjects=lambda case: [], values=_values,
        issuer=lambda *, case, subject_key: _snapshot(subject_key).scope,
        placeholders=("通报范围", "通报期次", "通报正文", "单位明细"),
    ))
